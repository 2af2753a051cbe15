/**
 * Pure planning of export/query windows (PROTOCOL §10.3): adjacent windows over permanent-storage
 * dates, at most 3 months each, never too close to now, and a cursor that only moves forward.
 */

export interface PlannedWindow {
  readonly from: string;
  /** absent: up to now, clamped by KSeF to its HWM */
  readonly to?: string;
}

export interface WindowRules {
  /** a window ending at now must be at least this long (KSeF refuses too fresh ranges, and they cost quota) */
  readonly minWindowMs: number;
}

export const DEFAULT_MIN_WINDOW_MS = 5 * 60_000;

export function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The next window from `cursor`, or undefined when there is nothing to ask yet: the stream reached
 * `until`, or (for an open stream) now is less than `minWindowMs` past the cursor.
 */
export function planWindow(cursor: string, until: string | undefined, nowMs: number, rules: WindowRules): PlannedWindow | undefined {
  const from = Date.parse(cursor);
  const end = until !== undefined ? Math.min(Date.parse(until), nowMs) : nowMs;
  if (until !== undefined && from >= Date.parse(until)) return undefined;
  if (end - from < rules.minWindowMs && (until === undefined || end === nowMs)) return undefined;
  const limit = addMonthsUtc(from, 3);
  if (until === undefined && nowMs <= limit) return { from: cursor };
  return { from: cursor, to: iso(Math.min(limit, end)) };
}

export interface PackageOutcome {
  readonly isTruncated: boolean;
  readonly lastPermanentStorageDate?: string;
  readonly permanentStorageHwmDate?: string;
}

/**
 * Where the next window starts after a package: the last permanent-storage date when truncated,
 * else the HWM, but never past the window's own end (a back-fill chunk must not jump over the
 * months after it). Undefined when the answer gives no safe point.
 */
export function nextFrom(window: PlannedWindow, pkg: PackageOutcome): string | undefined {
  if (pkg.isTruncated) return pkg.lastPermanentStorageDate;
  const hwm = pkg.permanentStorageHwmDate;
  if (window.to === undefined) return hwm ?? pkg.lastPermanentStorageDate;
  if (hwm === undefined) return pkg.lastPermanentStorageDate;
  return Date.parse(hwm) < Date.parse(window.to) ? hwm : window.to;
}

/** The cursor never moves back, whatever KSeF answers. */
export function advanceCursor(cursor: string, next: string | undefined): string {
  if (next === undefined) return cursor;
  const n = Date.parse(next);
  if (Number.isNaN(n)) return cursor;
  return n > Date.parse(cursor) ? iso(n) : cursor;
}
