/**
 * Sliding-window rate limits per (endpoint group, context, client IP), PROTOCOL §11: the last
 * second, minute and hour all apply.
 *
 * Blocks escalate as KSeF describes them (ksef-docs limity/limity-api.md §2: after a 429 "kolejne
 * żądania są tymczasowo blokowane", the block is dynamic and "wielokrotne przekroczenia mogą
 * skutkować znacznym wydłużeniem blokady"; users report waits of tens of minutes). What we do, the
 * exact numbers being ours, not published: a violation blocks the key for the window's own wait
 * (Retry-After); every request made during the block is refused and is a repeated violation that
 * sets the block to first-wait × 2^n (n = requests made during the block), at most one hour.
 * Refused requests count against the windows like accepted ones. A client that honours
 * Retry-After never sees more than the plain window wait. So a block that ran out is forgotten (the
 * next violation starts from the plain wait again), and so are stamps older than the hour window.
 */
import type { RateLimitMode } from './options.ts';

export interface LimitValues {
  perSecond: number;
  perMinute: number;
  perHour: number;
}

export type RateLimitGroup =
  | 'onlineSession' | 'batchSession' | 'invoiceSend' | 'invoiceStatus' | 'sessionList' | 'sessionInvoiceList'
  | 'sessionMisc' | 'invoiceMetadata' | 'invoiceExport' | 'invoiceExportStatus' | 'invoiceDownload' | 'other'
  // API 2.7.0: the /collective-identifiers endpoints (not implemented here, but the group is listed)
  | 'collectiveIdentifier';

export type LimitGroup = RateLimitGroup | 'public';

export const PROD_LIMITS: Readonly<Record<RateLimitGroup, LimitValues>> = {
  onlineSession: { perSecond: 10, perMinute: 30, perHour: 120 },
  batchSession: { perSecond: 10, perMinute: 20, perHour: 60 },
  invoiceSend: { perSecond: 10, perMinute: 30, perHour: 180 },
  invoiceStatus: { perSecond: 30, perMinute: 120, perHour: 1200 },
  sessionList: { perSecond: 5, perMinute: 10, perHour: 60 },
  sessionInvoiceList: { perSecond: 10, perMinute: 20, perHour: 200 },
  sessionMisc: { perSecond: 10, perMinute: 120, perHour: 1200 },
  invoiceMetadata: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExport: { perSecond: 8, perMinute: 16, perHour: 20 },
  invoiceExportStatus: { perSecond: 10, perMinute: 60, perHour: 600 },
  invoiceDownload: { perSecond: 8, perMinute: 16, perHour: 64 },
  other: { perSecond: 10, perMinute: 30, perHour: 120 },
  collectiveIdentifier: { perSecond: 10, perMinute: 60, perHour: 120 },
};

/** Unauthenticated endpoints: 60 per second per IP, nothing per minute or hour. */
const PUBLIC_LIMIT: LimitValues = { perSecond: 60, perMinute: Number.POSITIVE_INFINITY, perHour: Number.POSITIVE_INFINITY };

const RELAXED_FACTOR = 100;

export function effectiveLimits(mode: RateLimitMode): Record<RateLimitGroup, LimitValues> {
  const out = {} as Record<RateLimitGroup, LimitValues>;
  for (const [group, v] of Object.entries(PROD_LIMITS) as [RateLimitGroup, LimitValues][]) {
    out[group] = mode === 'relaxed' ? { perSecond: v.perSecond * RELAXED_FACTOR, perMinute: v.perMinute * RELAXED_FACTOR, perHour: v.perHour * RELAXED_FACTOR } : { ...v };
  }
  return out;
}

const WINDOWS: { span: number; key: keyof LimitValues; word: string }[] = [
  { span: 1_000, key: 'perSecond', word: 'na sekundę' },
  { span: 60_000, key: 'perMinute', word: 'na minutę' },
  { span: 3_600_000, key: 'perHour', word: 'na godzinę' },
];

