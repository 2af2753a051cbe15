/**
 * Issue 11 item 9, end to end: mapping rules → mapRecords → validateInvoice → FA XML → official
 * XSD, asserting the elements' values; and each refusal with its code, field, row and message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentError } from '../../src/core/errors.ts';
import type { FaSchema, Invoice } from '../../src/core/invoice.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { compile, mapAll, mappingJson, row, rows } from '../mapping/mapping-helpers.ts';
import { COMPANY, NOW, parseFa, type Node } from './helpers.ts';

type Json = Record<string, unknown>;
const baseInvoice = (mappingJson() as { invoice: Json }).invoice;
const baseLine = (mappingJson() as { line: Json }).line;
/** The test mapping with invoice and line rules added (or replaced). */
const mapping = (invoice: Json = {}, line: Json = {}, over: Json = {}): Json =>
  mappingJson({ invoice: { ...baseInvoice, ...invoice }, line: { ...baseLine, ...line }, ...over });

async function mapOne(m: Json, recs: readonly SourceRecord[]): Promise<Invoice> {
  const [r] = await mapAll(compile(m), recs);
  if (!r?.ok) throw new Error(`mapping failed: ${r?.errors.map((e) => `${e.code} ${e.where.field ?? ''} ${e.message}`).join('; ')}`);
  return r.invoice;
}

/** Validates (no errors), writes and XSD-checks one invoice; returns the parsed Faktura. */
async function fa(inv: Invoice, schema: FaSchema = 'FA(3)'): Promise<Node> {
  const v = validateInvoice(inv, schema, COMPANY, { today: inv.issueDate });
  assert.deepEqual(v.errors.map((e) => `${e.code} ${e.where.field} ${e.message}`), []);
  const out = buildFaXml(inv, schema, COMPANY, { now: NOW });
  assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
  return parseFa(out.xml);
}

function errorsOf(inv: Invoice, schema: FaSchema = 'FA(3)'): AgentError[] {
  return validateInvoice(inv, schema, COMPANY, { today: inv.issueDate }).errors;
}

