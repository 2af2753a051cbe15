import { createHash } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import { AgentError } from '../core/errors.ts';
import type { FileRecord, InvoiceRecord } from '../store/state-store.ts';
import { FINAL_INVOICE_STATES, claimKeyOf } from '../store/state-store.ts';
import { buildResultFile, resultJsonPath, writeResultFile } from '../outbox/result-file.ts';
import type { InvoiceResult, ResultError, ResultFile, ResultFileInput } from '../outbox/result-file.ts';
import { resultCsvPath, writeResultCsv } from '../outbox/result-csv.ts';
import { retryWhileBusy } from '../core/write-file-atomic.ts';
import { archivePair, writePairErrorReport } from './pair-outbox.ts';
import { boundedPool } from '../core/bounded-pool.ts';
import { crashPoint } from './crash-point.ts';
import { removeInvoiceXml } from './invoice-xml-files.ts';
import { offlineNote } from '../outbox/offline-note.ts';
import type { PipelineContext } from './pipeline-context.ts';

type Line = ResultFileInput['invoices'][number];

/** Notes that travel in `errors` of an accepted invoice: why it was not (re)sent. */
function notes(i: InvoiceRecord): ResultError[] {
  if (!i.duplicateOfOriginal) return [];
  return i.sessionReferenceNumber
    ? [{ code: 'PIPELINE_DUPLICATE_OF_OURS', message: `KSeF reported a duplicate of our own earlier send; accepted as ${i.ksefNumber ?? '?'}` }]
    : [{ code: 'PIPELINE_ALREADY_ACCEPTED', message: `invoice ${i.number} was already accepted earlier as ${i.ksefNumber ?? '?'}; not sent again` }];
}

/** The warnings of an invoice for its result: the checks' own, and what an Offline classification means. */
function warningsOf(i: InvoiceRecord): { warnings: ResultError[]; offline?: ReturnType<typeof offlineNote> } {
  const warnings = [...(i.warnings ?? [])];
  if (i.invoicingMode !== 'Offline') return { warnings };
  const offline = offlineNote(i.issueDate, i.acquisitionDate);
  warnings.push({ code: 'KSEF_OFFLINE', message: offline.note, where: { invoice: i.number } });
  return { warnings, offline };
}

export function invoiceLine(i: InvoiceRecord): Line {
  const status = i.state === 'accepted' || i.state === 'rejected' || i.state === 'failed' ? i.state : 'pending';
  const { warnings, offline } = warningsOf(i);
  return {
    invoiceNumber: i.number,
    status,
    ...(i.ksefNumber ? { ksefNumber: i.ksefNumber } : {}),
    ...(i.acquisitionDate ? { acquisitionDate: i.acquisitionDate } : {}),
    ...(i.sessionReferenceNumber ? { sessionReferenceNumber: i.sessionReferenceNumber } : {}),
    ...(i.invoiceReferenceNumber ? { invoiceReferenceNumber: i.invoiceReferenceNumber } : {}),
    ...(i.upoFile ? { upoFile: i.upoFile } : {}),
    errors: i.error ? [i.error] : notes(i),
    warnings,
    ...(i.invoicingMode ? { invoicingMode: i.invoicingMode } : {}),
    ...(offline ? { offline } : {}),
  };
}

/** Lines of a file that went to errors/: one per invoice named in the errors, file-level ones under "". */
function failedLines(f: FileRecord): Line[] {
  const by = new Map<string, ResultError[]>();
  for (const e of f.errors ?? []) {
    const key = e.where?.invoice ?? '';
    by.set(key, [...(by.get(key) ?? []), e]);
  }
  return [...by].map(([invoiceNumber, errors]) => ({ invoiceNumber, status: 'rejected' as const, errors }));
}

/** A duplicate's line: the invoice of its original as it stands, with why it was not sent again. */
function duplicateLine(i: InvoiceRecord, originalName: string): Line {
  const line = invoiceLine(i);
  const message = i.state === 'accepted'
    ? `identical content was processed before; accepted then as ${i.ksefNumber ?? '?'}`
    : FINAL_INVOICE_STATES.includes(i.state)
      ? 'identical content was processed before; not sent again'
      : `identical content is on its way to KSeF as ${originalName}; not sent again`;
  // an accepted invoice's own notes say why *it* was not resent; a rejection's errors stay
  return { ...line, errors: [...(i.state === 'accepted' ? [] : (line.errors ?? [])), { code: 'PIPELINE_DUPLICATE_FILE', message }] };
}

/** What a duplicate repeats: its original and the original's invoices (live while it is active, else as it finished). */
export interface DuplicateOf {
  readonly original?: FileRecord;
  readonly invoices: readonly InvoiceRecord[];
  /** every invoice of the original has its final answer: the duplicate can finish */
  readonly settled: boolean;
}

