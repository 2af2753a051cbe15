// Issue 11 item 8: every error about a line's field (`lines[n].x`), whichever rule finds it
// (business rules, totals, a sales register's rate rows, forbidden characters), names that line's
// place and the cell the field was read from (the line provenance's `fieldCells`), and never
// carries the provenance's cell maps themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentError } from '../../src/core/errors.ts';
import type { InvoiceLine } from '../../src/core/invoice.ts';
import { computeTotals } from '../../src/invoice/totals.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { COMPANY, invoice } from './helpers.ts';

const TODAY = '2026-03-02';
const at = (row: number) => ({
  file: 'w.xlsx', sheet: 'Rejestr', row,
  cells: { Opis: `A${row}`, Netto: `B${row}`, VAT: `C${row}`, Stawka: `D${row}` },
  fieldCells: { description: `A${row}`, netAmount: `B${row}`, vatAmount: `C${row}`, vatRate: `D${row}` },
});
const line = (row: number, over: Partial<InvoiceLine> = {}): InvoiceLine => ({ description: 'Towar', netAmount: '100.00', vatRate: '23', provenance: at(row), ...over });
const where = (e: AgentError) => e.where;
const place = (row: number, cell: string, field: string, value?: string) => ({ file: 'w.xlsx', sheet: 'Rejestr', row, cell, invoice: 'FV/1/03/2026', field, ...(value !== undefined ? { value } : {}) });

function thrown(fn: () => unknown): AgentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AgentError) return e;
    throw e;
  }
  assert.fail('no error');
}

test('totals: a line amount that is not a number names the cell of that amount', () => {
  const e = thrown(() => computeTotals(invoice({ lines: [line(2), line(3, { netAmount: '1O0' })] })));
  assert.equal(e.code, 'FA_AMOUNT_INVALID');
  assert.deepEqual(where(e), place(3, 'B3', 'lines[2].netAmount', '1O0'));
});

test('rate rows: a row\'s VAT that is not a number names that row and its VAT cell (not the invoice\'s first row)', () => {
  const e = thrown(() => computeTotals(invoice({ lineKind: 'rateRows', lines: [line(2, { vatAmount: '23.00' }), line(3, { vatAmount: 'x' })] })));
  assert.equal(e.code, 'FA_AMOUNT_INVALID');
  assert.deepEqual(where(e), place(3, 'C3', 'lines[2].vatAmount', 'x'));
});

test('rate rows: a taxed row without VAT names the row and the VAT cell', () => {
  const e = thrown(() => computeTotals(invoice({ lineKind: 'rateRows', lines: [line(2, { vatAmount: '23.00' }), line(3)] })));
  assert.equal(e.code, 'FA_RATE_ROW_VAT_MISSING');
  assert.deepEqual(where(e), place(3, 'C3', 'lines[2].vatAmount'));
});

test('validation: the rate rows\' VAT mismatch, a line\'s VAT and a forbidden character name their cells', () => {
  const reg = validateInvoice(invoice({ lineKind: 'rateRows', lines: [line(2, { vatAmount: '20.00' }), line(3, { vatAmount: '23.00' })] }), 'FA(3)', COMPANY, { today: TODAY });
  assert.deepEqual(reg.errors.map((e) => [e.code, where(e)]), [['FA_RATE_VAT_MISMATCH', place(2, 'C2', 'lines[1].vatAmount', '20.00')]]);

  const items = validateInvoice(invoice({ lines: [line(2, { vatAmount: '23.00' }), line(3, { vatAmount: '5.00', description: 'Zła\u0007nazwa' })] }), 'FA(3)', COMPANY, { today: TODAY });
  assert.deepEqual(items.errors.map((e) => [e.code, where(e)]), [
    ['FA_FORBIDDEN_CHAR', place(3, 'A3', 'lines[2].description', 'Zła\u0007nazwa')],
    ['FA_LINE_VAT', place(3, 'C3', 'lines[2].vatAmount', '5.00')],
  ]);
});

test('a field read from elsewhere (no cell for it in the line\'s record) names the line\'s place without a cell', () => {
  const r = validateInvoice(invoice({ lines: [line(2, { quantity: '1.12345678' })] }), 'FA(3)', COMPANY, { today: TODAY });
  assert.deepEqual(r.errors.map((e) => [e.code, where(e)]), [['FA_AMOUNT_DECIMALS', { file: 'w.xlsx', sheet: 'Rejestr', row: 2, invoice: 'FV/1/03/2026', field: 'lines[1].quantity', value: '1.12345678' }]]);
});
