import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { InvoiceResult, ResultFile } from './result-file.ts';
import { resultBaseName } from './result-file.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

export type ResultCsvColumn =
  | 'source' | 'invoiceNumber' | 'status' | 'ksefNumber' | 'acquisitionDate'
  | 'sessionReferenceNumber' | 'invoiceReferenceNumber' | 'upoFile' | 'errorCode' | 'errorMessage'
  | 'invoicingMode' | 'warningCode' | 'warningMessage';

/** How the CSV's text becomes bytes: UTF-8 with a BOM (Excel needs it), plain UTF-8, or windows-1250 for older ERPs. */
export type ResultCsvEncoding = 'utf-8-bom' | 'utf-8' | 'windows-1250';

export interface ResultCsvOptions {
  readonly columns: readonly ResultCsvColumn[];
  readonly delimiter: string;
  readonly header: boolean;
  /** default utf-8-bom */
  readonly encoding?: ResultCsvEncoding;
}

/**
 * The bytes of a CSV text in the chosen encoding. windows-1250 has every Polish letter; a
 * character it lacks (rare in invoices: e.g. Cyrillic, CJK) becomes `?`, which is why UTF-8 is the default.
 */
export function encodeResultCsv(text: string, encoding: ResultCsvEncoding = 'utf-8-bom'): Buffer {
  if (encoding === 'windows-1250') return iconv.encode(text, 'windows-1250');
  return Buffer.from(encoding === 'utf-8-bom' ? '\ufeff' + text : text, 'utf8');
}

function cell(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function valueOf(col: ResultCsvColumn, r: ResultFile, i: InvoiceResult): string {
  switch (col) {
    case 'source':
      return r.source;
    case 'errorCode':
      return i.errors.map((e) => e.code).join(' ');
    case 'errorMessage':
      return i.errors.map((e) => e.message).join(' | ');
    case 'warningCode':
      return i.warnings.map((e) => e.code).join(' ');
    case 'warningMessage':
      return i.warnings.map((e) => e.message).join(' | ');
    default:
      return i[col] ?? '';
  }
}

/** CSV lines (CRLF, one per invoice) of a result, with the configured columns. */
export function renderResultCsv(r: ResultFile, o: ResultCsvOptions): string {
  const lines = r.invoices.map((i) => o.columns.map((c) => cell(valueOf(c, r, i), o.delimiter)).join(o.delimiter));
  if (o.header) lines.unshift(o.columns.join(o.delimiter));
  return lines.map((l) => l + '\r\n').join('');
}

/** Path of the result CSV of a source name (see resultBaseName for `claim`). */
export const resultCsvPath = (outboxDir: string, sourceName: string, claim?: string): string =>
  join(outboxDir, 'results', `${resultBaseName(sourceName, claim)}.result.csv`);

/** Writes `results/<source>.result.csv` (with `claim`: `<source> (<claim>).result.csv`) atomically in the configured encoding (UTF-8 with BOM by default, which Excel needs); returns its path. */
export async function writeResultCsv(outboxDir: string, r: ResultFile, o: ResultCsvOptions, claim?: string): Promise<string> {
  const path = resultCsvPath(outboxDir, r.source, claim);
  await writeFileAtomic(path, encodeResultCsv(renderResultCsv(r, o), o.encoding));
  return path;
}
