import type { PurchaseRole } from '../../config/agent-config.ts';
import { AgentError } from '../../core/errors.ts';
import { isKsefError } from '../../ksef/index.ts';
import type { ExportHandle, InvoiceMetadata, InvoiceQueryFilters, KsefError } from '../../ksef/index.ts';
import { isInOutbox, storePurchaseBatch } from './purchase-outbox.ts';
import type { ReceivedInvoice } from './purchase-outbox.ts';
import type { InFlightExport, RoleState, StreamName, StreamState } from './purchase-state.ts';
import { advanceCursor, iso, nextFrom, planWindow } from './purchase-window.ts';
import type { PlannedWindow } from './purchase-window.ts';
import type { RoleSyncReport, SyncContext } from './sync-context.ts';

function filtersFor(role: PurchaseRole, w: PlannedWindow): InvoiceQueryFilters {
  return {
    subjectType: role,
    dateRange: { dateType: 'PermanentStorage', from: w.from, ...(w.to ? { to: w.to } : {}), restrictToPermanentStorageHwmDate: true },
  };
}

interface StoreOptions {
  readonly skip?: readonly string[];
  readonly inFlight?: InFlightExport;
}

async function store(ctx: SyncContext, role: PurchaseRole, source: string, invoices: readonly ReceivedInvoice[], report: RoleSyncReport, rs: RoleState, o: StoreOptions = {}): Promise<void> {
  const f = o.inFlight;
  const res = await storePurchaseBatch({
    outboxDir: ctx.outboxDir,
    role,
    source,
    invoices,
    outputs: ctx.outputs,
    ...(ctx.mapping ? { mapping: ctx.mapping } : {}),
    nowIso: iso(ctx.clock.now()),
    skip: new Set(o.skip ?? []),
    ...(f ? { done: f.storedCount ?? 0, progress: async (n: number) => { f.storedCount = n; await ctx.save(); } } : {}),
    ...(ctx.afterInvoice ? { afterInvoice: ctx.afterInvoice } : {}),
  });
  report.downloaded += res.written.length;
  report.duplicates += res.duplicates;
  rs.downloaded += res.written.length;
  rs.duplicates += res.duplicates;
  if (res.csvFile) report.csvFiles.push(res.csvFile);
  for (const e of res.flatErrors) {
    report.flatErrors.push(e);
    ctx.logger?.warn?.('purchases.flat-row', { company: ctx.company.id, role, ksefNumber: e.ksefNumber, code: e.code, message: e.message });
  }
  ctx.logger?.info?.('purchases.stored', { company: ctx.company.id, role, source, written: res.written.length, duplicates: res.duplicates });
}

/**
 * Moves a stream's cursor (never back) and remembers which invoices sit exactly at the new
 * cursor moment: the next window starts there inclusively and will hand them over again.
 */
function moveCursor(stream: StreamState, next: string | undefined, delivered: readonly InvoiceMetadata[]): void {
  const cursor = advanceCursor(stream.cursor, next);
  const at = Date.parse(cursor);
  const here = delivered.filter((m) => Date.parse(m.permanentStorageDate) === at).map((m) => m.ksefNumber);
  const boundary = cursor === stream.cursor ? [...new Set([...(stream.boundary ?? []), ...here])] : here;
  stream.cursor = cursor;
  if (boundary.length) stream.boundary = boundary;
  else delete stream.boundary;
}

/** An export KSeF ended in an error status (other than 420) or forgot (410): nothing came of it. */
interface DroppedExport {
  readonly dropped: true;
  readonly reference: string;
  readonly stream: StreamName;
  readonly from: string;
  readonly to?: string;
  readonly error: KsefError;
}

type ExportEnd = 'stored' | 'hwm' | DroppedExport;

/**
 * How many failed exports of the same window one run accepts. Two: a single failure (an
 * expired export found after a restart, a passing 500) is asked again at once; a second failure
 * of the same window means KSeF fails it for now, and asking ten times would only burn the
 * hourly export quota on the same answer. The next run asks again.
 */
export const MAX_WINDOW_EXPORT_FAILURES = 2;

/** Whether the last package stored for a role was truncated (then the same open window continues). */
const truncatedLast = new WeakMap<RoleState, boolean>();
const lastTruncated = (rs: RoleState): boolean => truncatedLast.get(rs) ?? false;

