import type { PurchaseRole, PurchasesPolicy } from '../../config/agent-config.ts';
import { AgentError } from '../../core/errors.ts';
import { PROD_RATE_LIMITS, isKsefError, systemClock } from '../../ksef/index.ts';
import type { Clock, RateGroup } from '../../ksef/index.ts';
import type { CompiledPurchaseMapping } from '../../purchases-mapping/index.ts';
import { loadPurchaseState, savePurchaseState } from './purchase-state.ts';
import type { PurchaseState, RoleState, StoredSyncError } from './purchase-state.ts';
import { warsawMidnight } from '../../core/warsaw-day.ts';
import { DEFAULT_MIN_WINDOW_MS, iso } from './purchase-window.ts';
import { PurchaseDeferred, RateBudget } from './rate-budget.ts';
import { syncRole } from './sync-role.ts';
import type { PurchaseCallCounts, PurchaseCompany, PurchaseKsefClient, PurchaseStrategy, RoleSyncReport, SyncContext } from './sync-context.ts';

/** KSeF asks for no more than one poll per 15 minutes per subject role. */
export const MIN_INTERVAL_MS = 15 * 60_000;
const DAY = 86_400_000;

export interface PurchaseSyncDeps {
  readonly client: PurchaseKsefClient;
  readonly policy: PurchasesPolicy;
  readonly clock?: Clock;
  /** reverse mapping for the flat CSV/JSON outputs; without it those outputs are skipped with a warning */
  readonly mapping?: CompiledPurchaseMapping;
  readonly logger?: SyncContext['logger'];
  /** run even if the last run was less than 15 minutes ago or a 429 block is pending */
  readonly force?: boolean;
  /** default 'export' (HWM export); 'auto' asks the metadata first and downloads a handful by number */
  readonly strategy?: PurchaseStrategy;
  /** 'auto': at most this many invoices go by download-by-number, default 10 */
  readonly smallBatchMax?: number;
  /** a window ending at now must be at least this long; default 5 minutes */
  readonly minWindowMs?: number;
  /** exports one run may start (per company, all roles), default 10 */
  readonly maxExportsPerRun?: number;
  /** hourly limits; default: what the client learned from KSeF, else the documented PROD values */
  readonly limits?: Readonly<Partial<Record<RateGroup, { perHour?: number }>>>;
  /** tests: called after each invoice is complete in the outbox */
  readonly afterInvoice?: (ksefNumber: string) => void;
}

export interface PurchaseSyncResult {
  readonly companyId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** why nothing was asked of KSeF */
  readonly skipped?: 'disabled' | 'too-soon' | 'deferred';
  /** no error in any role (a deferral because of limits is not an error) */
  readonly ok: boolean;
  readonly downloaded: number;
  readonly duplicates: number;
  readonly roles: readonly RoleSyncReport[];
  readonly calls: Readonly<PurchaseCallCounts>;
  /** the run stopped early for limits: the earliest moment another run is useful */
  readonly deferredUntil?: string;
  readonly errors: readonly StoredSyncError[];
}

