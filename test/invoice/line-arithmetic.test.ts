// Issue 9 item 6: a line's value must agree with quantity × unit price (− discount). The Optima
// example with its first line's net value changed from 778,80 to 1,00 was accepted and a wrong
// total sent; now it is an error naming the row of that line, both values and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { AgentError } from '../../src/core/errors.ts';
import type { InvoiceLine } from '../../src/core/invoice.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { COMPANY, invoice } from './helpers.ts';

const TODAY = '2026-03-02';
const errorsOf = (lines: InvoiceLine[], pricing: 'net' | 'gross' = 'net'): AgentError[] =>
  validateInvoice(invoice({ lines, pricing }), 'FA(3)', COMPANY, { today: TODAY }).errors;
const codes = (errs: AgentError[]) => errs.map((e) => e.code);
const base = { description: 'Kawa', vatRate: '23' as const };

test('net value that is not quantity × unit net price: error with both values, the rule and the line row', () => {
  const errs = errorsOf([
    { ...base, quantity: '40', unitNetPrice: '8.45', netAmount: '338.00', provenance: { file: 'f.csv', row: 1, line: 2 } },
    { ...base, quantity: '12', unitNetPrice: '64.90', netAmount: '1.00', provenance: { file: 'f.csv', row: 2, line: 3 } },
  ]);
  assert.deepEqual(codes(errs), ['FA_LINE_ARITHMETIC']);
  const e = errs[0]!;
  assert.equal(e.where.field, 'lines[2].netAmount');
  assert.equal(e.where.value, '1.00');
  assert.equal(e.where.row, 2);
  assert.equal(e.where.line, 3);
  assert.equal(e.where.file, 'f.csv');
  assert.match(e.message, /line 2: net value 1\.00 is not quantity × unit net price: 12 × 64\.90 = 778\.80 \(difference -777\.80\)/);
  assert.match(e.rule!, /quantity × unit price − discount, rounded to grosze/);
  assert.match(e.rule!, /tolerance 0\.07/);
});

test('gross-priced: gross value against quantity × unit gross price, discount subtracted', () => {
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '3', unitGrossPrice: '12.30', discount: '1.90', grossAmount: '35.00' }], 'gross')), []);
  const errs = errorsOf([{ ...base, quantity: '3', unitGrossPrice: '12.30', discount: '1.90', grossAmount: '36.90' }], 'gross');
  assert.deepEqual(codes(errs), ['FA_LINE_ARITHMETIC']);
  assert.equal(errs[0]!.where.field, 'lines[1].grossAmount');
  assert.match(errs[0]!.message, /gross value 36\.90 is not quantity × unit gross price − discount: 3 × 12\.30 − 1\.90 = 35\.00/);
});

test('rounding within the tolerance passes: a price rounded to grosze, a value rounded half away from zero', () => {
  // the ERP priced 0.574 and printed 0.57: 1000 × 0.574 = 574.00; the tolerance is 1 grosz + 1000 × 0.005
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '1000', unitNetPrice: '0.57', netAmount: '574.00' }])), []);
  // 3 × 0.335 = 1.005 → 1.01 (half away from zero); 1.00 is within one grosz
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '3', unitNetPrice: '0.335', netAmount: '1.00' }])), []);
  // negative quantity on a correction
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '-2', unitNetPrice: '10.00', netAmount: '-20.00' }])), []);
  // just outside: 1000 × 0.57 = 570.00, tolerance 5.01
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '1000', unitNetPrice: '0.57', netAmount: '575.02' }])), ['FA_LINE_ARITHMETIC']);
});

test('nothing to compare: a value without a price, a price without a value, or no quantity', () => {
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '12', netAmount: '1.00' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '12', unitNetPrice: '64.90' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, unitNetPrice: '64.90', netAmount: '1.00' }])), []);
});

test('preview of the Optima example with 1,00 instead of 778,80: the file, row and line of that line, both values', async () => {
  await withTempDir('line-arith-', async (dir) => {
    const src = 'inbox-example/optima/faktury-2026-11.csv';
    const text = iconv.decode(await readFile(src), 'windows-1250');
    const changed = text.replace(';12;szt.;64,90;23%;778,80;', ';12;szt.;64,90;23%;1,00;');
    assert.notEqual(changed, text);
    const file = join(dir, 'faktury.csv');
    await writeFile(file, iconv.encode(changed, 'windows-1250'));
    const r = await previewFile(file, { mapping: 'mappings/optima-csv.json', schema: 'FA(3)', today: '2026-11-21', now: new Date('2026-11-21T09:00:00Z') });
    assert.equal(r.ok, false);
    const bad = r.invoices.find((i) => i.number === 'FA/231/2026')!;
    assert.deepEqual(bad.errors.map((e) => e.code), ['FA_LINE_ARITHMETIC']);
    const e = bad.errors[0]!;
    assert.equal(e.where.file, 'faktury.csv');
    assert.equal(e.where.row, 1);
    assert.equal(e.where.line, 2);
    assert.equal(e.where.field, 'lines[1].netAmount');
    assert.match(e.message, /net value 1\.00 is not quantity × unit net price: 12 × 64\.90 = 778\.80/);
    // the other invoices of the file are still valid
    assert.equal(r.invoices.filter((i) => i.errors.length === 0).length, r.invoices.length - 1);
  });
});