/** Waits for an export we started (now or before a restart), stores it and moves the cursor. */
async function finishExport(ctx: SyncContext, role: PurchaseRole, rs: RoleState, f: InFlightExport, report: RoleSyncReport): Promise<ExportEnd> {
  let status;
  try {
    status = await ctx.client.waitForExport(f.referenceNumber);
  } catch (e) {
    if (isKsefError(e) && (e.code === 'KSEF_EXPORT_FAILED' || e.code === 'KSEF_GONE')) {
      // 420: the window starts after the HWM (nothing to read yet); 210/410 expired, 415, 500, 550:
      // the caller asks again, and turns repeated failures into an error (syncRole)
      delete rs.inFlight;
      await ctx.save();
      if (e.statusCode === 420) return 'hwm';
      ctx.logger?.warn?.('purchases.export-dropped', { company: ctx.company.id, role, reference: f.referenceNumber, code: e.code, status: e.statusCode ?? e.httpStatus, from: f.from, to: f.to, message: e.message });
      // KSeF's export status (415, 500, 550, 210 ...), or the HTTP status for a forgotten export (410)
      const st = e.statusCode ?? e.httpStatus;
      report.dropped.push({ reference: f.referenceNumber, code: e.code, ...(st !== undefined ? { status: st } : {}), message: e.message, from: f.from, ...(f.to ? { to: f.to } : {}) });
      return { dropped: true, reference: f.referenceNumber, stream: f.stream, from: f.from, ...(f.to ? { to: f.to } : {}), error: e };
    }
    throw e;
  }
  ctx.calls.packages++;
  const pkg = status.package;
  if (!pkg) throw new AgentError('PURCHASE_PROTOCOL', `export ${f.referenceNumber} finished without a package description`, { kind: 'transient' });
  const handle: Pick<ExportHandle, 'key' | 'iv'> = { key: f.key, iv: f.iv };
  const contents = await ctx.client.downloadExportPackage(handle, pkg);
  const meta = new Map(contents.metadata.map((m) => [m.ksefNumber, m]));
  const stream = rs[f.stream];
  const items = contents.invoices.map((i) => ({ ksefNumber: i.ksefNumber, xml: i.xml, ...(meta.has(i.ksefNumber) ? { metadata: meta.get(i.ksefNumber)! } : {}) }));
  await store(ctx, role, f.referenceNumber, items, report, rs, { inFlight: f, ...(stream?.boundary ? { skip: stream.boundary } : {}) });
  const window: PlannedWindow = { from: f.from, ...(f.to ? { to: f.to } : {}) };
  const next = nextFrom(window, pkg);
  if (pkg.isTruncated && (next === undefined || Date.parse(next) <= Date.parse(f.from))) {
    throw new AgentError('PURCHASE_NO_PROGRESS', `export ${f.referenceNumber} was truncated without moving past ${f.from}; more invoices share one permanent-storage moment than a package holds`, { kind: 'internal' });
  }
  truncatedLast.set(rs, pkg.isTruncated);
  if (stream) moveCursor(stream, next, contents.metadata);
  delete rs.inFlight;
  await ctx.save();
  return 'stored';
}

async function exportWindow(ctx: SyncContext, role: PurchaseRole, rs: RoleState, stream: StreamName, w: PlannedWindow, report: RoleSyncReport): Promise<ExportEnd> {
  ctx.budget.take('invoiceExport');
  ctx.calls.exports++;
  // counted before the call: a crash right after it must not hand the quota back
  await ctx.save();
  const handle = await ctx.client.startExport(filtersFor(role, w));
  rs.inFlight = { referenceNumber: handle.referenceNumber, key: handle.key, iv: handle.iv, stream, from: w.from, ...(w.to ? { to: w.to } : {}), startedAt: iso(ctx.clock.now()) };
  await ctx.save();
  return finishExport(ctx, role, rs, rs.inFlight, report);
}

type QueryEnd = 'stored' | 'hwm' | 'too-many';

/** For a handful of invoices: one metadata query and downloads by number, cheaper than an export. */
async function queryWindow(ctx: SyncContext, role: PurchaseRole, rs: RoleState, stream: StreamName, w: PlannedWindow, report: RoleSyncReport): Promise<QueryEnd> {
  ctx.budget.take('invoiceMetadata');
  ctx.calls.metadataQueries++;
  let page;
  try {
    page = await ctx.client.queryMetadata(filtersFor(role, w), { pageSize: 250, sortOrder: 'Asc' });
  } catch (e) {
    if (isKsefError(e) && e.code === 'KSEF_HWM_EXCEEDED') return 'hwm';
    throw e;
  }
  if (page.hasMore || page.invoices.length > ctx.smallBatchMax) return 'too-many';
  truncatedLast.set(rs, false);
  const s = rs[stream];
  const boundary = new Set(s?.boundary ?? []);
  const got: ReceivedInvoice[] = [];
  for (const m of page.invoices) {
    // already delivered by the previous window, or (after a crash) already in the outbox: spare the download quota
    if (boundary.has(m.ksefNumber) || (await isInOutbox(ctx.outboxDir, m))) {
      report.duplicates++;
      rs.duplicates++;
      continue;
    }
    ctx.budget.take('invoiceDownload');
    ctx.calls.downloads++;
    const d = await ctx.client.downloadInvoice(m.ksefNumber);
    got.push({ ksefNumber: m.ksefNumber, xml: d.xml, metadata: m });
  }
  await store(ctx, role, `query-${role}-${w.from.replace(/[^0-9]/g, '')}`, got, report, rs);
  if (s) moveCursor(s, nextFrom(w, { isTruncated: false, ...(page.permanentStorageHwmDate ? { permanentStorageHwmDate: page.permanentStorageHwmDate } : {}) }), page.invoices);
  await ctx.save();
  return 'stored';
}

