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
import { warsawMonth } from './purchase-window.ts';

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
  /** called after each invoice is complete in the outbox (tests use it to crash mid-package) */
  readonly afterInvoice?: (ksefNumber: string) => void;
}

/**
 * Puts a package into the outbox, deduplicated by KSeF number: invoices whose marker names
 * another source are skipped. Order makes a crash at any point safe: XML (and flat JSON) first,
 * then the package CSV, then the markers; a rerun of the same source rewrites the same files.
 */
export async function storePurchaseBatch(input: StoreBatchInput): Promise<StoreBatchResult> {
  const fresh: Array<{ inv: ReceivedInvoice; files: ReturnType<typeof purchaseFiles>; sha: string }> = [];
  let duplicates = 0;
  const seen = new Set<string>();
  for (const inv of input.invoices) {
    if (seen.has(inv.ksefNumber)) {
      duplicates++;
      continue;
    }
    seen.add(inv.ksefNumber);
    const files = purchaseFiles(input.outboxDir, inv);
    const prior = await readRecord(files.json);
    if (prior && prior.source !== input.source) {
      duplicates++;
      continue;
    }
    const sha = sha256b64(inv.xml);
    if (inv.metadata?.invoiceHash && inv.metadata.invoiceHash !== sha) {
      throw new AgentError('PURCHASE_INTEGRITY', `purchase invoice ${inv.ksefNumber}: the XML does not match the hash in its KSeF metadata`, { kind: 'transient', where: { invoice: inv.ksefNumber } });
    }
    fresh.push({ inv, files, sha });
  }
  const rows: FlatRow[] = [];
  const flatErrors: FlatRowError[] = [];
  const first: PendingFile[] = [];
  for (const f of fresh) {
    first.push({ path: f.files.xml, data: f.inv.xml });
    if (input.mapping && (input.outputs.csv || input.outputs.json)) {
      let row: FlatRow;
      try {
        row = await applyPurchaseMapping(input.mapping, f.inv.xml, { ...(f.inv.metadata ?? {}), ksefNumber: f.inv.ksefNumber, role: input.role, file: f.files.rel });
      } catch (e) {
        // the XML is the truth and is kept; only its flat row is missing, and that is reported
        if (!(e instanceof AgentError)) throw e;
        flatErrors.push({ ksefNumber: f.inv.ksefNumber, code: e.code, message: e.message });
        continue;
      }
      rows.push(row);
      if (input.outputs.json) first.push({ path: f.files.erp, data: `${JSON.stringify(row, null, 2)}\n` });
    }
  }
  await writeFilesDurably(first);
  let csvFile: string | undefined;
  if (input.mapping && input.outputs.csv && rows.length > 0) {
    csvFile = `purchases/import/purchases-${safeFileName(input.source)}.csv`;
    await writeFileAtomic(join(input.outboxDir, csvFile), renderPurchaseCsv(input.mapping, rows));
  }
  // markers last, in chunks in order, so a crash leaves a clean prefix
  const markers: PendingFile[] = fresh.map((f) => {
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
    if (input.afterInvoice) for (const f of fresh.slice(i, i + MARKER_CHUNK)) input.afterInvoice(f.inv.ksefNumber);
  }
  return { written: fresh.map((f) => f.inv.ksefNumber), duplicates, flatErrors, ...(csvFile ? { csvFile } : {}) };
}
