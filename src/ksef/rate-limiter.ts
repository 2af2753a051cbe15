import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';

/** Endpoint groups as named by `GET /rate-limits` (PROTOCOL §11), plus `public` (per IP). */
export type RateGroup =
  | 'onlineSession' | 'invoiceSend' | 'batchSession' | 'invoiceStatus' | 'sessionList'
  | 'sessionInvoiceList' | 'sessionMisc' | 'invoiceMetadata' | 'invoiceExport'
  | 'invoiceExportStatus' | 'invoiceDownload' | 'other' | 'public';

export interface RateLimitValues {
  readonly perSecond?: number;
  readonly perMinute?: number;
  readonly perHour?: number;
}

export type RateLimitTable = Readonly<Partial<Record<RateGroup, RateLimitValues>>>;

/** Documented PROD defaults (DEMO copies PROD; TEST equals PROD since 2.5.0). */
export const PROD_RATE_LIMITS: Readonly<Record<RateGroup, RateLimitValues>> = {
  onlineSession: { perSecond: 10, perMinute: 30, perHour: 120 },
  invoiceSend: { perSecond: 10, perMinute: 30, perHour: 180 },
  batchSession: { perSecond: 10, perMinute: 20, perHour: 60 },
  invoiceStatus: { perSecond: 30, perMinute: 120, perHour: 1200 },
  sessionList: { perSecond: 5, perMinute: 10, perHour: 60 },
  sessionInvoiceList: { perSecond: 10, perMinute: 20, perHour: 200 },
  sessionMisc: { perSecond: 10, perMinute: 120, perHour: 1200 },
  invoiceMetadata: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExport: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExportStatus: { perSecond: 10, perMinute: 60, perHour: 600 },
  invoiceDownload: { perSecond: 8, perMinute: 16, perHour: 64 },
  other: { perSecond: 10, perMinute: 30, perHour: 120 },
  public: { perSecond: 60 },
};

const WINDOWS: ReadonlyArray<[keyof RateLimitValues, number]> = [
  ['perSecond', 1_000],
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
];

export interface RateLimiterOptions {
  clock?: Clock;
  limits?: RateLimitTable;
  /**
   * Added to every window so that clock skew and network latency between us and KSeF do not
   * turn our "just allowed" into KSeF's "just over". Default 50 ms.
   */
  marginMs?: number;
}

/**
 * Proactive limiter: sliding 1 s / 1 min / 1 h windows per (context, group), so that normal
 * operation never meets a 429. `acquire` waits (on the injected clock) until a call is allowed and
 * records it. Calls for the same key are served in order.
 */
export class RateLimiter {
  private readonly clock: Clock;
  private limits: Record<RateGroup, RateLimitValues>;
  private readonly marginMs: number;
  private readonly history = new Map<string, number[]>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(opts: RateLimiterOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.limits = { ...PROD_RATE_LIMITS, ...(opts.limits ?? {}) } as Record<RateGroup, RateLimitValues>;
    this.marginMs = opts.marginMs ?? 50;
  }

  /** Replace limits (for instance with what `GET /rate-limits` returned). */
  setLimits(limits: RateLimitTable): void {
    this.limits = { ...this.limits, ...limits } as Record<RateGroup, RateLimitValues>;
  }

  getLimits(): Readonly<Record<RateGroup, RateLimitValues>> {
    return this.limits;
  }

  /** How long a call now would have to wait (0 = allowed at once). Does not record anything. */
  delayFor(context: string, group: RateGroup): number {
    const now = this.clock.now();
    const key = `${context}|${group}`;
    const stamps = this.history.get(key) ?? [];
    // a 429 block counts too: acquire() would wait it out (close() asks before logging out)
    return Math.max(0, (this.blockedUntil.get(key) ?? 0) - now, this.waitNeeded(stamps, this.limits[group] ?? {}, now));
  }

  /** Wait until a call is allowed, then count it. */
  acquire(context: string, group: RateGroup): Promise<void> {
    const key = `${context}|${group}`;
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.take(key, group));
    // keep the chain alive even if a waiter is abandoned; errors cannot happen in take()
    this.queues.set(key, next);
    return next;
  }

  /**
   * KSeF said 429: nothing more for this key until `retryAfterMs` has passed. Recorded as a
   * burst of stamps so the windows themselves keep the block, whatever the caller does next.
   */
  block(context: string, group: RateGroup, retryAfterMs: number): void {
    const key = `${context}|${group}`;
    const until = this.clock.now() + retryAfterMs;
    this.blockedUntil.set(key, Math.max(this.blockedUntil.get(key) ?? 0, until));
  }

  private readonly blockedUntil = new Map<string, number>();

  private async take(key: string, group: RateGroup): Promise<void> {
    const limits = this.limits[group] ?? {};
    let stamps = this.history.get(key);
    if (!stamps) this.history.set(key, (stamps = []));
    for (;;) {
      const now = this.clock.now();
      const blocked = (this.blockedUntil.get(key) ?? 0) - now;
      const wait = Math.max(blocked, this.waitNeeded(stamps, limits, now));
      if (wait <= 0) break;
      await this.clock.sleep(wait);
    }
    const now = this.clock.now();
    stamps.push(now);
    // forget what no window can see any more
    const horizon = now - 3_600_000 - this.marginMs;
    let drop = 0;
    while (drop < stamps.length && stamps[drop]! <= horizon) drop++;
    if (drop) stamps.splice(0, drop);
  }

  private waitNeeded(stamps: readonly number[], limits: RateLimitValues, now: number): number {
    let wait = 0;
    for (const [name, length] of WINDOWS) {
      const limit = limits[name];
      if (limit === undefined || limit <= 0) continue;
      const span = length + this.marginMs;
      // stamps are ascending; count those inside (now - span, now]
      let i = stamps.length;
      while (i > 0 && stamps[i - 1]! > now - span) i--;
      const inside = stamps.length - i;
      if (inside >= limit) {
        // the oldest stamp that must leave the window before one more call fits
        const leaving = stamps[stamps.length - limit]!;
        wait = Math.max(wait, leaving + span - now);
      }
    }
    return wait;
  }
}