/** The error a role stops with when a window's export failed and nothing took its place. */
function exportFailed(role: PurchaseRole, d: DroppedExport, times: number, capped?: number): AgentError {
  const window = `from ${d.from} to ${d.to ?? 'the high-water mark'}`;
  const why = `failed ${times} time${times === 1 ? '' : 's'} in this run${capped !== undefined ? ` and the run may start no more exports (maxExportsPerRun ${capped})` : ''}`;
  const last = `last: export ${d.reference}, status ${d.error.statusCode ?? d.error.httpStatus ?? 'unknown'}: ${d.error.message}`;
  return new AgentError(d.error.code, `role ${role}: the KSeF export of the window ${window} ${why} (${last}); nothing was downloaded from this window, the position stays and the next run asks again`, {
    kind: 'transient',
    where: { field: 'purchases.roles', value: role },
    cause: d.error,
  });
}

const cursorsOf = (rs: RoleState): string => `${rs.main.cursor} ${rs.backfill?.cursor ?? '-'}`;

/**
 * One role: finish an export left from before, then walk the back-fill stream (if any) and the
 * main stream window by window until there is nothing to ask, or the per-run export cap is hit.
 * A window whose export KSeF fails is asked once more; a second failure of the same window, or a
 * failure the export cap leaves unanswered in a run that moved nothing, stops the role with the
 * KSeF error (so the run is not a success). Budget and KSeF errors propagate to the caller.
 */
export async function syncRole(ctx: SyncContext, role: PurchaseRole, rs: RoleState, report: RoleSyncReport): Promise<void> {
  const startCursors = cursorsOf(rs);
  const failures = new Map<string, number>();
  // the last failed export not yet followed by an answer for its window
  let unanswered: DroppedExport | undefined;
  const dropped = (d: DroppedExport): void => {
    const key = `${d.stream} ${d.from}`;
    const times = (failures.get(key) ?? 0) + 1;
    failures.set(key, times);
    unanswered = d;
    if (times >= MAX_WINDOW_EXPORT_FAILURES) throw exportFailed(role, d, times);
  };
  if (rs.inFlight) {
    const end = await finishExport(ctx, role, rs, rs.inFlight, report);
    if (typeof end === 'object') dropped(end);
  }
  for (const name of ['backfill', 'main'] as const) {
    for (;;) {
      const stream = rs[name];
      if (!stream) break;
      const w = planWindow(stream.cursor, stream.until, ctx.clock.now(), { minWindowMs: ctx.minWindowMs });
      if (!w) {
        if (name === 'backfill') {
          delete rs.backfill;
          await ctx.save();
        }
        break;
      }
      const before = stream.cursor;
      let end: ExportEnd | QueryEnd = 'too-many';
      if (ctx.strategy === 'auto') end = await queryWindow(ctx, role, rs, name, w, report);
      if (end === 'too-many') {
        if (ctx.calls.exports >= ctx.maxExportsPerRun) {
          // a failure the cap leaves unanswered is only a warning (report.dropped, the log) when
          // the run moved this role forward; with nothing moved the run is not a success
          if (unanswered && report.downloaded === 0 && cursorsOf(rs) === startCursors) {
            throw exportFailed(role, unanswered, failures.get(`${unanswered.stream} ${unanswered.from}`) ?? 1, ctx.maxExportsPerRun);
          }
          report.caughtUp = false;
          return;
        }
        end = await exportWindow(ctx, role, rs, name, w, report);
        if (typeof end === 'object') {
          dropped(end);
          continue;
        }
      }
      unanswered = undefined;
      // nothing newer is readable yet (HWM lag): stop here, the cursor stays
      if (end === 'hwm' || stream.cursor === before) break;
      // an open window answered in full reached KSeF's HWM: caught up until the next run
      if (w.to === undefined && !lastTruncated(rs)) break;
    }
  }
  report.caughtUp = true;
}
