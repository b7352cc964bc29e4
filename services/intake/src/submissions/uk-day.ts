const UK_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (yyyy-mm-dd) in the UK at `instant`: what "today" means for a Date last Updated. */
export function ukDay(instant: Date): string {
  const parts = Object.fromEntries(UK_DAY.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
