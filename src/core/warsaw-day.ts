/**
 * KSeF's calendar days are Polish days (Europe/Warsaw), not UTC ones: the acceptance date an
 * issue date is compared with, the automatic Offline classification, the date in KSeF and
 * reference numbers, the token deadline and the purchase month folders all change at Warsaw
 * midnight (23:00 UTC in winter, 22:00 UTC in summer). The one implementation, used by the agent
 * and the simulator alike (it imports nothing, so the simulator may use it).
 */
const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' });
const HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', hour: '2-digit', hourCycle: 'h23' });

/** `yyyy-mm-dd` of a moment (epoch ms or ISO instant) in Warsaw. */
export function warsawDate(at: number | string): string {
  // parts, not format(): the layout of a formatted date is the locale's, the parts are not
  const parts = Object.fromEntries(DAY.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `yyyy-mm` of a moment in Warsaw: the month folder of a purchase invoice. */
export function warsawMonth(at: number | string): string {
  return warsawDate(at).slice(0, 7);
}

/** Midnight in Warsaw of a `yyyy-mm-dd` date, as an ISO instant (KSeF reads dates in Polish time). */
export function warsawMidnight(date: string): string {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Warsaw's offset at that moment (+1 h winter, +2 h summer); DST changes at 01:00 UTC, so the
  // offset at UTC midnight is the one in force at the Warsaw midnight before it
  const hour = Number(HOUR.formatToParts(new Date(utcMidnight)).find((p) => p.type === 'hour')?.value ?? '0');
  return new Date(utcMidnight - hour * 3_600_000).toISOString();
}
