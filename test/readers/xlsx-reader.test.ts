import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { TestContext } from 'node:test';
import type { InputOptions, XlsxOptions } from '../../src/core/input-options.ts';
import { collect, failure, fixtureFile, tempDir } from './reader-test-kit.ts';

const xlsxInput = (xlsx: Partial<XlsxOptions> = {}): InputOptions => ({
  format: 'xlsx',
  xlsx: { sheet: 'Faktury', headerRow: 2, skipEmptyRows: true, stopWhen: '^(Razem|Suma)', ...xlsx },
});

/** A realistic export: an unrelated first sheet, a title row, header, data, an empty row and a totals row. */
async function workbook(t: TestContext, extra?: (ws: ExcelJS.Worksheet) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Info').addRow(['wygenerowano 2026-02-05']);
  const ws = wb.addWorksheet('Faktury');
  ws.addRow(['Zestawienie faktur sprzedaży — luty 2026']);
  ws.addRow(['Numer', 'Data wystawienia', 'Netto', 'Brutto', 'Nabywca']);
  ws.addRow(['FV/1/2026', new Date(Date.UTC(2026, 1, 3)), 1234.5, { formula: 'C3*1.23', result: 1518.435 }, { richText: [{ text: 'Łódź ' }, { text: 'Sp. z o.o.' }] }]);
  ws.addRow(['FV/2/2026', new Date(Date.UTC(2026, 1, 4)), 0.1 + 0.2, 100, '006']);
  ws.addRow([]);
  ws.addRow(['Razem', null, { formula: 'SUM(C3:C4)', result: 1234.8 }]);
  ws.getColumn(2).numFmt = 'dd.mm.yyyy';
  extra?.(ws);
  const path = join(await tempDir(t), 'luty.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

test('xlsx: title row, header row, dates, numbers, formula results, rich text, totals row', async (t) => {
  const path = await workbook(t);
  const records = await collect(path, xlsxInput(), 'luty.xlsx');
  const cells = (r: number) => ({ Numer: `A${r}`, 'Data wystawienia': `B${r}`, Netto: `C${r}`, Brutto: `D${r}`, Nabywca: `E${r}` });
  assert.deepEqual(records, [
    {
      values: { Numer: 'FV/1/2026', 'Data wystawienia': '2026-02-03', Netto: '1234.5', Brutto: '1518.435', Nabywca: 'Łódź Sp. z o.o.' },
      where: { file: 'luty.xlsx', sheet: 'Faktury', row: 3, cells: cells(3) },
    },
    {
      values: { Numer: 'FV/2/2026', 'Data wystawienia': '2026-02-04', Netto: '0.3', Brutto: '100', Nabywca: '006' },
      where: { file: 'luty.xlsx', sheet: 'Faktury', row: 4, cells: cells(4) },
    },
  ]);
});

test('xlsx: sheet by 1-based index; stopColumn ends at the first empty cell', async (t) => {
  const path = await workbook(t);
  const records = await collect(path, xlsxInput({ sheet: 2, stopWhen: undefined, stopColumn: 'Data wystawienia', skipEmptyRows: false }), 'luty.xlsx');
  assert.deepEqual(records.map((r) => [r.where.row, r.values['Numer']]), [[3, 'FV/1/2026'], [4, 'FV/2/2026']]);
});

test('xlsx: an error cell is named by sheet, cell and error', async (t) => {
  const path = await workbook(t, (ws) => {
    ws.getCell('C4').value = { error: '#DIV/0!' } as ExcelJS.CellErrorValue;
  });
  const e = await failure(path, xlsxInput(), 'luty.xlsx');
  assert.equal(e.code, 'READ_XLSX_ERROR_CELL');
  assert.deepEqual(e.where, { file: 'luty.xlsx', sheet: 'Faktury', row: 4, cell: 'C4', field: 'Netto', value: '#DIV/0!' });
  assert.equal(e.message, 'cell C4 (column "Netto") holds an Excel error: #DIV/0!');
});

test('xlsx: unknown sheet lists the sheets there are', async (t) => {
  const path = await workbook(t);
  const e = await failure(path, xlsxInput({ sheet: 'Arkusz1' }), 'luty.xlsx');
  assert.equal(e.code, 'READ_SHEET_MISSING');
  assert.equal(e.message, 'the workbook has no sheet "Arkusz1"; sheets in the workbook: "Faktury", "Info"');
  assert.deepEqual(e.where, { file: 'luty.xlsx', value: 'Arkusz1' });
  assert.equal(e.rule, 'available sheets: 1. "Info", 2. "Faktury"');
});

test('xlsx: an empty file is READ_EMPTY, a non-workbook READ_XLSX_INVALID', async (t) => {
  const empty = await fixtureFile(t, 'e.xlsx', '');
  assert.deepEqual((await failure(empty, xlsxInput(), 'e.xlsx')).where, { file: 'e.xlsx' });
  assert.equal((await failure(empty, xlsxInput(), 'e.xlsx')).code, 'READ_EMPTY');
  const text = await fixtureFile(t, 't.xlsx', 'Numer;Data\n1;2\n');
  const e = await failure(text, xlsxInput(), 't.xlsx');
  assert.equal(e.code, 'READ_XLSX_INVALID');
  assert.deepEqual(e.where, { file: 't.xlsx' });
});

test('xlsx: a date cell with a time of day, a formula date result and a hyperlink cell', async (t) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Arkusz1');
  ws.addRow(['Kiedy', 'Termin', 'Link']);
  ws.addRow([new Date(Date.UTC(2026, 10, 3, 14, 30, 5)), { formula: 'A2+14', result: 46343 }, { text: 'FV/9', hyperlink: 'https://erp.example/fv/9' }]);
  ws.getCell('A2').numFmt = 'dd.mm.yyyy hh:mm:ss';
  ws.getCell('B2').numFmt = 'dd.mm.yyyy';
  const path = join(await tempDir(t), 't.xlsx');
  await wb.xlsx.writeFile(path);
  const records = await collect(path, xlsxInput({ sheet: 'Arkusz1', headerRow: 1, stopWhen: undefined }), 't.xlsx');
  assert.deepEqual(records.map((r) => r.values), [{ Kiedy: '2026-11-03T14:30:05', Termin: '2026-11-17', Link: 'FV/9' }]);
});
