import { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { InboxConfig } from '../config/agent-config.ts';
import type { FileRecord, InvoiceRecord, PlannedInvoice, StoredError } from '../store/state-store.ts';
import { writePairErrorReport } from './pair-outbox.ts';
import { claimedCompanionOf } from '../inbox/claimed-companion.ts';
import { createLimiter } from '../core/bounded-pool.ts';
import { asAgentError, previewFile, withInvoiceErrors } from './preview-file.ts';
import type { PreviewResult } from './preview-file.ts';
import { ksefHash, writeInvoiceXml } from './invoice-xml-files.ts';
import { faContentHash } from '../invoice/content-hash.ts';
import { checkAcceptedNumbers } from './number-reuse.ts';
import { checkSellers } from './check-sellers.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { crashPoint } from './crash-point.ts';

const stored = (e: AgentError): StoredError => ({ code: e.code, message: e.message, ...(Object.keys(e.where).length ? { where: e.where } : {}) });

/** Intakes started and never finished (the process died) after which a file is quarantined. */
export const QUARANTINE_AFTER = 2;

/** The report of a file that killed the agent twice while it was being taken in. */
function quarantined(sourceName: string, attempts: number): AgentError {
  return new AgentError('INTAKE_QUARANTINED', `the agent stopped ${attempts} times while taking this file in (the last time while reading it alone; a first stop may have come while it was read together with other files), for instance killed for lack of memory, so it is not tried again`, {
    kind: 'data',
    where: { file: sourceName },
    rule: 'check the file (its size, whether it is the export the inbox\'s mapping expects); lower the limits in "limits" so such a file is refused with a LIMIT_* error, or give the agent more memory; then drop it into the inbox again',
  });
}

/** Files taken in per store transaction. */
export const INTAKE_GROUP = 500;
/** FA XML files written to the work area at once. */
const XML_WRITES = 8;

/** Every problem of a preview that failed, invoices without problems named as not sent. */
function problemsOf(p: PreviewResult, sourceName: string): AgentError[] {
  const out: AgentError[] = [...p.errors];
  p.invoices.forEach((inv, k) => {
    const number = inv.number ?? `#${k + 1}`;
    if (inv.errors.length) out.push(...inv.errors.map((e) => e.at({ file: sourceName, invoice: number })));
    else {
      out.push(new AgentError('PIPELINE_NOT_SENT', 'this invoice is valid but was not sent, because other invoices in the same file have errors (the file is handled as a whole)', {
        kind: 'data',
        where: { file: sourceName, invoice: number },
      }));
    }
  });
  return out;
}

/**
 * Files counted but not taken in by this call (it stopped early, or a transient read problem):
 * that was no failed intake, so their counters go back.
 */
async function uncountUnstarted(ctx: PipelineContext, rest: readonly FileRecord[], before: ReadonlyMap<string, number>): Promise<void> {
  const back = rest.filter((r) => before.has(r.id) && ctx.store.getFile(r.id)?.state === 'claimed');
  if (back.length > 0) await ctx.store.batch((tx) => back.forEach((r) => tx.setIntakeAttempts(r.id, before.get(r.id)!)));
}

export interface IntakeItem {
  readonly file: InboxFile;
  /** the inbox as configured (its `mapping` is the file errors name) */
  readonly inbox: InboxConfig;
  /** the configured mapping file the claim chose (errors name it); default inbox.mapping */
  readonly mappingFile?: string;
  /** the kept copy of the mapping version the claim recorded, mapped with instead of inbox.mapping */
  readonly mappingVersion?: { readonly path: string; readonly sha256: string };
}

/** What intakeFiles did with the front of the list it was given. */
export interface IntakeResult {
  /** how many items from the front are taken in (recorded, failed or duplicate) */
  readonly taken: number;
  readonly records: readonly FileRecord[];
  /** a transient problem with item `taken` (it is to be tried again later) */
  readonly transient?: AgentError;
}

type Decision =
  | { readonly kind: 'known'; readonly rec: FileRecord }
  | { readonly kind: 'duplicate'; readonly rec: FileRecord; readonly earlier: FileRecord }
  | { readonly kind: 'failed'; readonly rec: FileRecord; readonly problems: AgentError[] }
  | { readonly kind: 'planned'; readonly rec: FileRecord; readonly planned: PlannedInvoice[]; readonly accepted: ReadonlyMap<number, InvoiceRecord> };

async function preview(ctx: PipelineContext, { file, inbox, mappingVersion, mappingFile }: IntakeItem): Promise<PreviewResult> {
  try {
    // the companion claimed with it, when the mapping reads pairs (input.companion)
    const companion = await claimedCompanionOf(file.path);
    return await previewFile(file.path, {
      ...(companion ? { companion } : {}),
      mapping: mappingVersion?.path ?? mappingFile ?? inbox.mapping,
      mappingName: mappingFile ?? inbox.mapping,
      ...(mappingVersion ? { mappingVersion: mappingVersion.sha256 } : {}),
      ...(inbox.limits ? { limits: inbox.limits } : {}),
      schema: ctx.company.schema,
      company: ctx.profile,
      today: ctx.today(),
      now: ctx.now(),
      displayName: file.sourceName,
      ...(ctx.mappings ? { mappings: ctx.mappings } : {}),
      lean: true,
      // a mapping path that matches nothing in the file fails the whole file (one error, nothing sent)
      unmatchedPaths: 'error',
    });
  } catch (e) {
    return { file: file.sourceName, mapping: mappingFile ?? inbox.mapping, schema: ctx.company.schema, invoices: [], errors: [asAgentError(e, { file: file.sourceName })], ok: false };
  }
}

/**
 * Takes claimed files into the state, many at once: each is recognised as a duplicate of
 * identical content, or read → mapped → FA XML → validated → XSD. A bad file goes to errors/ with
 * its reports (the reporter then writes its result file); a good one has its invoices planned,
 * each FA XML kept in the work area (written before the state names it). An invoice whose
 * (seller NIP, kind, number) we already got accepted with the same content is settled at once
 * with the original KSeF number; with other content the file fails (number-reuse.ts), as it does
 * with a number twice in one file (found by previewFile). All claims are recorded with one durable write and all outcomes with a second one;
 * error reports follow the state. Stops early (taken < items.length) at a file whose content
 * repeats one of this call (it goes next time, to be seen as a duplicate), or at a transient read
 * problem. Safe to repeat for files in state `claimed`.
 */
export async function intakeFiles(ctx: PipelineContext, items: readonly IntakeItem[], shouldStop: () => boolean = () => false): Promise<IntakeResult> {
  const { store } = ctx;
  // Every intake is counted durably before it starts, so a file that kills the process (out of
  // memory) is known on restart. Fresh files are counted together with their claim; a file whose
  // earlier intake never finished is counted alone, right before its own start, so from the second
  // count on only the file being read when the process died is blamed (the first is the group's).
  const before = new Map<string, number>();
  const recs = await store.batch((tx) => items.map((it) => {
    const rec = tx.recordClaim(it.file);
    if (rec.state !== 'claimed' || (rec.intakeAttempts ?? 0) > 0) return rec;
    before.set(rec.id, 0);
    return tx.setIntakeAttempts(rec.id, 1);
  }));
  const decisions: Decision[] = [];
  const hashes = new Set<string>();
  let transient: AgentError | undefined;
  const limit = createLimiter(XML_WRITES);
  const writes: Promise<void>[] = [];
  for (const [k, it] of items.entries()) {
    if (shouldStop() || hashes.has(it.file.sha256)) break;
    const rec = recs[k]!;
    if (rec.state !== 'claimed') {
      decisions.push({ kind: 'known', rec });
      continue;
    }
    hashes.add(it.file.sha256);
    const earlier = store.filesByHash(it.file.companyId, it.file.sha256).find((f) => f.id !== rec.id && (f.state === 'mapped' || f.state === 'done'));
    if (earlier) {
      decisions.push({ kind: 'duplicate', rec, earlier });
      continue;
    }
    // a file whose earlier intake never finished goes alone: first in its call, its outcome
    // recorded before any other file starts, so a second crash is its own
    const suspect = !before.has(rec.id);
    if (suspect) {
      const attempts = rec.intakeAttempts ?? 0;
      if (attempts >= QUARANTINE_AFTER) {
        decisions.push({ kind: 'failed', rec, problems: [quarantined(it.file.sourceName, attempts)] });
        continue;
      }
      if (decisions.length > 0) break;
      before.set(rec.id, attempts);
      await store.batch((tx) => tx.setIntakeAttempts(rec.id, attempts + 1));
    }
    crashPoint('during-intake');
    const p = await preview(ctx, it);
    // a file that could not be read for a passing reason (share offline) is tried again later
    transient = p.errors.find((e) => e.kind === 'transient');
    if (transient) break;
    if (!p.ok) {
      decisions.push({ kind: 'failed', rec, problems: problemsOf(p, it.file.sourceName) });
      if (suspect) break;
      continue;
    }
    // one invoice per number: accepted before with other content is an error (the same number
    // twice in this file is one too, found by the preview: previewFile)
    const known = await checkAcceptedNumbers(ctx, p, it.file.sourceName);
    // a seller this company may not invoice for (not its NIP, not in actsFor): KSeF would refuse it
    for (const [n, err] of checkSellers(ctx.company, p, it.file.sourceName)) known.errors.set(n, err);
    if (known.errors.size) {
      decisions.push({ kind: 'failed', rec, problems: problemsOf(withInvoiceErrors(p, known.errors), it.file.sourceName) });
      if (suspect) break;
      continue;
    }
    // the FA XML files are written while the next files are read (they must be on disk before the state names them)
    p.invoices.forEach((inv, n) => writes.push(limit(() => writeInvoiceXml(ctx.company.folders.work, `${rec.id}#${n + 1}`, inv.xml!.xml))));
    const planned = p.invoices.map(({ xml, warnings }) => ({
      number: xml!.invoiceNumber, kind: xml!.kind, sellerNip: xml!.sellerNip, hash: ksefHash(xml!.xml), contentHash: faContentHash(xml!.xml),
      // warnings travel with the invoice into its result; P_1 tells what an Offline classification means for the dates
      ...(warnings.length ? { warnings: warnings.map((w) => stored(w.at({ file: it.file.sourceName, invoice: xml!.invoiceNumber }))) } : {}),
      issueDate: xml!.issueDate,
    }));
    decisions.push({ kind: 'planned', rec, planned, accepted: known.accepted });
    if (suspect) break;
  }
  const written = await Promise.allSettled(writes);
  const failedWrite = written.find((w) => w.status === 'rejected');
  if (failedWrite) throw failedWrite.reason;

  const records = await store.batch((tx) => decisions.map((d) => {
    if (d.kind === 'known') return d.rec;
    if (d.kind === 'duplicate') return tx.markDuplicateFile(d.rec.id, d.earlier.id);
    if (d.kind === 'failed') return tx.failFile(d.rec.id, d.problems.map(stored));
    for (const [n, r] of tx.planInvoices(d.rec.id, d.planned).entries()) {
      // accepted earlier with the same content (checkAcceptedNumbers); one accepted since then is
      // not compared here: the invoice is sent, and KSeF's 440 is settled by content (settle-invoice)
      const prior = d.accepted.get(n);
      if (!prior) continue;
      tx.transition(r.id, 'accepted', {
        duplicateOfOriginal: true,
        ...(prior.ksefNumber ? { ksefNumber: prior.ksefNumber } : {}),
        ...(prior.acquisitionDate ? { acquisitionDate: prior.acquisitionDate } : {}),
        ...(prior.upoFile ? { upoFile: prior.upoFile } : {}),
      });
    }
    return store.getFile(d.rec.id)!;
  }));
  await uncountUnstarted(ctx, recs.slice(decisions.length), before);

  for (const [k, d] of decisions.entries()) {
    const file = items[k]!.file;
    if (d.kind === 'duplicate') {
      ctx.bus.emit('file.duplicate', { companyId: file.companyId, sourceName: file.sourceName, sha256: file.sha256, firstSeenAs: d.earlier.sourceName });
    } else if (d.kind === 'planned') {
      emitWarnings(ctx, file, d.planned);
    } else if (d.kind === 'failed') {
      await writePairErrorReport(ctx.company.folders.outbox, file.path, file.sourceName, d.problems, {
        claimId: d.rec.id, companyId: file.companyId, inboxId: file.inboxId, sha256: file.sha256, at: ctx.now().toISOString(),
      });
      ctx.bus.emit('file.failed', { companyId: file.companyId, sourceName: file.sourceName, codes: [...new Set(d.problems.map((p) => p.code))] });
    }
  }
  return { taken: decisions.length, records, ...(transient ? { transient } : {}) };
}

/** One log line per file and warning code (not one per invoice: a file may hold thousands). */
function emitWarnings(ctx: PipelineContext, file: InboxFile, planned: readonly PlannedInvoice[]): void {
  const byCode = new Map<string, { message: string; invoices: string[] }>();
  for (const p of planned) {
    for (const w of p.warnings ?? []) {
      const e = byCode.get(w.code) ?? { message: w.message, invoices: [] };
      e.invoices.push(p.number);
      byCode.set(w.code, e);
    }
  }
  for (const [code, e] of byCode) ctx.bus.emit('file.warnings', { companyId: file.companyId, sourceName: file.sourceName, code, message: e.message, count: e.invoices.length, invoices: e.invoices.slice(0, 20) });
}

/** Takes one claimed file in (see intakeFiles); a transient read problem is thrown. */
export async function intakeFile(ctx: PipelineContext, file: InboxFile, inbox: InboxConfig): Promise<FileRecord> {
  const r = await intakeFiles(ctx, [{ file, inbox }]);
  if (r.transient) throw r.transient;
  return r.records[0]!;
}
