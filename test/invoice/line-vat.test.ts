// Issue 9 item 6, second half: a line's VAT amount, where the ERP states it, is checked against
// the line's value × rate (net-priced: net × p/100; gross-priced: gross − gross/(1+p/100)), rounded
// to grosze half away from zero, within one grosz. Before, the canonical model had no per-line VAT
// field at all, so a stated line VAT of 1,00 on a line of 778,80 at 23 % went unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentError } from '../../src/core/errors.ts';
import type { InvoiceLine } from '../../src/core/invoice.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { COMPANY, invoice, NOW } from './helpers.ts';

const TODAY = '2026-03-02';
const errorsOf = (lines: InvoiceLine[], pricing: 'net' | 'gross' = 'net'): AgentError[] =>
  validateInvoice(invoice({ lines, pricing }), 'FA(3)', COMPANY, { today: TODAY }).errors;
const codes = (errs: AgentError[]) => errs.map((e) => e.code);
const base = { description: 'Kawa', vatRate: '23' as const };

test('net-priced: stated line VAT that is not net × rate is FA_LINE_VAT naming the row, both values and the rule', () => {
  const errs = errorsOf([
    { ...base, quantity: '12', unitNetPrice: '64.90', netAmount: '778.80', vatAmount: '179.12', provenance: { file: 'f.csv', row: 1, line: 2 } },
    { ...base, quantity: '40', unitNetPrice: '8.45', netAmount: '338.00', vatAmount: '1.00', provenance: { file: 'f.csv', row: 2, line: 3 } },
  ]);
  assert.deepEqual(codes(errs), ['FA_LINE_VAT']);
  const e = errs[0]!;
  assert.equal(e.where.field, 'lines[2].vatAmount');
  assert.equal(e.where.value, '1.00');
  assert.equal(e.where.file, 'f.csv');
  assert.equal(e.where.row, 2);
  assert.equal(e.where.line, 3);
  assert.match(e.message, /line 2: stated VAT 1\.00 is not net value × 23 %: 338\.00 × 23 % = 77\.74 \(difference -76\.74\)/);
  assert.match(e.rule!, /net value × rate \/ 100, rounded to grosze half away from zero/);
  assert.match(e.rule!, /tolerance 0\.01/);
});

test('net-priced: the line value is computed from quantity × price when not stated; one grosz of difference passes', () => {
  // 3 × 0.335 = 1.005 → 1.01; 1.01 × 23 % = 0.2323 → 0.23; one grosz either way is rounding
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '3', unitNetPrice: '0.335', vatAmount: '0.23' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '3', unitNetPrice: '0.335', vatAmount: '0.24' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '3', unitNetPrice: '0.335', vatAmount: '0.25' }])), ['FA_LINE_VAT']);
  // half away from zero: 0.50 × 5 % = 0.025 → 0.03, and on a correction −0.50 → −0.03
  assert.deepEqual(codes(errorsOf([{ ...base, vatRate: '5', netAmount: '0.50', vatAmount: '0.03' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, vatRate: '5', netAmount: '-0.50', vatAmount: '-0.03' }])), []);
  assert.deepEqual(codes(errorsOf([{ ...base, vatRate: '5', netAmount: '-0.50', vatAmount: '0.03' }])), ['FA_LINE_VAT']);
});

test('gross-priced: stated line VAT against gross − gross / (1 + rate)', () => {
  // 2 × 34.90 = 69.80 gross at 23 %: 69.80 × 23 / 123 = 13.0520… → 13.05
  assert.deepEqual(codes(errorsOf([{ ...base, quantity: '2', unitGrossPrice: '34.90', vatAmount: '13.05' }], 'gross')), []);
  const errs = errorsOf([{ ...base, quantity: '2', unitGrossPrice: '34.90', grossAmount: '69.80', vatAmount: '16.05' }], 'gross');
  assert.deepEqual(codes(errs), ['FA_LINE_VAT']);
  assert.equal(errs[0]!.where.field, 'lines[1].vatAmount');
  assert.match(errs[0]!.message, /stated VAT 16\.05 is not the VAT contained in gross value 69\.80 at 23 %: 69\.80 − 69\.80 \/ 1\.23 = 13\.05 \(difference \+3\.00\)/);
  assert.match(errs[0]!.rule!, /gross value − gross value \/ \(1 \+ rate \/ 100\)/);
});