function only(errors: readonly AgentError[], code: string): AgentError {
  const hits = errors.filter((e) => e.code === code);
  assert.equal(hits.length, 1, `one ${code} in ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
  return hits[0]!;
}

const asArray = (x: unknown): Node[] => (x === undefined ? [] : Array.isArray(x) ? x : [x as Node]);

// ---------------------------------------------------------------- JST, VAT group, Podmiot3

const jstRules = {
  thirdParties: {
    recipient: {
      taxId: { column: 'NIP odbiorcy', nip: true },
      name: { column: 'Odbiorca' },
      address: { line1: { column: 'Adres odbiorcy' }, line2: { column: 'Miasto odbiorcy' } },
      role: { value: 'jst-recipient' },
    },
    payer: { taxId: { column: 'NIP płatnika', nip: true }, name: { column: 'Płatnik' }, address: { line1: { column: 'Adres płatnika' } } },
  },
};
const jstRow = (v: Record<string, string> = {}) => row({
  Nabywca: 'Gmina Przykładowo', NIP: '583-000-11-26',
  'NIP odbiorcy': '583-100-22-34', Odbiorca: 'Szkoła Podstawowa nr 1 w Przykładowie', 'Adres odbiorcy': 'ul. Szkolna 1', 'Miasto odbiorcy': '00-950 Przykładowo',
  'NIP płatnika': '954-000-11-14', Płatnik: 'Centrum Usług Wspólnych', 'Adres płatnika': 'ul. Ratuszowa 2, 00-950 Przykładowo', ...v,
});

for (const schema of ['FA(3)', 'FA(2)'] as const) {
  test(`${schema}: a local-government buyer (JST) with its school as Podmiot3 role 8 and a payer role 6`, async () => {
    const inv = await mapOne(mapping(jstRules), rows(jstRow()));
    assert.deepEqual(inv.thirdParties?.map((t) => [t.role, t.id]), [['jst-recipient', { type: 'nip', nip: '5831002234' }], ['payer', { type: 'nip', nip: '9540001114' }]]);
    const root = await fa(inv, schema);
    assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NIP, '5830001126');
    assert.equal(root.Podmiot2.JST, schema === 'FA(3)' ? '1' : undefined);
    assert.equal(root.Podmiot2.GV, schema === 'FA(3)' ? '2' : undefined);
    const p3 = asArray(root.Podmiot3);
    assert.equal(p3.length, 2);
    assert.equal(p3[0]!.DaneIdentyfikacyjne.NIP, '5831002234');
    assert.equal(p3[0]!.DaneIdentyfikacyjne.Nazwa, 'Szkoła Podstawowa nr 1 w Przykładowie');
    assert.deepEqual(p3[0]!.Adres, { KodKraju: 'PL', AdresL1: 'ul. Szkolna 1', AdresL2: '00-950 Przykładowo' });
    assert.equal(p3[0]!.Rola, '8');
    assert.equal(p3[1]!.DaneIdentyfikacyjne.NIP, '9540001114');
    assert.equal(p3[1]!.Rola, '6');
  });
}

test('FA(3): a VAT-group member recipient sets GV = 1 and role 10; a plain recipient is role 2 and leaves JST/GV at 2', async () => {
  const gv = await mapOne(mapping({ thirdParties: { recipient: { ...jstRules.thirdParties.recipient, role: { value: 'vat-group-recipient' } } } }), rows(jstRow()));
  let root = await fa(gv);
  assert.equal(root.Podmiot2.JST, '2');
  assert.equal(root.Podmiot2.GV, '1');
  assert.equal(asArray(root.Podmiot3)[0]!.Rola, '10');
  const { role: _r, ...plain } = jstRules.thirdParties.recipient;
  const branch = await mapOne(mapping({ thirdParties: { recipient: plain } }), rows(jstRow()));
  root = await fa(branch);
  assert.equal(root.Podmiot2.JST, '2');
  assert.equal(root.Podmiot2.GV, '2');
  assert.equal(asArray(root.Podmiot3)[0]!.Rola, '2');
});

test('a constant role alone adds no third party: rows whose recipient columns are empty give invoices without Podmiot3', async () => {
  const inv = await mapOne(mapping(jstRules), rows(jstRow({ 'NIP odbiorcy': '', Odbiorca: '', 'Adres odbiorcy': '', 'Miasto odbiorcy': '', 'NIP płatnika': '', Płatnik: '', 'Adres płatnika': '' })));
  assert.equal(inv.thirdParties, undefined);
  const root = await fa(inv);
  assert.equal(root.Podmiot3, undefined);
  assert.equal(root.Podmiot2.JST, '2');
});

test('third parties: a JST recipient without a NIP, FA(2) without its address, an empty name and an unknown role are refused', async () => {
  const eu = await mapOne(mapping(jstRules), rows(jstRow({ 'NIP odbiorcy': 'DE123456789' })));
  const e1 = only(errorsOf(eu), 'FA_THIRD_PARTY_INVALID');
  assert.equal(e1.where.field, 'thirdParties[0].id');
  assert.equal(e1.where.row, 1);
  assert.match(e1.message, /local-government unit \(JST\) recipient must be identified by its NIP \(it has a eu-vat id\)/);

  const noAddress = await mapOne(mapping({ thirdParties: { payer: { taxId: { column: 'NIP płatnika', nip: true }, name: { column: 'Płatnik' } } } }), rows(jstRow()));
  const e2 = only(errorsOf(noAddress, 'FA(2)'), 'FA_THIRD_PARTY_INVALID');
  assert.equal(e2.where.field, 'thirdParties[0].address');
  assert.equal(e2.message, "FA(2) requires the payer's address");
  assert.deepEqual(errorsOf(noAddress, 'FA(3)'), []); // FA(3) Podmiot3/Adres is optional

  const [noName] = await mapAll(compile(mapping(jstRules)), rows(jstRow({ Odbiorca: '' })));
  assert.ok(noName && !noName.ok);
  const e3 = noName.errors.find((e) => e.code === 'MAP_REQUIRED')!;
  assert.equal(e3.where.field, 'thirdParties.recipient.name');
  assert.equal(e3.where.row, 1);
  assert.equal(e3.message, 'required field thirdParties.recipient.name is empty');

  const [badRole] = await mapAll(compile(mapping({ thirdParties: { recipient: { ...jstRules.thirdParties.recipient, role: { column: 'Rola' } } } })), rows(jstRow({ Rola: 'school' })));
  assert.ok(badRole && !badRole.ok);
  const e4 = badRole.errors.find((e) => e.code === 'MAP_ENUM')!;
  assert.equal(e4.where.field, 'thirdParties.recipient.role');
  assert.equal(e4.where.value, 'school');
});

// ---------------------------------------------------------------- discounts (P_10)

test('per-line discount: P_10 written, P_11 = quantity × price − discount; a value that ignores the discount is FA_LINE_ARITHMETIC on its row', async () => {
  const m = mapping({}, { discount: { column: 'Rabat', decimal: 'comma' }, netAmount: { column: 'Netto', decimal: 'comma' } });
  const inv = await mapOne(m, rows(row({ Ilosc: '3', Cena: '100,00', Rabat: '15,50', Netto: '284,50' }), row({ Towar: 'Herbata', Rabat: '', Netto: '21,00' })));
  const f = (await fa(inv)).Fa;
  assert.equal(f.FaWiersz[0].P_9A, '100');
  assert.equal(f.FaWiersz[0].P_10, '15.5');
  assert.equal(f.FaWiersz[0].P_11, '284.50');
  assert.equal(f.FaWiersz[1].P_10, undefined);
  assert.equal(f.P_13_1, '305.50');
  assert.equal(f.P_14_1, '70.27'); // 70.265 half away from zero

  const wrong = await mapOne(m, rows(row({}), row({ Ilosc: '3', Cena: '100,00', Rabat: '15,50', Netto: '300,00' })));
  const e = only(errorsOf(wrong), 'FA_LINE_ARITHMETIC');
  assert.equal(e.where.field, 'lines[2].netAmount');
  assert.equal(e.where.row, 2);
  assert.match(e.message, /^line 2: net value 300\.00 is not quantity × unit net price − discount: 3 × 100\.00 − 15\.50 = 284\.50 \(difference \+15\.50\)$/);
});

// ---------------------------------------------------------------- foreign currency

test('EUR with the exchange rate: KursWaluty on each line, P_14_xW per rate = the rate\'s net in PLN (grosze) × rate; without the rate FA_EXCHANGE_RATE_MISSING', async () => {
  const m = mapping({ currency: { column: 'Waluta' }, exchangeRate: { column: 'Kurs', decimal: 'comma' } });
  const recs = rows(row({ Waluta: 'EUR', Kurs: '4,3127', Ilosc: '3', Cena: '33,33' }), row({ Waluta: 'EUR', Kurs: '4,3127', Towar: 'Książka', Ilosc: '1', Cena: '12,35', VAT: '5' }));
  const f = (await fa(await mapOne(m, recs))).Fa;
  assert.equal(f.KodWaluty, 'EUR');
  assert.equal(f.P_13_1, '99.99');
  assert.equal(f.P_14_1, '23.00'); // 22.9977
  assert.equal(f.P_14_1W, '99.18'); // 99.99 × 4.3127 = 431.23 PLN × 23 % = 99.1829 (P_14_1 × rate would give 99.19)
  assert.equal(f.P_13_3, '12.35');
  assert.equal(f.P_14_3, '0.62'); // 0.6175
  assert.equal(f.P_14_3W, '2.66'); // 12.35 × 4.3127 = 53.26 PLN × 5 % = 2.663
  assert.deepEqual(f.FaWiersz.map((w: Node) => w.KursWaluty), ['4.3127', '4.3127']);
  assert.equal(f.P_15, '135.96');

  const noRate = await mapOne(m, rows(row({ Waluta: 'EUR', Kurs: '' })));
  const e = only(errorsOf(noRate), 'FA_EXCHANGE_RATE_MISSING');
  assert.equal(e.where.field, 'exchangeRate');
  assert.equal(e.message, 'an invoice in EUR with VAT needs the exchange rate to show VAT in PLN');
});

// ---------------------------------------------------------------- 0 EX, 0 WDT, np, oo

const foreignBuyer = { buyer: { taxId: { column: 'NIP' }, name: { column: 'Nabywca' }, address: { country: { column: 'Kraj' }, line1: { column: 'Adres' } } } };

test('0 WDT to an EU buyer: KodUE + NrVatUE from "DE 123456789", P_13_6_2, P_12 "0 WDT"; to a Polish NIP it is FA_RATE_BUYER', async () => {
  const m = mapping(foreignBuyer);
  const inv = await mapOne(m, rows(row({ NIP: 'DE 123456789', Kraj: 'DE', Adres: 'Hauptstr. 1, 10115 Berlin', Nabywca: 'Kunde GmbH', VAT: '0 WDT' })));
  const root = await fa(inv);
  assert.equal(root.Podmiot2.DaneIdentyfikacyjne.KodUE, 'DE');
  assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NrVatUE, '123456789');
  assert.equal(root.Fa.P_13_6_2, '21.00');
  assert.equal(root.Fa.P_13_1, undefined);
  assert.equal(root.Fa.FaWiersz[0].P_12, '0 WDT');
  assert.equal(root.Fa.Adnotacje.P_18, '2');
  assert.equal(root.Fa.P_15, '21.00');

  const pl = await mapOne(m, rows(row({ Kraj: 'PL', Adres: 'ul. Długa 1', VAT: '0 WDT' })));
  const e = only(errorsOf(pl), 'FA_RATE_BUYER');
  assert.equal(e.where.field, 'buyer.id');
  assert.equal(e.where.row, 1);
  assert.equal(e.message, 'line 1 is an intra-EU supply at 0 % (0 WDT), but the buyer has a Polish NIP instead of an EU VAT number');
});

test('0 EX to a non-EU buyer: KodKraju + NrID, P_13_6_3, P_12 "0 EX", no P_14', async () => {
  const inv = await mapOne(mapping(foreignBuyer), rows(row({ NIP: '12-3456789', Kraj: 'US', Adres: '1 Main St, Springfield', Nabywca: 'Buyer Inc.', VAT: '0 EX' })));
  const root = await fa(inv);
  assert.equal(root.Podmiot2.DaneIdentyfikacyjne.KodKraju, 'US');
  assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NrID, '123456789'); // the taxId conversion removes dashes
  assert.equal(root.Fa.P_13_6_3, '21.00');
  assert.equal(root.Fa.P_14_1, undefined);
  assert.equal(root.Fa.FaWiersz[0].P_12, '0 EX');
});

test('np I and np II: P_13_8 and P_13_9; np II (art. 100 services, the buyer settles the VAT) sets P_18 = 1 ("odwrotne obciążenie")', async () => {
  const inv = await mapOne(mapping(foreignBuyer), rows(
    row({ NIP: 'FR12345678901', Kraj: 'FR', Adres: '1 rue de Paris', Nabywca: 'Client SARL', Towar: 'Montaż we Francji', VAT: 'np I' }),
    row({ NIP: 'FR12345678901', Kraj: 'FR', Adres: '1 rue de Paris', Nabywca: 'Client SARL', Towar: 'Doradztwo', Ilosc: '1', Cena: '800', VAT: 'np II' }),
  ));
  const f = (await fa(inv)).Fa;
  assert.equal(f.P_13_8, '21.00');
  assert.equal(f.P_13_9, '800.00');
  assert.deepEqual(f.FaWiersz.map((w: Node) => w.P_12), ['np I', 'np II']);
  assert.equal(f.Adnotacje.P_18, '1');
  assert.equal(f.P_15, '821.00');
  const onlyNpI = await mapOne(mapping(foreignBuyer), rows(row({ NIP: 'FR12345678901', Kraj: 'FR', Adres: '1 rue', Nabywca: 'Client SARL', VAT: 'np I' })));
  assert.equal((await fa(onlyNpI)).Fa.Adnotacje.P_18, '2');
});

test('oo: P_13_10 and P_18 = 1 for a Polish buyer; a consumer buyer is FA_RATE_BUYER naming the line', async () => {
  const m = mapping({ buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } } });
  const f = (await fa(await mapOne(m, rows(row({ Towar: 'Złom', Ilosc: '1200,5', Cena: '1,2', VAT: 'oo' }))))).Fa;
  assert.equal(f.P_13_10, '1440.60');
  assert.equal(f.P_14_1, undefined);
  assert.equal(f.Adnotacje.P_18, '1');
  assert.equal(f.FaWiersz[0].P_12, 'oo');
  const consumer = await mapOne(m, rows(row({ NIP: '' }), row({ NIP: '', Towar: 'Złom', VAT: 'oo' })));
  const e = only(errorsOf(consumer), 'FA_RATE_BUYER');
  assert.equal(e.where.field, 'buyer.id');
  assert.equal(e.where.row, 2);
  assert.equal(e.message, 'line 2 is under domestic reverse charge (oo), but the buyer has no tax id instead of a Polish NIP');
});

// ---------------------------------------------------------------- sales register: rate rows

const registerLine = {
  description: { template: 'Sprzedaż wg rejestru, stawka {Stawka}' },
  netAmount: { column: 'Netto', decimal: 'comma' },
  vatAmount: { column: 'VAT kwota', decimal: 'comma' },
  vatRate: { column: 'Stawka' },
};
const registerMapping = (invoice: Json = {}, line: Json = registerLine) =>
  mappingJson({ invoice: { ...baseInvoice, lineKind: { value: 'rateRows' }, statedTotals: { gross: { column: 'Brutto dok', decimal: 'comma' } }, ...invoice }, line });
const reg = (v: Record<string, string>) => ({ Nr: 'FV/1', Data: '03.11.2026', NIP: '999-999-99-99', Nabywca: 'Firma', 'Brutto dok': '1851,14', ...v });

test('rate rows: one FaWiersz per row (P_7, P_11, P_12, no quantity or price), P_14_x = the rows\' stated VAT, stated totals cross-checked', async () => {
  const inv = await mapOne(registerMapping(), rows(
    reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,01' }), // booked a grosz above 230.00: within 0.01
    reg({ Stawka: '8', Netto: '500,00', 'VAT kwota': '40,00' }),
    reg({ Stawka: 'zw', Netto: '81,13', 'VAT kwota': '0,00' }),
  ));
  assert.equal(inv.lineKind, 'rateRows');
  const f = (await fa(await mapOne(registerMapping({ annotations: { exemptionText: { value: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } } }), rows(
    reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,01' }),
    reg({ Stawka: '8', Netto: '500,00', 'VAT kwota': '40,00' }),
    reg({ Stawka: 'zw', Netto: '81,13', 'VAT kwota': '0,00' }),
  )))).Fa;
  assert.equal(f.FaWiersz.length, 3);
  assert.deepEqual(f.FaWiersz.map((w: Node) => [w.P_7, w.P_11, w.P_12, w.P_8B, w.P_9A]), [
    ['Sprzedaż wg rejestru, stawka 23', '1000.00', '23', undefined, undefined],
    ['Sprzedaż wg rejestru, stawka 8', '500.00', '8', undefined, undefined],
    ['Sprzedaż wg rejestru, stawka zw', '81.13', 'zw', undefined, undefined],
  ]);
  assert.equal(f.P_13_1, '1000.00');
  assert.equal(f.P_14_1, '230.01'); // as booked, not the computed 230.00
  assert.equal(f.P_13_2, '500.00');
  assert.equal(f.P_14_2, '40.00');
  assert.equal(f.P_13_7, '81.13');
  assert.equal(f.P_15, '1851.14');
});

test('rate rows given gross and VAT (no net): net = gross − VAT, P_11A written for gross pricing', async () => {
  const line = { ...registerLine, netAmount: undefined, grossAmount: { column: 'Brutto', decimal: 'comma' } };
  delete (line as Json)['netAmount'];
  const inv = await mapOne(registerMapping({ statedTotals: { gross: { column: 'Brutto dok', decimal: 'comma' } } }, line), rows(
    reg({ 'Brutto dok': '1230,00', Stawka: '23', Brutto: '1230,00', 'VAT kwota': '230,00' }),
  ));
  assert.equal(inv.pricing, 'gross');
  const f = (await fa(inv)).Fa;
  assert.equal(f.FaWiersz[0].P_11A, '1230.00');
  assert.equal(f.P_13_1, '1000.00');
  assert.equal(f.P_14_1, '230.00');
  assert.equal(f.P_15, '1230.00');
});

test('rate rows refused: VAT off by more than 0.01 per row, a taxed row without VAT, a row with a quantity, net + VAT ≠ gross, a wrong stated total', async () => {
  const mismatch = await mapOne(registerMapping(), rows(
    reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '200,00' }),
    reg({ Stawka: '23', Netto: '500,00', 'VAT kwota': '115,00' }),
  ));
  const e1 = only(errorsOf(mismatch), 'FA_RATE_VAT_MISMATCH');
  assert.equal(e1.where.field, 'lines[1].vatAmount');
  assert.equal(e1.where.row, 1);
  assert.equal(e1.message, "rate 23 %: the rows' stated VAT 315.00 (rows 1, 2) is not net 1500.00 × 23 % = 345.00 (difference -30.00, tolerance 0.02)");

  const noVat = await mapOne(registerMapping(), rows(reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,00' }), reg({ Stawka: '8', Netto: '500,00', 'VAT kwota': '' })));
  const e2 = only(errorsOf(noVat), 'FA_RATE_ROW_VAT_MISSING');
  assert.equal(e2.where.field, 'lines[2].vatAmount');
  assert.equal(e2.where.row, 2);
  assert.equal(e2.message, 'rate row 2 (rate 8) has no vatAmount');

  const withQty = await mapOne(registerMapping({}, { ...registerLine, quantity: { column: 'Ilosc' } }), rows(reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,00', Ilosc: '2' })));
  const e3 = only(errorsOf(withQty), 'FA_RATE_ROW_FIELD');
  assert.equal(e3.where.field, 'lines[1].quantity');
  assert.equal(e3.message, 'rate row 1 states quantity; rows of a sales register are sums per VAT rate, without quantities or prices');

  const arith = await mapOne(registerMapping({}, { ...registerLine, grossAmount: { column: 'Brutto', decimal: 'comma' } }), rows(reg({ Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,00', Brutto: '1200,00' })));
  const e4 = only(errorsOf(arith), 'FA_RATE_ROW_ARITHMETIC');
  assert.equal(e4.where.field, 'lines[1].grossAmount');
  assert.equal(e4.message, 'rate row 1: net 1000.00 + VAT 230.00 = 1230.00, not the stated gross 1200.00');

  const total = await mapOne(registerMapping(), rows(reg({ 'Brutto dok': '1240,00', Stawka: '23', Netto: '1000,00', 'VAT kwota': '230,00' })));
  const e5 = only(errorsOf(total), 'FA_TOTAL_MISMATCH');
  assert.equal(e5.where.field, 'statedTotals.gross');
  assert.equal(e5.message, 'stated gross total 1240.00 differs from the computed 1230.00 by +10.00');
});

// ---------------------------------------------------------------- attachment (Zalacznik)

const attachmentRules = {
  attachment: {
    title: { value: 'Odczyty liczników' },
    metaKey: { value: 'Okres rozliczeniowy' },
    metaValue: { column: 'Okres' },
    text: { column: 'Opis' },
    tableTitle: { value: 'Zużycie w okresie' },
    tableColumns: { value: 'Licznik | Odczyt poprzedni | Odczyt bieżący' },
  },
};
const attachmentLine = { attachmentRow: { template: '{Licznik}|{Od}|{Do}' } };

test('FA(3) attachment: heading, a key/value pair, paragraphs from line breaks and a table with one row per line', async () => {
  const inv = await mapOne(mapping(attachmentRules, attachmentLine), rows(
    row({ Okres: '2026-10', Opis: 'Rozliczenie energii.\nOdczyty z dnia 31.10.2026.', Licznik: 'L-001', Od: '1200', Do: '1450' }),
    row({ Towar: 'Opłata stała', Licznik: 'L-002', Od: '88', Do: '97' }),
  ));
  assert.deepEqual(inv.attachment, {
    title: 'Odczyty liczników',
    meta: [{ key: 'Okres rozliczeniowy', value: '2026-10' }],
    paragraphs: ['Rozliczenie energii.', 'Odczyty z dnia 31.10.2026.'],
    table: { title: 'Zużycie w okresie', columns: ['Licznik', 'Odczyt poprzedni', 'Odczyt bieżący'], rows: [['L-001', '1200', '1450'], ['L-002', '88', '97']] },
  });
  const root = await fa(inv);
  const b = root.Zalacznik.BlokDanych;
  assert.equal(b.ZNaglowek, 'Odczyty liczników');
  assert.deepEqual(b.MetaDane, { ZKlucz: 'Okres rozliczeniowy', ZWartosc: '2026-10' });
  assert.deepEqual(b.Tekst.Akapit, ['Rozliczenie energii.', 'Odczyty z dnia 31.10.2026.']);
  assert.equal(b.Tabela.Opis, 'Zużycie w okresie');
  assert.deepEqual(b.Tabela.TNaglowek.Kol.map((k: Node) => [k['@_Typ'], k.NKom]), [['txt', 'Licznik'], ['txt', 'Odczyt poprzedni'], ['txt', 'Odczyt bieżący']]);
  assert.deepEqual(b.Tabela.Wiersz.map((w: Node) => w.WKom), [['L-001', '1200', '1450'], ['L-002', '88', '97']]);
});

test('attachment text only: the XSD\'s required MetaDane is the invoice number', async () => {
  const root = await fa(await mapOne(mapping({ attachment: { text: { value: 'Dokument dodatkowy.' } } }), rows(row({}))));
  assert.deepEqual(root.Zalacznik.BlokDanych.MetaDane, { ZKlucz: 'Numer faktury', ZWartosc: 'FV/1' });
  assert.equal(root.Zalacznik.BlokDanych.Tekst.Akapit, 'Dokument dodatkowy.');
  assert.equal(root.Zalacznik.BlokDanych.Tabela, undefined);
});

test('constants alone (heading, key, column headings) make no attachment: an invoice without text, value or rows has no Zalacznik', async () => {
  const inv = await mapOne(mapping(attachmentRules, attachmentLine), rows(row({ Okres: '', Opis: '', Licznik: '', Od: '', Do: '' })));
  assert.equal(inv.attachment, undefined); // a template whose placeholders are all empty gives no row
  const none = await mapOne(mapping(attachmentRules, { attachmentRow: { column: 'Wiersz' } }), rows(row({ Okres: '', Opis: '', Wiersz: '' })));
  assert.equal(none.attachment, undefined);
  assert.equal((await fa(none)).Zalacznik, undefined);
});

test('attachment refused: a row with the wrong number of cells, rows without headings, 11 paragraphs, a too long cell, FA(2)', async () => {
  const [cells] = await mapAll(compile(mapping(attachmentRules, attachmentLine)), rows(row({ Okres: '2026-10', Opis: '', Licznik: 'L-001', Od: '1200', Do: '1450' }), row({ Licznik: 'L-002|x', Od: '88', Do: '97' })));
  assert.ok(cells && !cells.ok);
  const e1 = cells.errors.find((e) => e.code === 'MAP_ATTACHMENT_TABLE')!;
  assert.equal(e1.where.field, 'lines[2].attachmentRow');
  assert.equal(e1.where.row, 2);
  assert.equal(e1.message, 'line 2: the attachment row has 4 cells but the table has 3 columns (Licznik | Odczyt poprzedni | Odczyt bieżący)');

  const [noKey] = await mapAll(compile(mapping({ attachment: { ...attachmentRules.attachment, metaKey: { column: 'Klucz' } } }, attachmentLine)), rows(row({ Klucz: '', Okres: '2026-10', Opis: '', Licznik: 'L-001', Od: '1', Do: '2' })));
  assert.ok(noKey && !noKey.ok);
  const e0 = noKey.errors.find((e) => e.code === 'MAP_ATTACHMENT_META')!;
  assert.equal(e0.where.field, 'attachment.metaKey');
  assert.equal(e0.where.row, 1);
  assert.equal(e0.where.value, '2026-10');
  assert.equal(e0.message, 'attachment.metaKey is empty but attachment.metaValue has a value');

  const [noHead] = await mapAll(compile(mapping({}, attachmentLine)), rows(row({ Licznik: 'L-001', Od: '1', Do: '2' })));
  assert.ok(noHead && !noHead.ok);
  assert.equal(noHead.errors[0]!.code, 'MAP_ATTACHMENT_TABLE');
  assert.equal(noHead.errors[0]!.message, 'line 1 has an attachment row but the invoice has no attachment.tableColumns');

  const long = await mapOne(mapping({ attachment: { text: { column: 'Opis' } } }), rows(row({ Opis: Array.from({ length: 11 }, (_, i) => `Akapit ${i + 1}`).join('\n') })));
  const e3 = only(errorsOf(long), 'FA_ATTACHMENT_LIMIT');
  assert.equal(e3.where.field, 'attachment.paragraphs');
  assert.equal(e3.message, 'the attachment text has 11 paragraphs; FA(3) takes at most 10');

  const wide = await mapOne(mapping(attachmentRules, attachmentLine), rows(row({ Okres: '2026-10', Opis: '', Licznik: 'x'.repeat(257), Od: '1', Do: '2' })));
  const e4 = only(errorsOf(wide), 'FA_ATTACHMENT_LIMIT');
  assert.equal(e4.where.field, 'attachment.table.rows[0][0]');
  assert.equal(e4.message, 'cell 1 of table row 1 has 257 characters; FA(3) takes at most 256');

  const fa2 = await mapOne(mapping({ attachment: { text: { value: 'x' } } }), rows(row({})));
  const e5 = only(errorsOf(fa2, 'FA(2)'), 'FA_ATTACHMENT_UNSUPPORTED');
  assert.equal(e5.where.field, 'attachment');
  assert.throws(() => buildFaXml(fa2, 'FA(2)', COMPANY), { code: 'FA_ATTACHMENT_UNSUPPORTED' });
});

test('the difference report of two versions of an invoice names third-party, JST and attachment fields in words', async () => {
  const { diffFa } = await import('../../src/invoice/fa-diff.ts');
  const { role: _r, ...plain } = jstRules.thirdParties.recipient;
  const a = await mapOne(mapping({ thirdParties: { recipient: plain }, attachment: { text: { value: 'Stary opis' } } }), rows(jstRow()));
  const b = await mapOne(mapping({ thirdParties: { recipient: jstRules.thirdParties.recipient }, attachment: { text: { value: 'Nowy opis' } } }), rows(jstRow()));
  const d = diffFa(buildFaXml(a, 'FA(3)', COMPANY, { now: NOW }).xml, buildFaXml(b, 'FA(3)', COMPANY, { now: NOW }).xml);
  assert.deepEqual(d.map((x) => [x.label, x.before, x.after]), [
    ['buyer local-government unit flag (JST)', '2', '1'],
    ['third party role (Rola)', '2', '8'],
    ['attachment paragraph (Akapit)', 'Stary opis', 'Nowy opis'],
  ]);
});
