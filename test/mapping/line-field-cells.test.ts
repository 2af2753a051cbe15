// Issue 11 item 8, errors point at the exact place: a business-rule error about a line's field
// (line arithmetic, a bad amount, a rate) names the sheet, the row AND the cell that field was
// read from (XLSX `H3`); in a file without cells (CSV) the column's name, with the row and line.
// Files go through previewFile, the path intake takes them; the report text is the one written
// to outbox/errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { AgentError } from '../../src/core/errors.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { renderErrorText } from '../../src/outbox/error-report.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { mappingJson } from './mapping-helpers.ts';

const opts = (mapping: string) => ({ mapping, schema: 'FA(3)' as const, today: '2026-11-21', now: new Date('2026-11-21T09:00:00Z') });
const facts = (e: AgentError) => ({ code: e.code, sheet: e.where.sheet, row: e.where.row, line: e.where.line, cell: e.where.cell, field: e.where.field, value: e.where.value, invoice: e.where.invoice });
const LINE = {
  description: { column: 'Towar' },
  quantity: { column: 'Ilosc', decimal: 'comma' },
  unitNetPrice: { column: 'Cena', decimal: 'comma' },
  netAmount: { column: 'Netto', decimal: 'comma' },
  vatRate: { column: 'VAT' },
};
const HEADER = ['Nr', 'Data', 'NIP', 'Nabywca', 'Towar', 'Ilosc', 'Cena', 'Netto', 'VAT']; // A … I
const HEAD = ['FV/1', '03.11.2026', '999-999-99-99', 'Firma'];

