/**
 * KSeF's calendar days are Polish days (Europe/Warsaw), not UTC ones: the acceptance date an
 * issue date is compared with, the automatic Offline classification and the date in KSeF and
 * reference numbers all change at Warsaw midnight (23:00 UTC in winter, 22:00 UTC in summer).
 */
const FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' });

/** `YYYY-MM-DD` of a moment in Warsaw. */
export function warsawDate(ms: number): string {
  const parts = Object.fromEntries(FORMAT.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
