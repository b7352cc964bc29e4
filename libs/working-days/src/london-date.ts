const LONDON_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The calendar date (`yyyy-mm-dd`) in England at an instant: 23:30 UTC on 20 April 2026 is already 21 April
 * in London (BST). Delivery deadlines, a report's date observed and a row's Date last Updated are about
 * English days, so "today" must be the English day, not the UTC one.
 */
export function londonDate(instant: Date): string {
  const parts = Object.fromEntries(LONDON_DATE.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