async function workbook(dir: string, sheet: string, rows: readonly (readonly unknown[])[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow([...r]);
  const file = join(dir, 'faktury.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

async function mappingFile(dir: string, over: Record<string, unknown>): Promise<string> {
  const file = join(dir, 'm.json');
  await writeFile(file, JSON.stringify(mappingJson(over)));
  return file;
}

test('XLSX: the second line\'s quantity × price ≠ net value names sheet, row and the cell of the net value, in the error and in the report', async () => {
  await withTempDir('line-cells-', async (dir) => {
    const file = await workbook(dir, 'Faktury', [
      HEADER,
      [...HEAD, 'Kawa', '2', '10,50', '21,00', '23'],
      [...HEAD, 'Herbata', '3', '10,00', '31,00', '23'], // 3 × 10.00 = 30.00
      [...HEAD, 'Cukier', '1', '4,00', '4,00', '23'],
    ]);
    const mapping = await mappingFile(dir, { input: { format: 'xlsx', xlsx: { sheet: 'Faktury' } }, line: LINE });
    const r = await previewFile(file, opts(mapping));
    assert.deepEqual(r.errors, []);
    const errors = r.invoices[0]!.errors;
    assert.deepEqual(errors.map(facts), [
      { code: 'FA_LINE_ARITHMETIC', sheet: 'Faktury', row: 3, line: undefined, cell: 'H3', field: 'lines[2].netAmount', value: '31', invoice: 'FV/1' },
    ]);
    assert.deepEqual(Object.keys(errors[0]!.where).sort(), ['cell', 'field', 'file', 'invoice', 'row', 'sheet', 'value'], 'no cell maps in an error');
    const report = renderErrorText('faktury.xlsx', errors).split('\r\n');
    assert.equal(report[2], 'faktury.xlsx, sheet Faktury, cell H3, row 3, invoice FV/1, field lines[2].netAmount, value "31": '
      + 'line 2: net value 31.00 is not quantity × unit net price: 3 × 10.00 = 30.00 (difference +1.00) (rule: line value = quantity × unit price − discount, '
      + 'rounded to grosze half away from zero (tolerance 0.025 for this line: 1 grosz plus half a unit of the price\'s last decimal place per unit of quantity)) [FA_LINE_ARITHMETIC]');
  });
});

test('XLSX: a bad quantity names its own cell; mapping errors (a decimal, a rate) name full cell references, not column letters', async () => {
  await withTempDir('line-cells-', async (dir) => {
    const file = await workbook(dir, 'Faktury', [
      HEADER,
      [...HEAD, 'Kawa', '2', '10,50', '21,00', '23'],
      [...HEAD, 'Herbata', '1,1234567', '4,00', '', '23'],
    ]);
    const mapping = await mappingFile(dir, { input: { format: 'xlsx', xlsx: { sheet: 'Faktury' } }, line: LINE });
    const r = await previewFile(file, opts(mapping));
    assert.deepEqual(r.invoices[0]!.errors.map(facts), [
      { code: 'FA_AMOUNT_DECIMALS', sheet: 'Faktury', row: 3, line: undefined, cell: 'F3', field: 'lines[2].quantity', value: '1.1234567', invoice: 'FV/1' },
    ]);

    const bad = await workbook(dir, 'Faktury', [HEADER, [...HEAD, 'Kawa', 'dwa', '10,50', '21,00', '23'], [...HEAD, 'Cukier', '1', '4,00', '4,00', '17']]);
    const m = await previewFile(bad, opts(mapping));
    assert.deepEqual(m.invoices[0]!.errors.map(facts), [
      { code: 'MAP_DECIMAL', sheet: 'Faktury', row: 2, line: undefined, cell: 'F2', field: 'lines[1].quantity', value: 'dwa', invoice: 'FV/1' },
      { code: 'MAP_VAT_RATE', sheet: 'Faktury', row: 3, line: undefined, cell: 'I3', field: 'lines[2].vatRate', value: '17', invoice: 'FV/1' },
    ]);
  });
});

test('XLSX unpivot: an error about the second group of a wide row names the cell of that group\'s field', async () => {
  await withTempDir('line-cells-', async (dir) => {
    const file = await workbook(dir, 'Faktury', [
      ['Nr', 'Data', 'NIP', 'Nabywca', 'P1_Towar', 'P1_Ilosc', 'P1_Cena', 'P1_Netto', 'P2_Towar', 'P2_Ilosc', 'P2_Cena', 'P2_Netto'], // … I, J, K, L
      [...HEAD, 'Kawa', '2', '10,50', '21,00', 'Herbata', '3', '10,00', '31,00'],
    ]);
    const mapping = await mappingFile(dir, {
      input: { format: 'xlsx', xlsx: { sheet: 'Faktury' } },
      invoices: { per: 'record', unpivot: { columns: 'P{n}_{field}' } },
      line: { ...LINE, vatRate: { value: '23' } },
    });
    const r = await previewFile(file, opts(mapping));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.invoices[0]!.errors.map(facts), [
      { code: 'FA_LINE_ARITHMETIC', sheet: 'Faktury', row: 2, line: undefined, cell: 'L2', field: 'lines[2].netAmount', value: '31', invoice: 'FV/1' },
    ]);
  });
});

test('CSV: an error about a line\'s field names its row, its line and the column it was read from', async () => {
  await withTempDir('line-cells-', async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, [
      HEADER.join(';'),
      [...HEAD, 'Kawa', '2', '10,50', '21,00', '23'].join(';'),
      [...HEAD, 'Herbata', '3', '10,00', '31,00', '23'].join(';'),
    ].join('\n') + '\n');
    const mapping = await mappingFile(dir, { line: LINE });
    const r = await previewFile(file, opts(mapping));
    const errors = r.invoices[0]!.errors;
    assert.deepEqual(errors.map(facts), [
      { code: 'FA_LINE_ARITHMETIC', sheet: undefined, row: 2, line: 3, cell: 'Netto', field: 'lines[2].netAmount', value: '31', invoice: 'FV/1' },
    ]);
    assert.match(renderErrorText('faktury.csv', errors).split('\r\n')[2]!, /^faktury\.csv, cell Netto, row 2, line 3, invoice FV\/1, field lines\[2\]\.netAmount, value "31": line 2: /);
  });
});
