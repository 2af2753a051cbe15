// Limits checked while a file is read, before mapping (issue 9, item 3): each limit stops the
// reader at the first record over it with its LIMIT_* code, the configured value, the key to
// change and where it was hit; the defaults are those the configuration declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AgentError } from '../../src/core/errors.ts';
import { DEFAULT_LIMITS, limitsOf } from '../../src/core/limits.ts';
import type { Limits } from '../../src/core/limits.ts';
import type { InputOptions } from '../../src/core/input-options.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { readRecords } from '../../src/readers/index.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { REPO } from '../helpers/agent-env.ts';
import { writeOneInvoiceCsv } from '../helpers/one-invoice-csv.ts';
import { fixtureFile, tempDir } from './reader-test-kit.ts';

const csvInput: InputOptions = {
  format: 'csv',
  decode: { encoding: 'utf-8' },
  csv: { delimiter: ';', quote: '"', header: true, skipLines: 0, skipTrailingLines: 0, skipEmptyRows: true },
};

/** Reads until the reader fails; returns the error and how many records came out before it. */
async function readUntilFailure(path: string, input: InputOptions, limits: Limits, name = 'in.dat'): Promise<{ error: AgentError; read: number }> {
  let read = 0;
  try {
    for await (const _r of readRecords(path, input, name, limits) as AsyncIterable<SourceRecord>) read++;
  } catch (e) {
    assert.ok(e instanceof AgentError, `expected an AgentError, got ${String(e)}`);
    return { error: e, read };
  }
  assert.fail(`expected a limit error, read ${read} records`);
}

/** The report names the limit, its configured value and the key to change. */
function assertNamesLimit(e: AgentError, code: string, key: keyof Limits, value: number): void {
  assert.equal(e.code, code);
  assert.equal(e.kind, 'data');
  assert.match(e.message, new RegExp(`${key} = ${value}`));
  assert.match(e.rule ?? '', new RegExp(`limits\\.${key} = ${value}`));
}

test('the defaults in code are the defaults the configuration declares (and lines per invoice never exceed FA\'s 10,000)', () => {
  const declared = (configSchema.properties.limits.properties as Record<string, { default: number; maximum: number }>);
  assert.deepEqual(Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, v.default])), { ...DEFAULT_LIMITS });
  assert.ok(DEFAULT_LIMITS.maxLinesPerInvoice <= 10_000);
  assert.equal(declared['maxLinesPerInvoice']!.maximum, 10_000);
  assert.deepEqual(limitsOf({ maxRecordsPerFile: 5 }), { ...DEFAULT_LIMITS, maxRecordsPerFile: 5 });
});

test('LIMIT_FILE_SIZE is decided from the size on disk (stat), before the file is read', async (t) => {
  const path = await fixtureFile(t, 'big.csv', 'Nr;Kwota\n' + 'FA/1;1,00\n'.repeat(100));
  const { error } = await readUntilFailure(path, csvInput, limitsOf({ maxFileBytes: 500 }), 'big.csv');
  assertNamesLimit(error, 'LIMIT_FILE_SIZE', 'maxFileBytes', 500);
  assert.deepEqual(error.where, { file: 'big.csv', value: '1009' });
  assert.match(error.message, /the file is 1009 bytes/);
});

