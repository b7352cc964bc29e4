import { GivenEvent, givenEvents } from '@smi/testing';
import { deviceStatusCounts } from './test-support/device-status-counts';

const registered = (deviceId: string, status: string): GivenEvent => ({ streamId: `device-${deviceId}`, type: 'DeviceRegistered', data: { status } });
const noted = (deviceId: string): GivenEvent => ({ streamId: `device-${deviceId}`, type: 'DeviceNoted', data: { status: 'installed' } });

describe('givenEvents → thenRows: a projection run by the real runner on a fresh database', () => {
  const projection = () => deviceStatusCounts({ name: 'device_counts' });

  it('passes when the rows a reader sees through the view are the expected ones, in any order', async () => {
    await givenEvents(projection(), [registered('1', 'installed'), registered('2', 'commissioned'), registered('3', 'installed'), noted('1')]).thenRows(
      'device_counts',
      [
        { status: 'commissioned', total: '1' },
        { status: 'installed', total: '2' },
      ],
    );
  });

  it('fails with a readable diff: the rows missing, the rows not expected, and both sides in full', async () => {
    const spec = givenEvents(projection(), [registered('1', 'installed'), registered('2', 'suspended')]).thenRows('device_counts', [
      { status: 'installed', total: '1' },
      { status: 'suspended', total: '2' },
    ]);
    await expect(spec).rejects.toThrow(
      [
        'rows of device_counts differ',
        '  expected but missing:',
        '    {"status":"suspended","total":"2"}',
        '  present but not expected:',
        '    {"status":"suspended","total":"1"}',
        '  expected: [{"status":"installed","total":"1"}, {"status":"suspended","total":"2"}]',
        '  actual:   [{"status":"installed","total":"1"}, {"status":"suspended","total":"1"}]',
      ].join('\n'),
    );
  });

  it('fails on a row too many or too few, not only on a different value', async () => {
    const given = givenEvents(projection(), [registered('1', 'installed'), registered('2', 'suspended')]);
    await expect(given.thenRows('device_counts', [{ status: 'installed', total: '1' }])).rejects.toThrow(
      /expected but missing:\n {4}\(none\)\n {2}present but not expected:\n {4}\{"status":"suspended","total":"1"\}/,
    );
    await expect(given.thenRows('device_counts', [])).rejects.toThrow(/rows of device_counts differ/);
  });

  it('fails with the projection error when apply throws, instead of waiting out the retries', async () => {
    const failing = deviceStatusCounts({
      name: 'device_counts',
      afterWrite: () => {
        throw new Error('projection bug: cannot handle this event');
      },
    });
    await expect(givenEvents(failing, [registered('1', 'installed')]).thenRows('device_counts', [])).rejects.toThrow(
      'projection device_counts failed to apply the given events: projection bug: cannot handle this event',
    );
  });

  it('gives the rows in a stable order for checks that cannot spell out every row', async () => {
    const rows = await givenEvents(projection(), [registered('1', 'suspended'), registered('2', 'installed'), registered('3', 'commissioned')]).rows('device_counts');
    expect(rows.map((row) => row.status)).toEqual(['commissioned', 'installed', 'suspended']);
  });
});
