/**
 * Polish public holidays (ustawa o dniach wolnych od pracy, with 24 December from 2025), for the
 * working-day deadlines of offline invoices. Written here rather than taken from ksef-client-ts
 * (whose `isPolishHoliday` the tests compare against): that package's only entry point loads the
 * whole KSeF client, about a second of start-up, for a table of a dozen dates.
 */

/** Easter Sunday (Gregorian, anonymous algorithm) as yyyy-mm-dd. */
function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const plusDays = (day: string, n: number): string => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

const FIXED = ['01-01', '01-06', '05-01', '05-03', '08-15', '11-01', '11-11', '12-25', '12-26'];

/** Whether `day` (yyyy-mm-dd) is a public holiday in Poland. */
export function isPolishHoliday(day: string): boolean {
  const year = Number(day.slice(0, 4));
  const md = day.slice(5);
  if (FIXED.includes(md) || (md === '12-24' && year >= 2025)) return true;
  const e = easter(year);
  // Easter Sunday, Easter Monday, Pentecost Sunday (+49), Corpus Christi (+60)
  return [e, plusDays(e, 1), plusDays(e, 49), plusDays(e, 60)].includes(day);
}

/** The first day after `day` that is neither a Saturday, a Sunday nor a public holiday. */
export function nextWorkingDay(day: string): string {
  let next = plusDays(day, 1);
  for (;;) {
    const wd = new Date(`${next}T12:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6 && !isPolishHoliday(next)) return next;
    next = plusDays(next, 1);
  }
}