test('rates without VAT (zw, np, oo, 0 %) take a stated line VAT of 0 only', () => {
  const exempt = (vatRate: InvoiceLine['vatRate'], vatAmount: string) => [{ ...base, vatRate, netAmount: '100.00', vatAmount }];
  // 0 WDT wants an EU buyer (FA_RATE_BUYER, fa-coverage.test.ts): not what this test is about
  const errorsOf0 = (lines: InvoiceLine[]) => errorsOf(lines).filter((e) => e.code !== 'FA_RATE_BUYER');
  for (const rate of ['0', '0 KR', '0 WDT', '0 EX', 'np', 'np I', 'np II', 'oo'] as const) {
    assert.deepEqual(codes(errorsOf0(exempt(rate, '0.00'))), [], rate);
    assert.deepEqual(codes(errorsOf0(exempt(rate, '0'))), [], rate);
    const errs = errorsOf0(exempt(rate, '23.00'));
    assert.deepEqual(codes(errs), ['FA_LINE_VAT'], rate);
    assert.match(errs[0]!.message, new RegExp(`stated VAT 23\\.00 on a line at rate ${rate}, which carries no VAT`));
  }
  const inv = invoice({ lines: exempt('zw', '1.00'), annotations: { exemption: { basis: 'law', text: 'art. 43 ust. 1 pkt 37' } } });
  assert.deepEqual(codes(validateInvoice(inv, 'FA(3)', COMPANY, { today: TODAY }).errors), ['FA_LINE_VAT']);
});

test('a stated line VAT must be a decimal with at most 2 places', () => {
  assert.deepEqual(codes(errorsOf([{ ...base, netAmount: '10.00', vatAmount: '2,30' }])), ['FA_AMOUNT_INVALID']);
  assert.deepEqual(codes(errorsOf([{ ...base, netAmount: '10.00', vatAmount: '2.300' }])), ['FA_AMOUNT_DECIMALS']);
});

test('a stated line VAT is checked, never written: FaWiersz has no P_11Vat (art. 106e ust. 10 only)', () => {
  const inv = invoice({ lines: [{ ...base, quantity: '12', unitNetPrice: '64.90', netAmount: '778.80', vatAmount: '179.12' }] });
  const xml = buildFaXml(inv, 'FA(3)', COMPANY, { now: NOW }).xml.toString('utf8');
  assert.doesNotMatch(xml, /P_11Vat>/);
  assert.match(xml, /<P_14_1>179\.12<\/P_14_1>/);
});

test('preview of the shop JSON with a mapped line VAT: a wrong one names the item path, both values and the rule', async () => {
  await withTempDir('line-vat-', async (dir) => {
    const orders = JSON.parse(await readFile('inbox-example/shop/orders-20261121.json', 'utf8')) as { orders: { items: Record<string, unknown>[] }[] };
    // the first order is gross-priced: 2 × 34.90 = 69.80 at 23 % → 13.05 VAT; say 16.05
    orders.orders[0]!.items[0]!['tax'] = '16.05';
    const file = join(dir, 'orders-1.json');
    await writeFile(file, JSON.stringify(orders, null, 2));
    const mapping = JSON.parse(await readFile('mappings/shop-json.json', 'utf8')) as { $schema?: string; line: Record<string, unknown> };
    delete mapping.$schema;
    mapping.line['vatAmount'] = { path: 'tax', decimal: 'dot' };
    const mappingFile = join(dir, 'shop-with-vat.json');
    await writeFile(mappingFile, JSON.stringify(mapping, null, 2));
    const r = await previewFile(file, { mapping: mappingFile, schema: 'FA(3)', today: '2026-11-21', now: new Date('2026-11-21T09:00:00Z') });
    assert.equal(r.ok, false);
    const bad = r.invoices.find((i) => i.errors.length > 0)!;
    assert.equal(bad.number, 'SKLEP/2026/11/0457');
    assert.deepEqual(bad.errors.map((e) => e.code), ['FA_LINE_VAT']);
    const e = bad.errors[0]!;
    assert.equal(e.where.file, 'orders-1.json');
    assert.equal(e.where.field, 'lines[1].vatAmount');
    assert.equal(e.where.value, '16.05');
    assert.equal(e.where.path, '$.orders[0]/items[1]'); // the first item (line paths count from 1)
    assert.match(e.message, /16\.05 .*69\.80 .*13\.05/);
  });
});
