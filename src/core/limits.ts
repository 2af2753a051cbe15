/**
 * Limits checked while a file is read, before any mapping: what keeps one hostile or runaway
 * export (a million-line invoice, a zip bomb, a quote never closed) from taking the agent's memory.
 * Declared in the configuration (`limits`, per inbox `inboxes[].limits`); the defaults keep one
 * file within the budget of docs/memory.md.
 */
import { AgentError } from './errors.ts';
import type { Where } from './errors.ts';

export interface Limits {
  /** bytes of a source file, checked with stat before it is opened */
  readonly maxFileBytes: number;
  /** bytes of an XML or JSON file, which are parsed as a whole (several times their size in memory) */
  readonly maxDocumentBytes: number;
  /** records (CSV/XLSX rows, fixed-width lines, XML/JSON records) read from one file */
  readonly maxRecordsPerFile: number;
  /** invoices in one file (a file is taken in as a whole, its FA XML documents held until then) */
  readonly maxInvoicesPerFile: number;
  /** lines of one invoice (FA allows at most 10,000 FaWiersz) */
  readonly maxLinesPerInvoice: number;
  /** characters of one CSV record or fixed-width line (a quote never closed would swallow the file) */
  readonly maxRecordChars: number;
  /** sum of the uncompressed sizes of an XLSX's parts (zip bomb guard) */
  readonly maxXlsxUncompressedBytes: number;
}

export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxDocumentBytes: 32 * 1024 * 1024,
  maxRecordsPerFile: 200_000,
  maxInvoicesPerFile: 10_000,
  maxLinesPerInvoice: 10_000,
  maxRecordChars: 1024 * 1024,
  maxXlsxUncompressedBytes: 256 * 1024 * 1024,
};

/** The stable error code of each limit. */
export const LIMIT_CODES: Readonly<Record<LimitName, string>> = {
  maxFileBytes: 'LIMIT_FILE_SIZE',
  maxDocumentBytes: 'LIMIT_DOCUMENT_SIZE',
  maxRecordsPerFile: 'LIMIT_RECORDS',
  maxInvoicesPerFile: 'LIMIT_INVOICES',
  maxLinesPerInvoice: 'LIMIT_LINES_PER_INVOICE',
  maxRecordChars: 'LIMIT_RECORD_LENGTH',
  maxXlsxUncompressedBytes: 'LIMIT_XLSX_UNCOMPRESSED',
};

/** Limits as configured, with a missing one taken from the defaults. */
export function limitsOf(partial: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

/**
 * The error of an exceeded limit: what was exceeded, the configured value, the key to change it
 * and where (file, row/line) it was hit. `what` says what was found, e.g. "the file is 210 MB".
 */
export function limitExceeded(name: LimitName, limit: number, what: string, where: Where): AgentError {
  return new AgentError(LIMIT_CODES[name], `${what}, over the limit ${name} = ${limit}; the file was not processed`, {
    kind: 'data',
    where,
    rule: `limits.${name} = ${limit} (raise it in the configuration, "limits" or the inbox's "limits", if such files are expected and memory allows; see docs/memory.md)`,
  });
}
