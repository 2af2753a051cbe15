import { join } from 'node:path';
import type { Where } from '../core/errors.ts';
import { safeFileName } from './safe-file-name.ts';
import { fitName, utf8Bytes } from '../core/fit-name.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';
import type { OfflineNote } from './offline-note.ts';

export type InvoiceResultStatus = 'accepted' | 'rejected' | 'failed' | 'pending';

export interface ResultError {
  readonly code: string;
  readonly message: string;
  readonly where?: Where;
}

/** One invoice's line in a result file. Absent facts are null, so readers see every key. */
export interface InvoiceResult {
  readonly invoiceNumber: string;
  readonly status: InvoiceResultStatus;
  readonly ksefNumber: string | null;
  readonly acquisitionDate: string | null;
  readonly sessionReferenceNumber: string | null;
  readonly invoiceReferenceNumber: string | null;
  /** file name under outbox/upo/ */
  readonly upoFile: string | null;
  readonly errors: readonly ResultError[];
  /** what the checks found that did not stop the invoice (e.g. FA_ISSUE_DATE_PAST), and KSEF_OFFLINE */
  readonly warnings: readonly ResultError[];
  /** how KSeF recorded the invoice: `Online` or `Offline` (null until KSeF said) */
  readonly invoicingMode: string | null;
  /** for an invoice KSeF recorded as Offline: what it means for the buyer and the dates */
  readonly offline: OfflineNote | null;
}

/** `results/<source>.result.json`: the outcome of one input file, rewritten as it progresses. */
export interface ResultFile {
  readonly source: string;
  readonly companyId: string;
  readonly inboxId: string;
  readonly sha256: string;
  readonly claimedAt: string;
  readonly updatedAt: string;
  /** pending while any invoice is (a duplicate too, while its original waits); complete when every invoice is final; duplicate when the same content was processed before */
  readonly status: 'pending' | 'complete' | 'duplicate';
  /** for duplicate: the source name the content was first seen as */
  readonly duplicateOf?: string;
  readonly summary: { readonly accepted: number; readonly rejected: number; readonly failed: number; readonly pending: number };
  readonly invoices: readonly InvoiceResult[];
}

export interface ResultFileInput extends Omit<ResultFile, 'status' | 'summary' | 'invoices'> {
  readonly duplicate?: boolean;
  readonly invoices: readonly (Partial<InvoiceResult> & Pick<InvoiceResult, 'invoiceNumber' | 'status'>)[];
}

/** Fills the summary and status and gives every key a value. */
export function buildResultFile(input: ResultFileInput): ResultFile {
  const invoices: InvoiceResult[] = input.invoices.map((i) => ({
    invoiceNumber: i.invoiceNumber,
    status: i.status,
    ksefNumber: i.ksefNumber ?? null,
    acquisitionDate: i.acquisitionDate ?? null,
    sessionReferenceNumber: i.sessionReferenceNumber ?? null,
    invoiceReferenceNumber: i.invoiceReferenceNumber ?? null,
    upoFile: i.upoFile ?? null,
    errors: i.errors ?? [],
    warnings: i.warnings ?? [],
    invoicingMode: i.invoicingMode ?? null,
    offline: i.offline ?? null,
  }));
  const summary = { accepted: 0, rejected: 0, failed: 0, pending: 0 };
  for (const i of invoices) summary[i.status]++;
  const { duplicate, invoices: _ignored, ...rest } = input;
  void _ignored;
  return { ...rest, status: summary.pending > 0 ? 'pending' : duplicate ? 'duplicate' : 'complete', summary, invoices };
}

/**
 * The name a source's result files start with: `<source>`, made safe; with `claim`, for a file
 * that is not the newest of its name (whose result keeps the plain name), `<source> (<claim>)`.
 */
export function resultBaseName(sourceName: string, claim?: string): string {
  const safe = safeFileName(sourceName);
  if (claim === undefined) return safe;
  const tag = ` (${safeFileName(claim)})`;
  return fitName(safe, RESULT_NAME_MAX_BYTES - utf8Bytes(tag)) + tag;
}

/** as safeFileName's limit: room is left for `.result.json` and the temp name of an atomic write */
const RESULT_NAME_MAX_BYTES = 200;

/** Path of the result JSON of a source name (see resultBaseName for `claim`). */
export const resultJsonPath = (outboxDir: string, sourceName: string, claim?: string): string =>
  join(outboxDir, 'results', `${resultBaseName(sourceName, claim)}.result.json`);

/** Writes `results/<source>.result.json` (with `claim`: `<source> (<claim>).result.json`) atomically; returns its path. */
export async function writeResultFile(outboxDir: string, result: ResultFile, claim?: string): Promise<string> {
  const path = resultJsonPath(outboxDir, result.source, claim);
  await writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}
