import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PurchaseRole } from '../../config/agent-config.ts';
import { AgentError } from '../../core/errors.ts';
import type { InvoiceMetadata } from '../../ksef/index.ts';
import { safeFileName } from '../../outbox/safe-file-name.ts';
import { writeFileAtomic } from '../../core/write-file-atomic.ts';
import { applyPurchaseMapping, renderPurchaseCsv } from '../../purchases-mapping/index.ts';
import type { CompiledPurchaseMapping, FlatRow } from '../../purchases-mapping/index.ts';
import { writeFilesDurably } from './durable-batch-writer.ts';
import type { PendingFile } from './durable-batch-writer.ts';
import { warsawMonth } from '../../core/warsaw-day.ts';

/** One invoice as KSeF gave it: exact bytes plus its metadata (when KSeF sent any). */
export interface ReceivedInvoice {
  readonly ksefNumber: string;
  readonly xml: Buffer;
  readonly metadata?: InvoiceMetadata;
}

/** `<ksef-number>.json` beside the XML: what finance and the ERP may read, and our dedupe marker. */
export interface PurchaseRecordFile {
  readonly ksefNumber: string;
  readonly role: PurchaseRole;
  /** `purchases/<YYYY-MM>/<ksef-number>.xml`, relative to the outbox */
  readonly file: string;
  readonly sha256: string;
  readonly downloadedAt: string;
  /** which export package or query window brought it (a repeat of the same source rewrites, others skip) */
  readonly source: string;
  readonly metadata?: InvoiceMetadata;
}

export interface OutputOptions {
  readonly metadata: boolean;
  readonly csv: boolean;
  readonly json: boolean;
}

export interface FlatRowError {
  readonly ksefNumber: string;
  readonly code: string;
  readonly message: string;
}

export interface StoreBatchResult {
  /** every new invoice of the package, now complete in the outbox (including a crashed run's prefix) */
  readonly written: readonly string[];
  readonly duplicates: number;
  /** invoices written whose flat CSV/JSON row could not be made (mapping or XML problem) */
  readonly flatErrors: readonly FlatRowError[];
  readonly csvFile?: string;
}

/** The month an invoice counts in: when KSeF gave it its number, in Polish time. */
export function purchaseMonth(inv: ReceivedInvoice): string {
  const when = inv.metadata?.acquisitionDate ?? inv.metadata?.permanentStorageDate;
  if (when && !Number.isNaN(Date.parse(when))) return warsawMonth(when);
  // KSeF numbers carry the acquisition day: NIP-YYYYMMDD-…
  const m = /^\d{10}-(\d{4})(\d{2})\d{2}-/.exec(inv.ksefNumber);
  return m ? `${m[1]}-${m[2]}` : 'unknown';
}

export function purchaseFiles(outboxDir: string, inv: ReceivedInvoice): { xml: string; json: string; erp: string; rel: string } {
  const month = purchaseMonth(inv);
  const base = safeFileName(inv.ksefNumber);
  const dir = join(outboxDir, 'purchases', month);
  return { xml: join(dir, `${base}.xml`), json: join(dir, `${base}.json`), erp: join(dir, `${base}.erp.json`), rel: `purchases/${month}/${base}.xml` };
}

