/** Local `yyyy-mm-dd` dates as FA writes them (TDataT: 2006-01-01 … 2050-01-01). */

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const FA_MIN_DATE = '2006-01-01';
export const FA_MAX_DATE = '2050-01-01';

export function inFaDateRange(s: string): boolean {
  return s >= FA_MIN_DATE && s <= FA_MAX_DATE;
}
