// Issue 11 item 8, errors point at the exact place: a business-rule problem of an invoice line
// names that line's own row and line (and sheet), not the invoice's first row, and field names
// count lines from 1 (`lines[2]` is the second line, as "line 2" in the message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { AgentError } from '../../src/core/errors.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { mappingJson } from './mapping-helpers.ts';

const opts = (mapping: string) => ({ mapping, schema: 'FA(3)' as const, today: '2026-11-21', now: new Date('2026-11-21T09:00:00Z') });
const facts = (e: AgentError) => ({ code: e.code, row: e.where.row, line: e.where.line, sheet: e.where.sheet, field: e.where.field, invoice: e.where.invoice });

test('CSV: errors about the second and third line of an invoice name their own rows and lines, fields counted from 1', async () => {
  await withTempDir('line-places-', async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, [
      'Nr;Data;NIP;Nabywca;Towar;Ilosc;Cena;VAT',
      'FV/1;03.11.2026;999-999-99-99;Firma;Kawa;2;10,50;23',
      'FV/1;03.11.2026;999-999-99-99;Firma;Herbata;1,1234567;4,00;23',
      'FV/1;03.11.2026;999-999-99-99;Firma;Cukier;3;;23',
    ].join('\n') + '\n');
    const mapping = join(dir, 'm.json');
    await writeFile(mapping, JSON.stringify(mappingJson()));
    const r = await previewFile(file, opts(mapping));
    assert.equal(r.invoices.length, 1);
    assert.deepEqual(r.invoices[0]!.errors.map(facts), [
      { code: 'FA_AMOUNT_DECIMALS', row: 2, line: 3, sheet: undefined, field: 'lines[2].quantity', invoice: 'FV/1' },
      { code: 'FA_LINE_AMOUNT_MISSING', row: 3, line: 4, sheet: undefined, field: 'lines[3].netAmount', invoice: 'FV/1' },
    ]);
    assert.match(r.invoices[0]!.errors[1]!.message, /^line 3 has neither netAmount nor unitNetPrice/);
    assert.equal(r.invoices[0]!.errors.some((e) => 'cells' in e.where), false, 'no per-record cell map in an error');
  });
});

test('XLSX: an error about an invoice\'s second line names that line\'s row of the sheet', async () => {
  await withTempDir('line-places-', async (dir) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Faktury');
    ws.addRow(['Nr', 'Data', 'NIP', 'Nabywca', 'Towar', 'Ilosc', 'Cena', 'VAT']);
    ws.addRow(['FV/1', '03.11.2026', '999-999-99-99', 'Firma', 'Kawa', 2, '10,50', '23']);
    ws.addRow(['FV/1', '03.11.2026', '999-999-99-99', 'Firma', 'Herbata', '1,1234567', '4,00', '23']);
    const file = join(dir, 'faktury.xlsx');
    await wb.xlsx.writeFile(file);
    const mapping = join(dir, 'm.json');
    await writeFile(mapping, JSON.stringify(mappingJson({ input: { format: 'xlsx', xlsx: { sheet: 'Faktury' } } })));
    const r = await previewFile(file, opts(mapping));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.invoices[0]!.errors.map(facts), [
      { code: 'FA_AMOUNT_DECIMALS', row: 3, line: undefined, sheet: 'Faktury', field: 'lines[2].quantity', invoice: 'FV/1' },
    ]);
  });
});
