/**
 * The sales-register example (inbox-example/register/ + mappings/sales-register.json): the real
 * file through the reader, the mapping, validation, the FA(3) writer and the XSD, every invoice's
 * sums asserted. (Until the examples-as-data folder lands, this is the example's proof.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describeError } from '../../src/core/errors.ts';
import type { Invoice } from '../../src/core/invoice.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { readRecords } from '../../src/readers/index.ts';
import { COMPANY, NOW, parseFa, type Node } from './helpers.ts';

const sumsOf = (f: Node) => Object.fromEntries(Object.entries(f).filter(([k]) => /^P_1[345]/.test(k)));
const FILE = 'inbox-example/register/rejestr-sprzedazy-2026-11.csv';

test('sales register example: 4 documents from per-rate rows, valid FA(3) (and FA(2)) with P_13_x/P_14_x as booked', async () => {
  const m = await loadMapping('mappings/sales-register.json');
  const invoices: Invoice[] = [];
  for await (const r of mapRecords(m, readRecords(FILE, m.input, basename(FILE)), { today: '2026-11-25' })) {
    if (!r.ok) assert.fail(r.errors.map(describeError).join('\n'));
    invoices.push(r.invoice);
  }
  assert.deepEqual(invoices.map((i) => [i.number, i.lineKind, i.lines.length, i.statedTotals?.gross]), [
    ['FS/2026/11/001', 'rateRows', 2, '1904.7'],
    ['FS/2026/11/002', 'rateRows', 1, '122.97'],
    ['FS/2026/11/003', 'rateRows', 3, '2886'],
    ['FS/2026/11/004', 'rateRows', 1, '5400'],
  ]);
  assert.deepEqual(invoices[0]!.lines.map(({ provenance: _p, ...l }) => l), [
    { description: 'Sprzedaż towarów', netAmount: '1250', grossAmount: '1537.5', vatAmount: '287.5', vatRate: '23' },
    { description: 'Sprzedaż towarów', netAmount: '340', grossAmount: '367.2', vatAmount: '27.2', vatRate: '8' },
  ]);
  assert.deepEqual(invoices[3]!.buyer.id, { type: 'eu-vat', country: 'DE', number: '123456789' });

  const fa: Node[] = [];
  for (const inv of invoices) {
    assert.deepEqual(validateInvoice(inv, 'FA(3)', COMPANY, { today: '2026-11-25' }).errors.map(describeError), []);
    const out = buildFaXml(inv, 'FA(3)', COMPANY, { now: NOW });
    assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
    fa.push(parseFa(out.xml).Fa);
    const fa2 = buildFaXml(inv, 'FA(2)', COMPANY, { now: NOW }); // the same rows are valid FA(2) too
    assert.deepEqual((await checkXsd(fa2)).map((e) => e.message), []);
    assert.deepEqual(sumsOf(parseFa(fa2.xml).Fa), sumsOf(fa.at(-1)!));
  }
  assert.deepEqual(fa.map(sumsOf), [
    { P_13_1: '1250.00', P_14_1: '287.50', P_13_2: '340.00', P_14_2: '27.20', P_15: '1904.70' },
    { P_13_1: '99.97', P_14_1: '23.00', P_15: '122.97' }, // booked 23.00; 99.97 × 23 % = 22.99 is within 0.01
    { P_13_1: '2000.00', P_14_1: '460.00', P_13_3: '120.00', P_14_3: '6.00', P_13_6_1: '300.00', P_15: '2886.00' },
    { P_13_6_2: '5400.00', P_15: '5400.00' },
  ]);
  assert.deepEqual(fa[2]!.FaWiersz.map((w: Node) => [w.NrWierszaFa, w.P_7, w.P_11, w.P_12]), [
    ['1', 'Sprzedaż towarów', '2000.00', '23'],
    ['2', 'Sprzedaż książek', '120.00', '5'],
    ['3', 'Dostawa statku ratowniczego (art. 83)', '300.00', '0 KR'],
  ]);
  assert.equal(fa[3]!.FaWiersz[0].P_12, '0 WDT');
});