/** The marker of an invoice already in the outbox, or undefined. */
async function readRecord(path: string): Promise<PurchaseRecordFile | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PurchaseRecordFile;
  } catch (e) {
    // a marker is written atomically, so anything unreadable is treated as absent and rewritten
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

const MARKER_CHUNK = 200;

/** Whether this invoice is already complete in the outbox (its marker exists). */
export async function isInOutbox(outboxDir: string, inv: Pick<ReceivedInvoice, 'ksefNumber' | 'metadata'>): Promise<boolean> {
  return (await readRecord(purchaseFiles(outboxDir, { ...inv, xml: Buffer.alloc(0) }).json)) !== undefined;
}

const sha256b64 = (b: Buffer): string => createHash('sha256').update(b).digest('base64');

export interface StoreBatchInput {
  readonly outboxDir: string;
  readonly role: PurchaseRole;
  readonly source: string;
  readonly invoices: readonly ReceivedInvoice[];
  readonly outputs: OutputOptions;
  readonly mapping?: CompiledPurchaseMapping;
  readonly nowIso: string;
  /** KSeF numbers the previous window already delivered (its boundary moment): skipped as repeats */
  readonly skip?: ReadonlySet<string>;
  /** how many of this source's new invoices a crashed run already completed */
  readonly done?: number;
  /** persist progress after each chunk: new invoices of this source complete so far */
  readonly progress?: (done: number) => Promise<void>;
  /** called after each invoice is complete in the outbox (tests use it to crash mid-package) */
  readonly afterInvoice?: (ksefNumber: string) => void;
}

/**
 * Puts a package into the outbox. Repeats are recognised without looking at the outbox (the ERP
 * may have moved files away): `skip` holds what the previous window already delivered at their
 * shared boundary moment, and `done` how many of this package's invoices a run that crashed had
 * completed. Order makes a crash at any point safe: XML (and flat JSON) first, then the package
 * CSV (complete, once), then the `.json` files in chunks, each chunk reported to `progress`.
 */
export async function storePurchaseBatch(input: StoreBatchInput): Promise<StoreBatchResult> {
  const fresh: Array<{ inv: ReceivedInvoice; files: ReturnType<typeof purchaseFiles>; sha: string }> = [];
  let duplicates = 0;
  const seen = new Set<string>();
  for (const inv of input.invoices) {
    if (seen.has(inv.ksefNumber) || input.skip?.has(inv.ksefNumber)) {
      duplicates++;
      continue;
    }
    seen.add(inv.ksefNumber);
    const sha = sha256b64(inv.xml);
    if (inv.metadata?.invoiceHash && inv.metadata.invoiceHash !== sha) {
      throw new AgentError('PURCHASE_INTEGRITY', `purchase invoice ${inv.ksefNumber}: the XML does not match the hash in its KSeF metadata`, { kind: 'transient', where: { invoice: inv.ksefNumber } });
    }
    fresh.push({ inv, files: purchaseFiles(input.outboxDir, inv), sha });
  }
  const done = Math.min(input.done ?? 0, fresh.length);
  const pending = fresh.slice(done);
  const rows: FlatRow[] = [];
  const flatErrors: FlatRowError[] = [];
  const first: PendingFile[] = [];
  const flat = input.mapping && (input.outputs.csv || input.outputs.json) ? input.mapping : undefined;
  // the CSV holds the whole package and was complete before any .json of it was written
  const csvDue = Boolean(flat && input.outputs.csv && done === 0);
  for (const f of done === 0 ? fresh : pending) {
    first.push({ path: f.files.xml, data: f.inv.xml });
    if (!flat) continue;
    let row: FlatRow;
    try {
      row = await applyPurchaseMapping(flat, f.inv.xml, { ...(f.inv.metadata ?? {}), ksefNumber: f.inv.ksefNumber, role: input.role, file: f.files.rel });
    } catch (e) {
      // the XML is the truth and is kept; only its flat row is missing, and that is reported
      if (!(e instanceof AgentError)) throw e;
      flatErrors.push({ ksefNumber: f.inv.ksefNumber, code: e.code, message: e.message });
      continue;
    }
    rows.push(row);
    if (input.outputs.json) first.push({ path: f.files.erp, data: `${JSON.stringify(row, null, 2)}\n` });
  }
  await writeFilesDurably(first);
  let csvFile: string | undefined;
  if (csvDue && flat && rows.length > 0) {
    csvFile = `purchases/import/purchases-${safeFileName(input.source)}.csv`;
    await writeFileAtomic(join(input.outboxDir, csvFile), renderPurchaseCsv(flat, rows));
  }
  // the .json files last, in chunks in order, so a crash leaves a clean prefix that `progress` records
  const markers: PendingFile[] = pending.map((f) => {
    const record: PurchaseRecordFile = {
      ksefNumber: f.inv.ksefNumber,
      role: input.role,
      file: f.files.rel,
      sha256: f.sha,
      downloadedAt: input.nowIso,
      source: input.source,
      ...(input.outputs.metadata && f.inv.metadata ? { metadata: f.inv.metadata } : {}),
    };
    return { path: f.files.json, data: `${JSON.stringify(record, null, 2)}\n` };
  });
  for (let i = 0; i < markers.length; i += MARKER_CHUNK) {
    await writeFilesDurably(markers.slice(i, i + MARKER_CHUNK));
    const completed = pending.slice(i, i + MARKER_CHUNK);
    await input.progress?.(done + i + completed.length);
    if (input.afterInvoice) for (const f of completed) input.afterInvoice(f.inv.ksefNumber);
  }
  return { written: fresh.map((f) => f.inv.ksefNumber), duplicates, flatErrors, ...(csvFile ? { csvFile } : {}) };
}