/**
 * The original of a duplicate from the state, never from the duplicate's source file (which the
 * same pass may already have archived): the same content means the same invoices.
 */
async function duplicateOf(ctx: PipelineContext, f: FileRecord): Promise<DuplicateOf> {
  const original = f.duplicateOf ? ctx.store.getFile(f.duplicateOf) : undefined;
  if (!original) return { invoices: [], settled: true };
  if (original.finishedAt) return { original, invoices: await ctx.store.finishedInvoicesOf(original.id), settled: true };
  const invoices = ctx.store.invoicesOf(original.id);
  return { original, invoices, settled: invoices.every((i) => FINAL_INVOICE_STATES.includes(i.state)) };
}

/** The result file of a file record as the store knows it now (for a duplicate: with what it repeats). */
export function resultOf(ctx: PipelineContext, f: FileRecord, dup?: DuplicateOf): ResultFile {
  const head = { source: f.sourceName, companyId: f.companyId, inboxId: f.inboxId, sha256: f.sha256, claimedAt: f.claimedAt, updatedAt: ctx.now().toISOString() };
  if (f.state === 'failed') return buildResultFile({ ...head, invoices: failedLines(f) });
  if (f.state === 'duplicate') {
    const orig = dup?.original;
    const invoices = (dup?.invoices ?? []).map((i) => duplicateLine(i, orig?.sourceName ?? '?'));
    return buildResultFile({ ...head, duplicate: true, ...(orig ? { duplicateOf: orig.sourceName } : {}), invoices });
  }
  return buildResultFile({ ...head, invoices: ctx.store.invoicesOf(f.id).map(invoiceLine) });
}

async function writeResults(ctx: PipelineContext, r: ResultFile, claim: string | undefined): Promise<void> {
  const outbox = ctx.company.folders.outbox;
  await writeResultFile(outbox, r, claim);
  if (ctx.resultsCsv.enabled) await writeResultCsv(outbox, r, ctx.resultsCsv, claim);
}

const claimedAfter = (g: FileRecord, f: FileRecord): boolean => g.claimedAt > f.claimedAt || (g.claimedAt === f.claimedAt && g.id > f.id);

/**
 * Where a file's result goes: the plain `<source>.result.json` belongs to the newest file of that
 * name that has a result (the ERP reads that one); an older one — e.g. still waiting for KSeF when
 * the newer came — has its result under its claim key instead (undefined: the plain name).
 */
function resultClaimOf(ctx: PipelineContext, f: FileRecord): string | undefined {
  return ctx.store.hasNewerFileOfName(f) ? claimKeyOf(f) : undefined;
}

/**
 * Before a file first writes the plain result name: a finished older file's final result there is
 * moved to its own claim name, so it stays findable (an active older file rewrites its own result
 * under its claim name in the same pass). The CSV goes first: the JSON left in place says whose it is.
 */
async function keepOlderResult(ctx: PipelineContext, f: FileRecord): Promise<void> {
  const outbox = ctx.company.folders.outbox;
  const plain = resultJsonPath(outbox, f.sourceName);
  const prev = await readFile(plain, 'utf8').then((t) => JSON.parse(t) as Partial<ResultFile>, () => undefined);
  if (!prev) return;
  const owner = ctx.store.filesBySourceName(f.companyId, f.sourceName)
    .find((g) => g.id !== f.id && g.sha256 === prev.sha256 && g.claimedAt === prev.claimedAt && claimedAfter(f, g));
  if (!owner?.finishedAt) return;
  const claim = claimKeyOf(owner);
  for (const [from, to] of [[resultCsvPath(outbox, f.sourceName), resultCsvPath(outbox, f.sourceName, claim)], [plain, resultJsonPath(outbox, f.sourceName, claim)]] as const) {
    if ((await exists(from)) && !(await exists(to))) await retryWhileBusy(from, () => rename(from, to));
  }
}

const sameRecords = (a: readonly InvoiceRecord[], b: readonly InvoiceRecord[]): boolean => a.length === b.length && a.every((x, k) => x === b[k]);

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** Result files written (and sources archived) at once. */
const REPORT_CONCURRENCY = 8;

/**
 * Brings the outbox up to date for active files: the result file (rewritten only when its
 * content changed), and once every invoice is final, the source archived (or the error report
 * written again) and the file finished. The files finished in one pass leave the state in one
 * store transaction, after their outbox work. Idempotent: after a crash anywhere in here, running
 * it again completes the same work.
 */
export class FileReporter {
  /**
   * Per active file, what its last written result was made of: the store's records (which the
   * store replaces, never changes, so the same objects mean nothing changed) and a digest of the
   * result. A pass over thousands of files waiting for KSeF then builds nothing for them, and
   * what is kept per file is small whatever the file holds.
   */
  readonly #last = new Map<string, { readonly file: FileRecord; readonly invoices: readonly InvoiceRecord[]; readonly digest: string; readonly claim: string | undefined }>();

