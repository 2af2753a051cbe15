// Regression for issue 9 (hostile inputs): a file cut short, or a workbook with a damaged part,
// is a data error naming the file (and the part), never a partial read of what came before the cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { TestContext } from 'node:test';
import type { InputOptions } from '../../src/core/input-options.ts';
import { unzip, zipEntries } from '../../src/simulator/zip.ts';
import type { ZipEntry } from '../../src/simulator/zip.ts';
import { collect, failure, fixtureFile, tempDir } from './reader-test-kit.ts';

const xmlInput: InputOptions = { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/Export/Invoice', arrays: [] } };
const jsonInput: InputOptions = { format: 'json', decode: { encoding: 'auto' }, json: { recordPath: 'orders' } };
const xlsxInput: InputOptions = { format: 'xlsx', xlsx: { sheet: 'Faktury', headerRow: 1, skipEmptyRows: true } };

const xmlDoc = `<?xml version="1.0"?>\n<Export>\n${Array.from({ length: 20 }, (_, i) => `  <Invoice number="FS/${i + 1}"><Buyer>B${i + 1}</Buyer></Invoice>\n`).join('')}</Export>\n`;

for (const cut of [0.3, 0.6, 0.95]) {
  test(`xml: a document cut at ${cut * 100}% is READ_XML_MALFORMED, no record is read`, async (t) => {
    const path = await fixtureFile(t, 'cut.xml', xmlDoc.slice(0, Math.floor(xmlDoc.length * cut)));
    const e = await failure(path, xmlInput, 'cut.xml');
    assert.equal(e.code, 'READ_XML_MALFORMED');
    assert.equal(e.kind, 'data');
    assert.equal(e.where?.file, 'cut.xml');
  });
}

test('xml: a document cut right after the last record (root never closed) is READ_XML_MALFORMED', async (t) => {
  const path = await fixtureFile(t, 'cut.xml', xmlDoc.slice(0, xmlDoc.lastIndexOf('</Export>')));
  assert.equal((await failure(path, xmlInput, 'cut.xml')).code, 'READ_XML_MALFORMED');
});

const jsonDoc = JSON.stringify({ orders: Array.from({ length: 20 }, (_, i) => ({ number: `S/${i + 1}`, total: '10.00' })) }, null, 1);

for (const [name, text] of [
  ['mid-record', jsonDoc.slice(0, Math.floor(jsonDoc.length / 2))],
  ['after a complete record', jsonDoc.slice(0, jsonDoc.indexOf('}', jsonDoc.length / 2) + 2)],
  ['before the last brace', jsonDoc.slice(0, jsonDoc.lastIndexOf('}'))],
] as const) {
  test(`json: a document cut ${name} is READ_JSON_MALFORMED, no record is read`, async (t) => {
    const path = await fixtureFile(t, 'cut.json', text);
    const e = await failure(path, jsonInput, 'cut.json');
    assert.equal(e.code, 'READ_JSON_MALFORMED');
    assert.equal(e.where?.file, 'cut.json');
  });
}

async function workbookEntries(t: TestContext): Promise<ZipEntry[]> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Faktury');
  ws.addRow(['Numer', 'Netto']);
  for (let i = 1; i <= 200; i++) ws.addRow([`FV/${i}/2026`, i * 10]);
  const path = join(await tempDir(t), 'w.xlsx');
  await wb.xlsx.writeFile(path);
  return unzip(await readFile(path));
}

const SHEET = 'xl/worksheets/sheet1.xml';

test('xlsx: the intact workbook reads all 200 rows (control)', async (t) => {
  const path = await fixtureFile(t, 'ok.xlsx', await zipEntries(await workbookEntries(t)));
  assert.equal((await collect(path, xlsxInput, 'ok.xlsx')).length, 200);
});

test('xlsx: a sheet part whose XML is cut short is READ_XLSX_CORRUPT naming the part, not a partial read', async (t) => {
  const entries = await workbookEntries(t);
  const cut = entries.map((e) => (e.name === SHEET ? { name: e.name, data: e.data.subarray(0, Math.floor(e.data.length * 0.6)) } : e));
  const path = await fixtureFile(t, 'sheet-xml-truncated.xlsx', await zipEntries(cut));
  const e = await failure(path, xlsxInput, 'sheet-xml-truncated.xlsx');
  assert.equal(e.code, 'READ_XLSX_CORRUPT');
  assert.equal(e.kind, 'data');
  assert.deepEqual(e.where, { file: 'sheet-xml-truncated.xlsx', path: SHEET });
  assert.match(e.message, /xl\/worksheets\/sheet1\.xml/);
});

test('xlsx: a cut shared-strings part is READ_XLSX_CORRUPT too', async (t) => {
  const entries = await workbookEntries(t);
  const name = 'xl/sharedStrings.xml';
  assert.ok(entries.some((e) => e.name === name));
  const cut = entries.map((e) => (e.name === name ? { name, data: e.data.subarray(0, e.data.length - 40) } : e));
  const path = await fixtureFile(t, 's.xlsx', await zipEntries(cut));
  const e = await failure(path, xlsxInput, 's.xlsx');
  assert.equal(e.code, 'READ_XLSX_CORRUPT');
  assert.deepEqual(e.where, { file: 's.xlsx', path: name });
});

test('xlsx: a part whose bytes do not match its CRC-32 is READ_XLSX_CORRUPT naming the part', async (t) => {
  const zip = await zipEntries(await workbookEntries(t));
  // spoil the CRC the central directory records for the sheet part
  const nameAt = zip.lastIndexOf(Buffer.from(SHEET));
  const header = nameAt - 46;
  assert.equal(zip.readUInt32LE(header), 0x02014b50);
  zip.writeUInt32LE((zip.readUInt32LE(header + 16) ^ 0xffffffff) >>> 0, header + 16);
  const path = await fixtureFile(t, 'crc.xlsx', zip);
  const e = await failure(path, xlsxInput, 'crc.xlsx');
  assert.equal(e.code, 'READ_XLSX_CORRUPT');
  assert.deepEqual(e.where, { file: 'crc.xlsx', path: SHEET });
  assert.match(e.message, /CRC/);
});

test('xlsx: a workbook file cut in half (no zip directory) is READ_XLSX_CORRUPT naming the file', async (t) => {
  const zip = await zipEntries(await workbookEntries(t));
  const path = await fixtureFile(t, 'half.xlsx', zip.subarray(0, Math.floor(zip.length / 2)));
  const e = await failure(path, xlsxInput, 'half.xlsx');
  assert.equal(e.code, 'READ_XLSX_CORRUPT');
  assert.equal(e.kind, 'data');
  assert.deepEqual(e.where, { file: 'half.xlsx' });
  assert.match(e.message, /zip directory is missing/);
});