function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof AgentError) return { code: e.code, message: e.message };
  return { code: 'PURCHASE_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

const RATE_GROUP_OF: Readonly<Record<string, RateGroup>> = {
  'POST /invoices/exports': 'invoiceExport',
  'POST /invoices/query/metadata': 'invoiceMetadata',
  'GET /invoices/ksef/{ksefNumber}': 'invoiceDownload',
  'GET /invoices/exports/{ref}': 'invoiceExportStatus',
};

function initialCursor(policy: PurchasesPolicy, now: number): string {
  return policy.backfillFrom ? warsawMidnight(policy.backfillFrom) : iso(now - 30 * DAY);
}

/** A role seen for the first time starts at the back-fill date; an earlier back-fill date later adds a back-fill stream, once. */
function prepareRole(state: PurchaseState, role: PurchaseRole, start: string, logger: SyncContext['logger']): RoleState {
  let rs = state.roles[role];
  if (!rs) {
    rs = { main: { cursor: start }, coveredFrom: start, downloaded: 0, duplicates: 0 };
    state.roles[role] = rs;
    return rs;
  }
  const covered = rs.coveredFrom ?? state.firstStart ?? rs.main.cursor;
  if (Date.parse(start) < Date.parse(covered)) {
    // a back-fill still running is extended to the earlier date; otherwise a new one ends where coverage began
    rs.backfill = rs.backfill ? { cursor: start, until: rs.backfill.until ?? covered } : { cursor: start, until: covered };
    rs.coveredFrom = start;
    logger?.info?.('purchases.backfill', { role, from: start, until: rs.backfill.until });
  } else rs.coveredFrom ??= covered;
  return rs;
}

/**
 * One purchase download for one company: every configured role, export with the HWM (or the
 * query path for a handful), files into outbox/purchases, state saved after each step. Never
 * throws for KSeF or disk trouble: errors are in the result, in the state (for `status`) and in
 * the log, so the send path goes on.
 */
export async function runPurchaseSync(company: PurchaseCompany, deps: PurchaseSyncDeps): Promise<PurchaseSyncResult> {
  const clock = deps.clock ?? systemClock;
  const startedAt = iso(clock.now());
  const calls: PurchaseCallCounts = { exports: 0, metadataQueries: 0, downloads: 0, packages: 0 };
  const base = { companyId: company.id, startedAt, calls };
  const done = (r: Omit<PurchaseSyncResult, 'companyId' | 'startedAt' | 'finishedAt' | 'calls'>): PurchaseSyncResult => ({ ...base, finishedAt: iso(clock.now()), ...r });
  if (!deps.policy.enabled) return done({ skipped: 'disabled', ok: true, downloaded: 0, duplicates: 0, roles: [], errors: [] });

  const workDir = company.folders.work;
  let state: PurchaseState;
  try {
    state = await loadPurchaseState(workDir, company.id, company.nip);
  } catch (e) {
    const err = { ...errorOf(e), at: startedAt };
    deps.logger?.error?.('purchases.state', { company: company.id, code: err.code, message: err.message });
    return done({ ok: false, downloaded: 0, duplicates: 0, roles: [], errors: [err] });
  }
  const now = clock.now();
  if (!deps.force) {
    // after a deferral KSeF's own "come back at" rules; otherwise KSeF's 15-minute floor. The
    // cadence itself (purchases.intervalMinutes) is PurchaseScheduler's alone.
    if (state.deferredUntil) {
      if (now < Date.parse(state.deferredUntil)) {
        return done({ skipped: 'deferred', ok: true, downloaded: 0, duplicates: 0, roles: [], errors: [], deferredUntil: state.deferredUntil });
      }
    } else if (state.lastSyncAt && now - Date.parse(state.lastSyncAt) < MIN_INTERVAL_MS) {
      return done({ skipped: 'too-soon', ok: true, downloaded: 0, duplicates: 0, roles: [], errors: [] });
    }
  }

  const learned = deps.client.rateLimits?.();
  const budget = new RateBudget(state.rate, clock, { ...PROD_RATE_LIMITS, ...(learned ?? {}), ...(deps.limits ?? {}) });
  const outputs = deps.policy.outputs;
  if ((outputs.csv || outputs.json) && !deps.mapping) {
    deps.logger?.warn?.('purchases.no-mapping', { company: company.id, message: 'outputs.csv/json are on but no purchase mapping was given; only XML and metadata are written' });
  }
  const ctx: SyncContext = {
    company,
    client: deps.client,
    clock,
    outboxDir: company.folders.outbox,
    workDir,
    state,
    budget,
    outputs,
    ...(deps.mapping ? { mapping: deps.mapping } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    minWindowMs: deps.minWindowMs ?? DEFAULT_MIN_WINDOW_MS,
    maxExportsPerRun: deps.maxExportsPerRun ?? 10,
    strategy: deps.strategy ?? 'export',
    smallBatchMax: deps.smallBatchMax ?? 10,
    calls,
    ...(deps.afterInvoice ? { afterInvoice: deps.afterInvoice } : {}),
    save: () => savePurchaseState(workDir, state),
  };

  const start = initialCursor(deps.policy, now);
  const errors: StoredSyncError[] = [];
  const reports: RoleSyncReport[] = [];
  let deferred: number | undefined;
  for (const role of deps.policy.roles) {
    const rs = prepareRole(state, role, start, deps.logger);
    const report: RoleSyncReport = { role, downloaded: 0, duplicates: 0, cursor: rs.main.cursor, caughtUp: false, csvFiles: [], flatErrors: [], dropped: [] };
    reports.push(report);
    if (deferred !== undefined) continue;
    try {
      await syncRole(ctx, role, rs, report);
    } catch (e) {
      if (e instanceof PurchaseDeferred) deferred = e.until;
      else if (isKsefError(e) && e.code === 'KSEF_RATE_LIMITED') {
        const group = RATE_GROUP_OF[e.operation ?? ''] ?? 'invoiceExport';
        deferred = budget.block(group, e.retryAfterMs ?? 60_000);
        const err = { code: e.code, message: e.message, at: iso(clock.now()), role };
        errors.push(err);
        report.error = { code: err.code, message: err.message };
      } else {
        const err = { ...errorOf(e), at: iso(clock.now()), role };
        errors.push(err);
        report.error = { code: err.code, message: err.message };
        deps.logger?.error?.('purchases.failed', { company: company.id, role, code: err.code, message: err.message });
      }
    }
    report.cursor = rs.main.cursor;
    const fe = report.flatErrors[report.flatErrors.length - 1];
    if (fe) errors.push({ code: fe.code, message: `${report.flatErrors.length} invoice(s) without a flat ERP row; last: ${fe.message}`, at: iso(clock.now()), role });
  }
  state.firstStart ??= start;
  // the start of the run, the same instant the scheduler counts its interval from: measured from
  // the end, a 15-minute interval met this 15-minute floor a few seconds short, every other time
  state.lastSyncAt = startedAt;
  if (deferred !== undefined) {
    state.deferredUntil = iso(deferred);
    deps.logger?.warn?.('purchases.deferred', { company: company.id, until: state.deferredUntil });
  } else delete state.deferredUntil;
  if (errors.length === 0) {
    state.lastSuccessAt = state.lastSyncAt;
    for (const r of reports) if (r.caughtUp) state.roles[r.role]!.lastSuccessAt = state.lastSyncAt;
  } else state.lastError = errors[errors.length - 1]!;
  const downloaded = reports.reduce((n, r) => n + r.downloaded, 0);
  const duplicates = reports.reduce((n, r) => n + r.duplicates, 0);
  try {
    await ctx.save();
  } catch (e) {
    errors.push({ ...errorOf(e), at: iso(clock.now()) });
  }
  deps.logger?.info?.('purchases.synced', { company: company.id, downloaded, duplicates, exports: calls.exports, queries: calls.metadataQueries, downloads: calls.downloads });
  return done({ ok: errors.length === 0, downloaded, duplicates, roles: reports, errors, ...(state.deferredUntil ? { deferredUntil: state.deferredUntil } : {}) });
}

