import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { computeTotals } from '../../src/invoice/totals.ts';
import { COMPANY, NOW, invoice, parseFa } from './helpers.ts';

test('text is escaped and the XML stays valid (control characters are refused, not replaced: forbidden-chars.test.ts)', async () => {
  const inv = invoice({
    lines: [{ description: 'Śruby & nakrętki <M8> "ocynk" ', netAmount: '10.00', vatRate: '23' }],
    notes: [{ key: 'a<b', value: 'x & y' }],
  });
  for (const schema of ['FA(3)', 'FA(2)'] as const) {
    const out = buildFaXml(inv, schema, COMPANY, { now: NOW });
    assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
    assert.ok(out.xml.toString('utf8').includes('Śruby &amp; nakrętki &lt;M8&gt; "ocynk"</P_7>'));
    const fa = parseFa(out.xml).Fa;
    assert.equal(fa.FaWiersz[0].P_7, 'Śruby &amp; nakrętki &lt;M8&gt; "ocynk"'.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    assert.equal(fa.DodatkowyOpis[0].Klucz, 'a<b');
    assert.equal(out.xml[0], 0x3c, 'no BOM');
  }
});

test('sale period, Greek EU buyer (GR → EL) and gross-priced foreign currency with P_14_xW', async () => {
  const inv = invoice({
    saleDate: undefined,
    salePeriod: { from: '2026-02-01', to: '2026-02-28' },
    pricing: 'gross',
    currency: 'EUR',
    exchangeRate: '4.30',
    buyer: { id: { type: 'eu-vat', country: 'GR', number: 'EL094259216' }, name: 'Πελάτης ΑΕ' },
    lines: [{ description: 'Usługa', quantity: '1', unitGrossPrice: '123.00', vatRate: '23' }],
  });
  for (const schema of ['FA(3)', 'FA(2)'] as const) {
    const out = buildFaXml(inv, schema, COMPANY, { now: NOW });
    assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
    const root = parseFa(out.xml);
    assert.equal(root.Fa.OkresFa.P_6_Od, '2026-02-01');
    assert.equal(root.Fa.OkresFa.P_6_Do, '2026-02-28');
    assert.equal(root.Fa.P_6, undefined);
    assert.equal(root.Podmiot2.DaneIdentyfikacyjne.KodUE, 'EL');
    assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NrVatUE, '094259216');
    assert.equal(root.Fa.P_13_1, '100.00');
    assert.equal(root.Fa.P_14_1, '23.00');
    assert.equal(root.Fa.P_14_1W, '98.90'); // 430.00 PLN × 23 %
    assert.equal(root.Fa.FaWiersz[0].KursWaluty, '4.3');
  }
});

test('advance split over three rates: shares add up to the amount received exactly', async () => {
  const inv = invoice({
    kind: 'ZAL',
    currency: 'EUR',
    exchangeRate: '4.25',
    lines: [
      { description: 'A', netAmount: '333.33', vatRate: '23' },
      { description: 'B', netAmount: '333.33', vatRate: '8' },
      { description: 'C', netAmount: '333.34', vatRate: '5' },
    ],
    advance: { amountReceived: '100.00', orderTotal: '1120.01' },
  });
  const t = computeTotals(inv);
  const shares = t.rates.map((r) => r.gross.toFixed(2));
  // order gross per rate: 410.00 (333.33 + 76.67), 360.00, 350.01 → total 1120.01
  assert.deepEqual(shares, ['36.61', '32.14', '31.25']); // 100 × 410/1120.01, 100 × 360/1120.01, the rest
  assert.equal(t.gross.toFixed(2), '100.00');
  for (const schema of ['FA(3)', 'FA(2)'] as const) {
    const out = buildFaXml(inv, schema, COMPANY, { now: NOW });
    assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
    const fa = parseFa(out.xml).Fa;
    assert.equal(fa.P_15, '100.00');
    assert.equal(fa.P_13_1, '29.76'); // 36.61 − 6.85
    assert.equal(fa.P_14_1, '6.85'); // 36.61 × 23/123 = 6.8458
    assert.equal(fa.P_14_1W, '29.09'); // 29.76 × 4.25 = 126.48 PLN × 23 % = 29.0904
    assert.equal(fa.KursWalutyZ, '4.25');
    assert.equal(fa.Zamowienie.WartoscZamowienia, '1120.01');
    assert.equal(fa.P_13_3, '29.76'); // 31.25 − 1.49
  }
});
