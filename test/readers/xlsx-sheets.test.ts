import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { TestContext } from 'node:test';
import type { InputOptions, XlsxOptions } from '../../src/core/input-options.ts';
import { collect, failure, tempDir } from './reader-test-kit.ts';

const xlsxInput = (xlsx: Partial<XlsxOptions>): InputOptions => ({ format: 'xlsx', xlsx: { sheet: 1, headerRow: 1, skipEmptyRows: true, ...xlsx } });

/** Info, then Faktury (header on row 1), then Pozycje (a title row, header on row 2). */
async function workbook(t: TestContext): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Info').addRow(['wygenerowano 2026-11-05']);
  const inv = wb.addWorksheet('Faktury');
  inv.addRow(['Numer', 'Nabywca']);
  inv.addRow(['FV 1/2026', 'Ala sp. z o.o.']);
  inv.addRow(['FV 2/2026', 'Ola S.A.']);
  const lines = wb.addWorksheet('Pozycje');
  lines.addRow(['Pozycje faktur']);
  lines.addRow(['Numer', 'Towar', 'Ilość']);
  lines.addRow(['FV 1/2026', 'Kawa', 2]);
  lines.addRow(['FV 2/2026', 'Herbata', 1.5]);
  const path = join(await tempDir(t), 'dwa-arkusze.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

test('xlsx sheets: several sheets one after another, each record typed by its sheet, per-sheet header row', async (t) => {
  const path = await workbook(t);
  const records = await collect(path, xlsxInput({ sheets: [{ sheet: 'Pozycje', type: 'line', headerRow: 2 }, { sheet: 'Faktury', type: 'invoice' }] }), 'dwa-arkusze.xlsx');
  assert.deepEqual(records, [
    { values: { Numer: 'FV 1/2026', Nabywca: 'Ala sp. z o.o.' }, recordType: 'invoice', where: { file: 'dwa-arkusze.xlsx', sheet: 'Faktury', row: 2, cells: { Numer: 'A2', Nabywca: 'B2' } } },
    { values: { Numer: 'FV 2/2026', Nabywca: 'Ola S.A.' }, recordType: 'invoice', where: { file: 'dwa-arkusze.xlsx', sheet: 'Faktury', row: 3, cells: { Numer: 'A3', Nabywca: 'B3' } } },
    { values: { Numer: 'FV 1/2026', Towar: 'Kawa', 'Ilość': '2' }, recordType: 'line', where: { file: 'dwa-arkusze.xlsx', sheet: 'Pozycje', row: 3, cells: { Numer: 'A3', Towar: 'B3', 'Ilość': 'C3' } } },
    { values: { Numer: 'FV 2/2026', Towar: 'Herbata', 'Ilość': '1.5' }, recordType: 'line', where: { file: 'dwa-arkusze.xlsx', sheet: 'Pozycje', row: 4, cells: { Numer: 'A4', Towar: 'B4', 'Ilość': 'C4' } } },
  ]);
});

test('xlsx sheets: a sheet by 1-based position', async (t) => {
  const path = await workbook(t);
  const records = await collect(path, xlsxInput({ sheets: [{ sheet: 2, type: 'invoice' }] }), 'w.xlsx');
  assert.deepEqual(records.map((r) => [r.recordType, r.where.sheet, r.values['Numer']]), [['invoice', 'Faktury', 'FV 1/2026'], ['invoice', 'Faktury', 'FV 2/2026']]);
});

test('xlsx sheets: a missing sheet is READ_SHEET_MISSING naming the sheets the workbook has, closest first', async (t) => {
  const path = await workbook(t);
  const e = await failure(path, xlsxInput({ sheets: [{ sheet: 'Faktury', type: 'invoice' }, { sheet: 'Pozycja', type: 'line' }] }), 'w.xlsx');
  assert.equal(e.code, 'READ_SHEET_MISSING');
  assert.equal(e.message, 'the workbook has no sheet "Pozycja"; did you mean "Pozycje"? Sheets in the workbook: "Pozycje", "Info", "Faktury"');
  assert.deepEqual(e.where, { file: 'w.xlsx', value: 'Pozycja' });
  assert.equal(e.rule, 'available sheets: 1. "Info", 2. "Faktury", 3. "Pozycje"');
});

test('xlsx: the single sheet option gives the same READ_SHEET_MISSING', async (t) => {
  const path = await workbook(t);
  const e = await failure(path, xlsxInput({ sheet: 'faktury' }), 'w.xlsx');
  assert.equal(e.code, 'READ_SHEET_MISSING');
  assert.equal(e.message, 'the workbook has no sheet "faktury"; did you mean "Faktury"? Sheets in the workbook: "Faktury", "Info", "Pozycje"');
  const e2 = await failure(path, xlsxInput({ sheet: 7 }), 'w.xlsx');
  assert.equal(e2.message, 'the workbook has no sheet number 7; it has 3 sheets: "Info", "Faktury", "Pozycje"');
});