test('LIMIT_DOCUMENT_SIZE for XML and JSON, which are parsed whole; the same size in CSV is read', async (t) => {
  const xml = await fixtureFile(t, 'e.xml', `<a>${'<r>x</r>'.repeat(200)}</a>`);
  const { error } = await readUntilFailure(xml, { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/a/r' } }, limitsOf({ maxDocumentBytes: 1024 }), 'e.xml');
  assertNamesLimit(error, 'LIMIT_DOCUMENT_SIZE', 'maxDocumentBytes', 1024);
  const json = await fixtureFile(t, 'e.json', JSON.stringify(Array.from({ length: 200 }, () => ({ a: 'x' }))));
  assert.equal((await readUntilFailure(json, { format: 'json', decode: { encoding: 'auto' }, json: { recordPath: '' } }, limitsOf({ maxDocumentBytes: 1024 }))).error.code, 'LIMIT_DOCUMENT_SIZE');
  const csv = await fixtureFile(t, 'e.csv', 'Nr;Kwota\n' + 'FA/1;1,00\n'.repeat(200));
  let n = 0;
  for await (const _r of readRecords(csv, csvInput, 'e.csv', limitsOf({ maxDocumentBytes: 1024 }))) n++;
  assert.equal(n, 200);
});

test('LIMIT_RECORDS stops the reader at the first record over the limit, naming its row and line', async (t) => {
  const path = await fixtureFile(t, 'rows.csv', 'Nr;Kwota\n' + 'FA/1;1,00\n'.repeat(1000));
  const { error, read } = await readUntilFailure(path, csvInput, limitsOf({ maxRecordsPerFile: 10 }), 'rows.csv');
  assert.equal(read, 10);
  assertNamesLimit(error, 'LIMIT_RECORDS', 'maxRecordsPerFile', 10);
  assert.deepEqual(error.where, { file: 'rows.csv', row: 11, line: 12 });
});

test('LIMIT_RECORD_LENGTH: a CSV quote never closed, a fixed-width file without line breaks', async (t) => {
  const csv = await fixtureFile(t, 'q.csv', 'Nr;Opis\nFA/1;"never closed\n' + 'x'.repeat(5000) + '\nFA/2;ok\n');
  const c = await readUntilFailure(csv, csvInput, limitsOf({ maxRecordChars: 1024 }), 'q.csv');
  assertNamesLimit(c.error, 'LIMIT_RECORD_LENGTH', 'maxRecordChars', 1024);
  assert.equal(c.error.where.file, 'q.csv');
  assert.equal(c.read, 0);

  const fixedInput: InputOptions = {
    format: 'fixed',
    decode: { encoding: 'utf-8' },
    fixed: { layouts: [{ type: 'L', fields: [{ name: 'a', start: 1, length: 3 }] }], unknownRecords: 'error', skipEmptyLines: true },
  };
  const fixed = await fixtureFile(t, 'f.txt', 'abc\n' + 'y'.repeat(300_000));
  const f = await readUntilFailure(fixed, fixedInput, limitsOf({ maxRecordChars: 2048 }), 'f.txt');
  assertNamesLimit(f.error, 'LIMIT_RECORD_LENGTH', 'maxRecordChars', 2048);
  assert.deepEqual(f.error.where, { file: 'f.txt', line: 2 });
  assert.equal(f.read, 1);
  // a line of exactly the limit is fine, CRLF not counted
  const exact = await fixtureFile(t, 'g.txt', 'abc\r\n' + 'z'.repeat(2048) + '\r\n' + 'z'.repeat(2048));
  let n = 0;
  for await (const _r of readRecords(exact, fixedInput, 'g.txt', limitsOf({ maxRecordChars: 2048 }))) n++;
  assert.equal(n, 3);
});

test('LIMIT_XLSX_UNCOMPRESSED: a workbook declaring more unpacked bytes than allowed is refused before exceljs inflates it', async (t) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Faktury');
  ws.addRow(['Numer', 'Opis']);
  for (let i = 0; i < 2000; i++) ws.addRow([`FV/${i}`, 'a'.repeat(200)]); // compresses very well, as a bomb does
  const path = join(await tempDir(t), 'bomb.xlsx');
  await wb.xlsx.writeFile(path);
  const input: InputOptions = { format: 'xlsx', xlsx: { sheet: 'Faktury', headerRow: 1, skipEmptyRows: true } };
  const { error, read } = await readUntilFailure(path, input, limitsOf({ maxXlsxUncompressedBytes: 100_000 }), 'bomb.xlsx');
  assertNamesLimit(error, 'LIMIT_XLSX_UNCOMPRESSED', 'maxXlsxUncompressedBytes', 100_000);
  assert.equal(read, 0);
  assert.ok(Number(error.where.value) > 100_000, `declared size ${error.where.value}`);
  assert.match(error.message, /the workbook unpacks to \d+ bytes/);
  let n = 0;
  for await (const _r of readRecords(path, input, 'bomb.xlsx')) n++;
  assert.equal(n, 2000, 'within the default limit the workbook is read');
});

test('XML nested deeper than 100 levels is READ_XML_TOO_DEEP, not an internal error', async (t) => {
  const path = await fixtureFile(t, 'deep.xml', '<a>'.repeat(5000) + 'x' + '</a>'.repeat(5000));
  const { error } = await readUntilFailure(path, { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/a/a' } }, DEFAULT_LIMITS, 'deep.xml');
  assert.equal(error.code, 'READ_XML_TOO_DEEP');
  assert.equal(error.where.file, 'deep.xml');
});

test('regression: a 1,000,000-line one-invoice CSV stops at line 10,001 of the invoice with the default limits, in bounded memory', async (t) => {
  const path = join(await tempDir(t), 'faktury-huge.csv');
  const size = await writeOneInvoiceCsv(path, 1_000_000);
  assert.ok(size > 100_000_000 && size < DEFAULT_LIMITS.maxFileBytes * 2, `file of ${size} bytes`);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  // over the default file size: refused before it is opened
  const whole = await previewFile(path, { mapping: join(REPO, 'mappings', 'optima-csv.json'), schema: 'FA(3)', today: '2026-11-21' });
  assert.equal(whole.ok, false);
  assert.deepEqual(whole.errors.map((e) => e.code), size > DEFAULT_LIMITS.maxFileBytes ? ['LIMIT_FILE_SIZE'] : ['LIMIT_LINES_PER_INVOICE']);
  // with any file size allowed, the default lines-per-invoice limit stops it while it is read
  const r = await previewFile(path, { mapping: join(REPO, 'mappings', 'optima-csv.json'), schema: 'FA(3)', today: '2026-11-21', limits: limitsOf({ maxFileBytes: 2 ** 32 }) });
  assert.equal(r.ok, false);
  assert.deepEqual(r.invoices, [], 'no invoice of an over-limit file is reported');
  assert.equal(r.errors.length, 1);
  const e = r.errors[0]!;
  assertNamesLimit(e, 'LIMIT_LINES_PER_INVOICE', 'maxLinesPerInvoice', 10_000);
  assert.equal(e.where.row, 10_001, 'reading stopped at the first line over the limit');
  assert.equal(e.where.line, 10_002);
  assert.match(e.message, /one invoice has more than 10000 lines \(it starts at row 1\)/);
  const ms = Date.now() - started;
  const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  assert.ok(ms < 20_000, `took ${ms} ms`);
  assert.ok(grown < 400, `resident memory grew by ${grown.toFixed(0)} MiB`);
});