  /** Outbox work of one file; `final` when the file is ready to be finished (its result is then given). */
  async #outbox(ctx: PipelineContext, f: FileRecord): Promise<{ final: boolean; result?: ResultFile }> {
    // a duplicate follows its original: rewritten as the original's invoices settle, final with them
    const dup = f.state === 'duplicate' ? await duplicateOf(ctx, f) : undefined;
    const invoices = dup ? dup.invoices : ctx.store.invoicesOf(f.id);
    const final = dup ? dup.settled : f.state !== 'mapped' || invoices.every((i) => FINAL_INVOICE_STATES.includes(i.state));
    const last = this.#last.get(f.id);
    // a newer file of the same name moves this one's result to its claim name
    const claim = resultClaimOf(ctx, f);
    const moved = !last || last.claim !== claim;
    if (!final && !moved && last.file === f && sameRecords(last.invoices, invoices)) return { final };
    const r = resultOf(ctx, f, dup);
    const digest = createHash('sha256').update(JSON.stringify({ ...r, updatedAt: '' })).digest('base64');
    if (moved || last.digest !== digest) {
      if (moved && claim === undefined) await keepOlderResult(ctx, f);
      crashPoint('while-outbox');
      await writeResults(ctx, r, claim);
    }
    this.#last.set(f.id, { file: f, invoices, digest, claim });
    if (!final) return { final, result: r };
    // failed files go to errors/ (again, if a crash interrupted the intake); the others are archived
    if (f.state === 'failed' && (await exists(f.path))) {
      const errors = (f.errors ?? []).map((e) => new AgentError(e.code, e.message, { where: e.where ?? {} }));
      await writePairErrorReport(ctx.company.folders.outbox, f.path, f.sourceName, errors, {
        claimId: f.id, companyId: f.companyId, inboxId: f.inboxId, sha256: f.sha256, at: f.updatedAt,
      });
    } else if (f.state !== 'failed' && (await exists(f.path))) {
      crashPoint('before-archive');
      await archivePair(ctx.company.folders.archive, f.path, f.sourceName, ctx.now());
    }
    return { final, result: r };
  }

  /**
   * Reports many files: outbox work with bounded concurrency (failed files one at a time, as
   * their error reports pick free names in errors/), then one store transaction finishing every
   * file that is complete. Returns the problems met, per file.
   */
  async reportAll(ctx: PipelineContext, files: readonly FileRecord[], shouldStop: () => boolean = () => false): Promise<{ file: FileRecord; error: unknown }[]> {
    const failed = files.filter((f) => f.state === 'failed');
    const others = files.filter((f) => f.state !== 'failed');
    const outcomes = [
      ...(await boundedPool(others, REPORT_CONCURRENCY, (f) => this.#outbox(ctx, f), { shouldStop })).map((r, k) => ({ f: others[k]!, r })),
      ...(await boundedPool(failed, 1, (f) => this.#outbox(ctx, f), { shouldStop })).map((r, k) => ({ f: failed[k]!, r })),
    ];
    const problems: { file: FileRecord; error: unknown }[] = [];
    const finishing: { f: FileRecord; result: ResultFile }[] = [];
    for (const { f, r } of outcomes) {
      if (r.started && r.ok && r.value.final) finishing.push({ f, result: r.value.result! });
      else if (r.started && !r.ok) problems.push({ file: f, error: r.error });
    }
    if (finishing.length === 0) return problems;
    const removals = finishing.flatMap(({ f }) => ctx.store.invoicesOf(f.id));
    const finished = await ctx.store.batch((tx) => finishing.filter(({ f }) => {
      try {
        tx.finishFile(f.id);
        return true;
      } catch (error) {
        problems.push({ file: f, error });
        return false;
      }
    }));
    const gone = new Set(finished.map(({ f }) => f.id));
    await boundedPool(removals.filter((i) => gone.has(i.fileId)), REPORT_CONCURRENCY, (i) => removeInvoiceXml(ctx.company.folders.work, i.id));
    for (const { f, result } of finished) {
      this.#last.delete(f.id);
      if (f.state === 'mapped') {
        const s = result.summary;
        ctx.bus.emit('file.done', { companyId: f.companyId, sourceName: f.sourceName, accepted: s.accepted, rejected: s.rejected, failed: s.failed });
      }
    }
    return problems;
  }

  /** One file (see reportAll). */
  async report(ctx: PipelineContext, f: FileRecord): Promise<'pending' | 'finished'> {
    const problems = await this.reportAll(ctx, [f]);
    if (problems.length) throw problems[0]!.error;
    return ctx.store.getFile(f.id)?.finishedAt ? 'finished' : 'pending';
  }
}

export type { InvoiceResult };
