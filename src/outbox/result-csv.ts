import { join } from 'node:path';
import type { InvoiceResult, ResultFile } from './result-file.ts';
import { safeFileName } from './safe-file-name.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

export type ResultCsvColumn =
  | 'source' | 'invoiceNumber' | 'status' | 'ksefNumber' | 'acquisitionDate'
  | 'sessionReferenceNumber' | 'invoiceReferenceNumber' | 'upoFile' | 'errorCode' | 'errorMessage';

export interface ResultCsvOptions {
  readonly columns: readonly ResultCsvColumn[];
  readonly delimiter: string;
  readonly header: boolean;
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

/** Writes `results/<source>.result.csv` atomically (UTF-8 with BOM, which Excel needs); returns its path. */
export async function writeResultCsv(outboxDir: string, r: ResultFile, o: ResultCsvOptions): Promise<string> {
  const path = join(outboxDir, 'results', `${safeFileName(r.source)}.result.csv`);
  await writeFileAtomic(path, '\ufeff' + renderResultCsv(r, o));
  return path;
}
