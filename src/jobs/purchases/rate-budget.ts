import type { Clock, RateGroup, RateLimitValues } from '../../ksef/index.ts';
import type { RateGroupState } from './purchase-state.ts';

const HOUR = 3_600_000;

/** Thrown inside a run when a KSeF budget is spent: the run stops and says when to come back. */
export class PurchaseDeferred extends Error {
  constructor(readonly group: RateGroup, readonly until: number) {
    super(`the ${group} budget is spent until ${new Date(until).toISOString()}`);
    this.name = 'PurchaseDeferred';
  }
}

/**
 * Our own count of the hourly purchase-side calls and of KSeF's 429 blocks, kept in the persisted
 * state so a restart does not spend the hour's quota again. The client's limiter handles the
 * second and minute windows by waiting; waiting out an hour is this job's business (it defers).
 */
export class RateBudget {
  constructor(
    private readonly rate: Record<string, RateGroupState>,
    private readonly clock: Clock,
    private readonly limits: Readonly<Partial<Record<RateGroup, RateLimitValues>>>,
  ) {}

  private group(g: RateGroup): RateGroupState {
    const now = this.clock.now();
    const s = (this.rate[g] ??= { calls: [] });
    s.calls = s.calls.filter((t) => t > now - HOUR);
    if (s.blockedUntil !== undefined && s.blockedUntil <= now) delete s.blockedUntil;
    return s;
  }

  /** Epoch ms from which one more call fits (now if it fits now). */
  availableAt(g: RateGroup): number {
    const now = this.clock.now();
    const s = this.group(g);
    let at = Math.max(now, s.blockedUntil ?? 0);
    const perHour = this.limits[g]?.perHour;
    if (perHour !== undefined && s.calls.length >= perHour) at = Math.max(at, s.calls[s.calls.length - perHour]! + HOUR);
    return at;
  }

  /** Throws PurchaseDeferred unless a call fits now; otherwise counts it. */
  take(g: RateGroup): void {
    const at = this.availableAt(g);
    if (at > this.clock.now()) throw new PurchaseDeferred(g, at);
    this.group(g).calls.push(this.clock.now());
  }

  /** KSeF answered 429: nothing in this group before Retry-After has passed. */
  block(g: RateGroup, retryAfterMs: number): number {
    const s = this.group(g);
    const until = this.clock.now() + Math.max(1_000, retryAfterMs);
    s.blockedUntil = Math.max(s.blockedUntil ?? 0, until);
    return s.blockedUntil;
  }
}
