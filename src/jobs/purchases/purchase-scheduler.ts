import { systemClock } from '../../ksef/index.ts';
import type { Clock } from '../../ksef/index.ts';
import { purchaseStatus } from './purchase-status.ts';
import type { PurchaseSyncResult } from './run-purchase-sync.ts';
import { MIN_INTERVAL_MS } from './run-purchase-sync.ts';
import type { PurchaseCompany } from './sync-context.ts';

export interface PurchaseSchedulerOptions {
  readonly companies: readonly PurchaseCompany[];
  /** minutes between runs per company; anything under 15 is raised to 15 (KSeF's rule) */
  readonly intervalMinutes: number;
  /** one sync of one company; runPurchaseSync with its deps, bound by the caller */
  readonly run: (company: PurchaseCompany) => Promise<PurchaseSyncResult>;
  readonly clock?: Clock;
  /** a run that threw (runPurchaseSync does not; a custom run might) */
  readonly onError?: (company: PurchaseCompany, error: unknown) => void;
  /** the longest single sleep of the loop, so stop() is prompt; default 1 s */
  readonly tickMs?: number;
}

/**
 * Runs each company's purchase download every interval (never under 15 minutes), continuing
 * after a restart from the persisted last-run time and honouring "come back at" from limits.
 * Companies run one after another, so one company's trouble never overlaps another's run.
 */
export class PurchaseScheduler {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly due = new Map<string, number>();
  private loaded = false;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: PurchaseSchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.intervalMs = Math.max(MIN_INTERVAL_MS, opts.intervalMinutes * 60_000);
  }

  get interval(): number {
    return this.intervalMs;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    for (const c of this.opts.companies) {
      const s = await purchaseStatus(c);
      const last = s.lastSyncAt ? Date.parse(s.lastSyncAt) + this.intervalMs : 0;
      const deferred = s.deferredUntil ? Date.parse(s.deferredUntil) : 0;
      this.due.set(c.id, Math.max(last, deferred));
    }
    this.loaded = true;
  }

  /** When a company runs next (epoch ms). */
  async nextDueAt(companyId: string): Promise<number | undefined> {
    await this.load();
    return this.due.get(companyId);
  }

  /** Runs every company that is due now; returns their results. */
  async runDue(): Promise<PurchaseSyncResult[]> {
    await this.load();
    const out: PurchaseSyncResult[] = [];
    for (const c of this.opts.companies) {
      if (this.stopped) break;
      const now = this.clock.now();
      if ((this.due.get(c.id) ?? 0) > now) continue;
      let next = now + this.intervalMs;
      try {
        const r = await this.opts.run(c);
        out.push(r);
        if (r.deferredUntil) next = Math.max(next, Date.parse(r.deferredUntil));
      } catch (e) {
        this.opts.onError?.(c, e);
      }
      this.due.set(c.id, next);
    }
    return out;
  }

  /** Starts the loop; returns at once. */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        await this.runDue();
        if (this.stopped) break;
        const next = Math.min(...[...this.due.values(), this.clock.now() + this.intervalMs]);
        const wait = Math.max(0, next - this.clock.now());
        await this.clock.sleep(Math.min(wait, this.opts.tickMs ?? 1_000));
      }
    })();
  }

  /** Stops after the run in progress (if any) finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.running = undefined;
  }
}
