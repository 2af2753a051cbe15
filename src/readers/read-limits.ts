/** The limits every reader shares: file size before opening, records while reading. */
import { stat } from 'node:fs/promises';
import type { InputFormat } from '../core/input-options.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import type { SourceRecord } from '../core/records.ts';
import { ioError } from './io-error.ts';

/** Formats parsed as a whole document (their size in memory is several times the file's). */
const WHOLE_DOCUMENT: ReadonlySet<InputFormat> = new Set(['xml', 'json']);

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** LIMIT_FILE_SIZE / LIMIT_DOCUMENT_SIZE from the file's size on disk, before a byte is read. */
export async function checkFileSize(path: string, format: InputFormat, displayName: string, limits: Limits): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw ioError(e, displayName);
  }
  const where = { file: displayName, value: String(size) };
  if (size > limits.maxFileBytes) throw limitExceeded('maxFileBytes', limits.maxFileBytes, `the file is ${size} bytes (${mib(size)})`, where);
  if (WHOLE_DOCUMENT.has(format) && size > limits.maxDocumentBytes) {
    throw limitExceeded('maxDocumentBytes', limits.maxDocumentBytes, `the ${format.toUpperCase()} file is ${size} bytes (${mib(size)}) and is parsed as a whole`, where);
  }
}

/** Passes records on and stops with LIMIT_RECORDS at the first one over maxRecordsPerFile. */
export async function* countRecords(records: AsyncIterable<SourceRecord>, limits: Limits): AsyncGenerator<SourceRecord> {
  let n = 0;
  for await (const r of records) {
    if (++n > limits.maxRecordsPerFile) {
      throw limitExceeded('maxRecordsPerFile', limits.maxRecordsPerFile, `the file has more than ${limits.maxRecordsPerFile} records`, r.where);
    }
    yield r;
  }
}