export interface LimitVerdict {
  readonly ok: boolean;
  readonly retryAfterSec?: number;
  readonly message?: string;
}

const MAX_BLOCK_MS = 3_600_000;
/** the longest window: stamps older than this are seen by none */
const LONGEST_WINDOW_MS = 3_600_000;
/** how often (simulator time) every key is looked at to forget what can no longer matter */
const SWEEP_EVERY_MS = 60_000;

interface Block {
  until: number;
  firstMs: number;
  strikes: number;
  message: string;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly blocks = new Map<string, Block>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(public mode: RateLimitMode) {}

  /** Counts the request if allowed; otherwise says for how long to wait. */
  check(group: LimitGroup, context: string, ip: string, nowMs: number, endpoint: string): LimitVerdict {
    if (this.mode === 'off') return { ok: true };
    const limits = group === 'public'
      ? (this.mode === 'relaxed' ? { ...PUBLIC_LIMIT, perSecond: PUBLIC_LIMIT.perSecond * RELAXED_FACTOR } : PUBLIC_LIMIT)
      : effectiveLimits(this.mode)[group];
    // "other" endpoints each have their own counter, as KSeF documents.
    const key = `${group === 'other' ? endpoint : group}|${context}|${ip}`;
    this.sweep(nowMs);
    const list = (this.hits.get(key) ?? []).filter((t) => t > nowMs - LONGEST_WINDOW_MS);
    this.hits.set(key, list);
    // refused or not, the request counts
    list.push(nowMs);
    let block = this.blocks.get(key);
    if (block && nowMs >= block.until) {
      // a block that ran out has no say any more: the escalation lives only while it lasts (see top)
      this.blocks.delete(key);
      block = undefined;
    }
    if (block) {
      block.strikes++;
      block.until = Math.max(block.until, nowMs + Math.min(MAX_BLOCK_MS, block.firstMs * 2 ** block.strikes));
      const retryAfterSec = Math.max(1, Math.ceil((block.until - nowMs) / 1000));
      return { ok: false, retryAfterSec, message: `${block.message} Ponowne żądanie w czasie blokady ją wydłuża. Spróbuj ponownie po ${retryAfterSec} sekundach.` };
    }
    for (const w of WINDOWS) {
      const limit = limits[w.key];
      // the request itself is in the list now: over the limit when more than `limit` are inside
      const inWindow = list.filter((t) => t > nowMs - w.span);
      if (inWindow.length > limit) {
        const oldestThatMatters = inWindow[inWindow.length - 1 - limit]!;
        const retryAfterSec = Math.max(1, Math.ceil((oldestThatMatters + w.span - nowMs) / 1000));
        const firstMs = retryAfterSec * 1000;
        this.blocks.set(key, { until: nowMs + firstMs, firstMs, strikes: 0, message: `Przekroczono limit ${limit} żądań ${w.word}.` });
        return { ok: false, retryAfterSec, message: `Przekroczono limit ${limit} żądań ${w.word}. Spróbuj ponownie po ${retryAfterSec} sekundach.` };
      }
    }
    return { ok: true };
  }

  /**
   * Forget blocks that ran out and keys whose stamps no window sees: many contexts and client IPs
   * must not grow the simulator's memory for ever. At most once a minute, so a check stays cheap.
   */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = nowMs;
    for (const [key, b] of this.blocks) if (nowMs >= b.until) this.blocks.delete(key);
    for (const [key, list] of this.hits) if ((list[list.length - 1] ?? Number.NEGATIVE_INFINITY) <= nowMs - LONGEST_WINDOW_MS) this.hits.delete(key);
  }

  /** How many (group, context, IP) keys are remembered: request stamps and blocks (tests, memory). */
  sizes(): { keys: number; blocks: number } {
    return { keys: this.hits.size, blocks: this.blocks.size };
  }

  reset(): void {
    this.hits.clear();
    this.blocks.clear();
    this.lastSweep = Number.NEGATIVE_INFINITY;
  }
}
