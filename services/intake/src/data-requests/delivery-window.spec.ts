import { EnglandAndWalesBankHolidays } from '@smi/working-days';
import { deliveryWindow, isOverdueOn, WORKING_DAYS_TO_DELIVER } from './delivery-window';

const none = new Set<string>();
const ew = new EnglandAndWalesBankHolidays();

describe('the delivery window: overdue at the start of the 16th working day after the agreed date', () => {
  it('has 15 working days to deliver', () => {
    expect(WORKING_DAYS_TO_DELIVER).toBe(15);
  });

  it('spans Easter 2026 (the documented example)', () => {
    expect(deliveryWindow('2026-03-26', ew)).toEqual({ agreedDeliveryDate: '2026-03-26', lastDeliveryDay: '2026-04-20', overdueFrom: '2026-04-21' });
    expect(isOverdueOn('2026-03-26', '2026-04-20', ew)).toBe(false);
    expect(isOverdueOn('2026-03-26', '2026-04-21', ew)).toBe(true);
    // Without the two Easter holidays it would have been overdue on the Friday before.
    expect(deliveryWindow('2026-03-26', none).overdueFrom).toBe('2026-04-17');
  });

  it('gives a weekend or holiday after the 15th working day to the provider, not to the chase', () => {
    // Agreed Friday 27 November 2026: the 15th working day is Friday 18 December, overdue from Monday 21.
    expect(deliveryWindow('2026-11-27', ew)).toMatchObject({ lastDeliveryDay: '2026-12-18', overdueFrom: '2026-12-21' });
    expect(isOverdueOn('2026-11-27', '2026-12-19', ew)).toBe(false);
    expect(isOverdueOn('2026-11-27', '2026-12-20', ew)).toBe(false);
    expect(isOverdueOn('2026-11-27', '2026-12-21', ew)).toBe(true);
  });

  it('spans Christmas 2026 and New Year 2027', () => {
    // Agreed Friday 11 December 2026: 14-18, 21-24, 29-31 December, then 4-6 January 2027.
    expect(deliveryWindow('2026-12-11', ew)).toMatchObject({ lastDeliveryDay: '2027-01-06', overdueFrom: '2027-01-07' });
  });

  it('spans Christmas 2027 with both substitute days', () => {
    // Agreed Friday 17 December 2027: 20-24, 29-31 December, then 3-7 and 10-11 January 2028 (New Year substitute 3 January).
    expect(deliveryWindow('2027-12-17', ew)).toMatchObject({ lastDeliveryDay: '2028-01-12', overdueFrom: '2028-01-13' });
  });

  it('counts from the next working day when the agreed date is itself a bank holiday', () => {
    // Good Friday 2026 as the agreed date: Easter Monday does not count either, day 1 is Tuesday 7 April.
    expect(deliveryWindow('2026-04-03', ew)).toMatchObject({ lastDeliveryDay: '2026-04-27', overdueFrom: '2026-04-28' });
  });

  it('counts from the next working day when the agreed date is a weekend day', () => {
    // Saturday 2 May 2026: early May bank holiday on the Monday, so day 1 is Tuesday 5 May; spring bank holiday 25 May skipped.
    expect(deliveryWindow('2026-05-02', ew)).toMatchObject({ lastDeliveryDay: '2026-05-26', overdueFrom: '2026-05-27' });
    // Sunday 3 May gives the same window as Saturday 2 May.
    expect(deliveryWindow('2026-05-03', ew)).toEqual({ ...deliveryWindow('2026-05-02', ew), agreedDeliveryDate: '2026-05-03' });
  });
});
