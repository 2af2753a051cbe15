import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaSchema, Invoice } from '../../src/core/invoice.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { COMPANY, NOW, invoice, parseFa, type Node } from './helpers.ts';

const KSEF_NO = '5265877635-20260115-010000-1AF629-AF';

interface Case {
  readonly name: string;
  readonly invoice: Invoice;
  readonly expect: (fa: Node, schema: FaSchema, root: Node) => void;
}

const cases: Case[] = [
  {
    name: 'net-priced, several rates, PLN, VAT per rate half away from zero',
    invoice: invoice({
      lines: [
        { description: 'Papier A4', unit: 'szt.', quantity: '3', unitNetPrice: '33.33', vatRate: '23' },
        { description: 'Toner', unit: 'szt.', quantity: '1', unitNetPrice: '110.00', discount: '10.00', vatRate: '23' },
        { description: 'Książka', unit: 'szt.', quantity: '2', unitNetPrice: '12.50', vatRate: '8' },
        { description: 'Gazeta', quantity: '1', unitNetPrice: '0.50', vatRate: '5' },
      ],
      statedTotals: { net: '225.49', vat: '48.03', gross: '273.52' },
    }),
    expect: (fa) => {
      assert.equal(fa.P_13_1, '199.99'); // 99.99 + (110.00 − 10.00)
      assert.equal(fa.P_14_1, '46.00'); // 45.9977
      assert.equal(fa.P_13_2, '25.00');
      assert.equal(fa.P_14_2, '2.00');
      assert.equal(fa.P_13_3, '0.50');
      assert.equal(fa.P_14_3, '0.03'); // 0.025 rounds away from zero
      assert.equal(fa.P_15, '273.52');
      assert.equal(fa.FaWiersz.length, 4);
      assert.equal(fa.FaWiersz[1].P_10, '10');
      assert.equal(fa.FaWiersz[1].P_11, '100.00');
      assert.equal(fa.FaWiersz[0].P_9A, '33.33');
      assert.equal(fa.Adnotacje.Zwolnienie.P_19N, '1');
      assert.equal(fa.Adnotacje.P_18, '2');
      assert.equal(fa.Platnosc.RachunekBankowy[0].NrRB, COMPANY.bankAccount); // company default account
    },
  },
  {
    name: 'gross-priced consumer (BrakID), VAT extracted from gross per rate',
    invoice: invoice({
      pricing: 'gross',
      buyer: { id: { type: 'none' }, name: 'Jan Kowalski' },
      lines: [
        { description: 'Kurtka', quantity: '1', unitGrossPrice: '123.00', vatRate: '23' },
        { description: 'Pasek', quantity: '1', unitGrossPrice: '10.00', vatRate: '23' },
        { description: 'Mapa', quantity: '2', unitGrossPrice: '10.80', vatRate: '8' },
      ],
      payment: { paid: true, paidDate: '2026-03-01', method: '2' },
    }),
    expect: (fa, _s, root) => {
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.BrakID, '1');
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.Nazwa, 'Jan Kowalski');
      assert.equal(fa.P_13_1, '108.13'); // 133.00 − 24.87
      assert.equal(fa.P_14_1, '24.87'); // 133 × 23/123 = 24.8699…
      assert.equal(fa.P_13_2, '20.00');
      assert.equal(fa.P_14_2, '1.60');
      assert.equal(fa.P_15, '154.60');
      assert.equal(fa.FaWiersz[2].P_9B, '10.8');
      assert.equal(fa.FaWiersz[2].P_11A, '21.60');
      assert.equal(fa.FaWiersz[2].P_11, undefined);
      assert.equal(fa.Platnosc.Zaplacono, '1');
      assert.equal(fa.Platnosc.DataZaplaty, '2026-03-01');
      assert.equal(fa.Platnosc.RachunekBankowy, undefined); // paid by card: no account
    },
  },
  {
    name: 'EU buyer in EUR with exchange rate, 0 WDT and a 23% line (P_14_1W in PLN)',
    invoice: invoice({
      currency: 'EUR',
      exchangeRate: '4.2575',
      buyer: { id: { type: 'eu-vat', country: 'DE', number: 'DE 123456789' }, name: 'Kunde GmbH', address: { country: 'DE', line1: 'Hauptstr. 1, 10115 Berlin' } },
      lines: [
        { description: 'Maszyna', quantity: '1', unitNetPrice: '1000.00', vatRate: '0 WDT' },
        { description: 'Montaż w Polsce', quantity: '1', unitNetPrice: '100.00', vatRate: '23' },
      ],
    }),
    expect: (fa, schema, root) => {
      assert.equal(fa.KodWaluty, 'EUR');
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.KodUE, 'DE');
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NrVatUE, '123456789');
      assert.equal(fa.P_13_6_2, '1000.00');
      assert.equal(fa.P_13_1, '100.00');
      assert.equal(fa.P_14_1, '23.00');
      assert.equal(fa.P_14_1W, '97.92'); // 425.75 PLN × 23 %
      assert.equal(fa.P_15, '1123.00');
      assert.equal(fa.FaWiersz[0].P_12, schema === 'FA(3)' ? '0 WDT' : '0');
      assert.equal(fa.FaWiersz[0].KursWaluty, '4.2575');
    },
  },
  {
    name: 'export 0 EX to a non-EU buyer (KodKraju + NrID)',
    invoice: invoice({
      currency: 'USD',
      exchangeRate: '3.95',
      buyer: { id: { type: 'foreign', country: 'US', id: '12-3456789' }, name: 'Buyer Inc.', address: { country: 'US', line1: '1 Main St, Springfield' } },
      lines: [{ description: 'Meble', quantity: '4', unitNetPrice: '250.125', vatRate: '0 EX' }],
    }),
    expect: (fa, schema, root) => {
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.KodKraju, 'US');
      assert.equal(root.Podmiot2.DaneIdentyfikacyjne.NrID, schema === 'FA(3)' ? '12-3456789' : '123456789'); // FA(2): letters and digits only
      assert.equal(fa.P_13_6_3, '1000.50');
      assert.equal(fa.P_14_1, undefined);
      assert.equal(fa.P_15, '1000.50');
      assert.equal(fa.FaWiersz[0].P_12, schema === 'FA(3)' ? '0 EX' : '0');
    },
  },
  {
    name: 'zw with the exemption basis (P_19 + P_19A)',
    invoice: invoice({
      lines: [
        { description: 'Szkolenie', quantity: '1', unitNetPrice: '300.00', vatRate: 'zw' },
        { description: 'Materiały', quantity: '1', unitNetPrice: '2000.00', vatRate: '23' },
      ],
      annotations: { exemption: { basis: 'law', text: 'art. 43 ust. 1 pkt 29 ustawy o VAT' } },
    }),
    expect: (fa) => {
      assert.equal(fa.P_13_7, '300.00');
      assert.equal(fa.P_13_1, '2000.00');
      assert.equal(fa.P_14_1, '460.00');
      assert.equal(fa.P_15, '2760.00');
      assert.equal(fa.Adnotacje.Zwolnienie.P_19, '1');
      assert.equal(fa.Adnotacje.Zwolnienie.P_19A, 'art. 43 ust. 1 pkt 29 ustawy o VAT');
      assert.equal(fa.Adnotacje.Zwolnienie.P_19N, undefined);
    },
  },
  {
    name: 'np: outside the country (np I) and art. 100 services (np II)',
    invoice: invoice({
      buyer: { id: { type: 'eu-vat', country: 'FR', number: '12345678901' }, name: 'Client SARL' },
      lines: [
        { description: 'Dostawa z montażem we Francji', quantity: '1', unitNetPrice: '500.00', vatRate: 'np I' },
        { description: 'Usługa doradcza', quantity: '1', unitNetPrice: '800.00', vatRate: 'np II' },
      ],
    }),
    expect: (fa, schema) => {
      assert.equal(fa.P_13_8, '500.00');
      assert.equal(fa.P_13_9, '800.00');
      assert.equal(fa.P_15, '1300.00');
      assert.deepEqual(fa.FaWiersz.map((w: Node) => w.P_12), schema === 'FA(3)' ? ['np I', 'np II'] : ['np', 'np']);
    },
  },
  {
    name: 'oo reverse charge sets P_18',
    invoice: invoice({
      lines: [{ description: 'Złom stalowy', unit: 'kg', quantity: '1200.5', unitNetPrice: '1.2', vatRate: 'oo', gtu: 'GTU_12' }],
    }),
    expect: (fa) => {
      assert.equal(fa.P_13_10, '1440.60');
      assert.equal(fa.P_15, '1440.60');
      assert.equal(fa.Adnotacje.P_18, '1');
      assert.equal(fa.FaWiersz[0].P_12, 'oo');
      assert.equal(fa.FaWiersz[0].GTU, 'GTU_12');
      assert.equal(fa.FaWiersz[0].P_8B, '1200.5');
    },
  },
  {
    name: 'split payment with due date, transfer and account',
    invoice: invoice({
      lines: [{ description: 'Stal zbrojeniowa', quantity: '10', unitNetPrice: '2000.00', vatRate: '23' }],
      annotations: { splitPayment: true },
      payment: { dueDate: '2026-03-16', method: '6', bankAccount: 'PL61 1090 1014 0000 0712 1981 2874', bankName: 'Bank' },
      notes: [{ key: 'Uwagi', value: 'Mechanizm podzielonej płatności' }],
      orderNumber: 'ZAM/7/2026',
      footer: 'KRS 0000012345',
    }),
    expect: (fa, _s, root) => {
      assert.equal(fa.Adnotacje.P_18A, '1');
      assert.equal(fa.P_13_1, '20000.00');
      assert.equal(fa.P_14_1, '4600.00');
      assert.equal(fa.P_15, '24600.00');
      assert.equal(fa.Platnosc.TerminPlatnosci.Termin, '2026-03-16');
      assert.equal(fa.Platnosc.FormaPlatnosci, '6');
      assert.equal(fa.Platnosc.RachunekBankowy[0].NrRB, 'PL61109010140000071219812874');
      assert.equal(fa.Platnosc.RachunekBankowy[0].NazwaBanku, 'Bank');
      assert.equal(fa.DodatkowyOpis[0].Klucz, 'Uwagi');
      assert.equal(fa.WarunkiTransakcji.Zamowienia.NrZamowienia, 'ZAM/7/2026');
      assert.equal(root.Stopka.Informacje.StopkaFaktury, 'KRS 0000012345');
    },
  },
  {
    name: 'KOR with the original KSeF number, before/after lines (StanPrzed)',
    invoice: invoice({
      kind: 'KOR',
      number: 'KOR/1/03/2026',
      lines: [
        { description: 'Towar', quantity: '10', unitNetPrice: '100.00', vatRate: '23', beforeCorrection: true },
        { description: 'Towar', quantity: '8', unitNetPrice: '100.00', vatRate: '23' },
      ],
      correction: { reason: 'Zwrot 2 szt.', effect: '2', corrected: [{ number: 'FV/9/01/2026', issueDate: '2026-01-15', ksefNumber: KSEF_NO }] },
    }),
    expect: (fa) => {
      assert.equal(fa.RodzajFaktury, 'KOR');
      assert.equal(fa.PrzyczynaKorekty, 'Zwrot 2 szt.');
      assert.equal(fa.TypKorekty, '2');
      const d = fa.DaneFaKorygowanej[0];
      assert.equal(d.DataWystFaKorygowanej, '2026-01-15');
      assert.equal(d.NrFaKorygowanej, 'FV/9/01/2026');
      assert.equal(d.NrKSeF, '1');
      assert.equal(d.NrKSeFFaKorygowanej, KSEF_NO);
      assert.equal(d.NrKSeFN, undefined);
      assert.equal(fa.FaWiersz[0].StanPrzed, '1');
      assert.equal(fa.FaWiersz[1].StanPrzed, undefined);
      assert.equal(fa.P_13_1, '-200.00');
      assert.equal(fa.P_14_1, '-46.00');
      assert.equal(fa.P_15, '-246.00');
    },
  },
  {
    name: 'KOR of an invoice issued outside KSeF (NrKSeFN), difference line',
    invoice: invoice({
      kind: 'KOR',
      number: 'KOR/2/03/2026',
      lines: [{ description: 'Rabat potransakcyjny', quantity: '-1', unitNetPrice: '50.00', vatRate: '8' }],
      correction: { reason: 'Rabat', corrected: [{ number: 'FV/3/2025', issueDate: '2025-12-20' }] },
    }),
    expect: (fa) => {
      const d = fa.DaneFaKorygowanej[0];
      assert.equal(d.NrKSeFN, '1');
      assert.equal(d.NrKSeF, undefined);
      assert.equal(fa.P_13_2, '-50.00');
      assert.equal(fa.P_14_2, '-4.00');
      assert.equal(fa.P_15, '-54.00');
    },
  },
  {
    name: 'ZAL: advance split over the order rates, order lines in Zamowienie',
    invoice: invoice({
      kind: 'ZAL',
      number: 'ZAL/1/03/2026',
      lines: [
        { description: 'Meble biurowe', quantity: '1', unitNetPrice: '1000.00', vatRate: '23' },
        { description: 'Książki', quantity: '1', unitNetPrice: '500.00', vatRate: '8' },
      ],
      advance: { amountReceived: '885.00' },
      statedTotals: { gross: '885.00' },
    }),
    expect: (fa) => {
      assert.equal(fa.RodzajFaktury, 'ZAL');
      assert.equal(fa.P_13_1, '500.00'); // 615.00 gross share
      assert.equal(fa.P_14_1, '115.00');
      assert.equal(fa.P_13_2, '250.00'); // 270.00 gross share
      assert.equal(fa.P_14_2, '20.00');
      assert.equal(fa.P_15, '885.00');
      assert.equal(fa.FaWiersz, undefined);
      assert.equal(fa.Zamowienie.WartoscZamowienia, '1770.00');
      assert.equal(fa.Zamowienie.ZamowienieWiersz.length, 2);
      assert.equal(fa.Zamowienie.ZamowienieWiersz[0].P_11NettoZ, '1000.00');
      assert.equal(fa.Zamowienie.ZamowienieWiersz[0].P_11VatZ, '230.00');
      assert.equal(fa.Zamowienie.ZamowienieWiersz[1].P_12Z, '8');
    },
  },
];

for (const schema of ['FA(3)', 'FA(2)'] as const) {
  for (const c of cases) {
    test(`${schema}: ${c.name}`, async () => {
      const out = buildFaXml(c.invoice, schema, COMPANY, { now: NOW });
      assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
      assert.equal(out.schema, schema);
      assert.equal(out.invoiceNumber, c.invoice.number);
      assert.equal(out.sellerNip, COMPANY.nip);
      assert.deepEqual(out.provenance, c.invoice.provenance);
      assert.ok(out.xml.subarray(0, 5).equals(Buffer.from('<?xml')), 'XML declaration first, no BOM');
      const root = parseFa(out.xml);
      assert.equal(root.Naglowek.KodFormularza['@_kodSystemowy'], schema === 'FA(3)' ? 'FA (3)' : 'FA (2)');
      assert.equal(root.Naglowek.DataWytworzeniaFa, '2026-03-02T10:15:00Z');
      assert.equal(root.Podmiot1.DaneIdentyfikacyjne.NIP, COMPANY.nip);
      assert.equal(root.Podmiot2.JST, schema === 'FA(3)' ? '2' : undefined);
      assert.equal(root.Podmiot2.GV, schema === 'FA(3)' ? '2' : undefined);
      assert.equal(root.Fa.P_2, c.invoice.number);
      assert.equal(root.Fa.P_1, c.invoice.issueDate);
      c.expect(root.Fa, schema, root);
    });
  }
}

test('the seller given by the invoice wins over the company profile', () => {
  const inv = invoice({
    seller: { id: { type: 'nip', nip: '774-000-14-54' }, name: 'Oddział Sprzedawcy' },
    lines: [{ description: 'x', netAmount: '1.00', vatRate: '23' }],
  });
  const root = parseFa(buildFaXml(inv, 'FA(3)', COMPANY, { now: NOW }).xml);
  assert.equal(root.Podmiot1.DaneIdentyfikacyjne.NIP, '7740001454');
  assert.equal(root.Podmiot1.DaneIdentyfikacyjne.Nazwa, 'Oddział Sprzedawcy');
  assert.equal(root.Podmiot1.Adres.AdresL1, COMPANY.address.line1); // address falls back to the company
});

test('writer refuses zw lines without an exemption basis and a KOR without corrected invoice', () => {
  const zw = invoice({ lines: [{ description: 'x', netAmount: '1.00', vatRate: 'zw' }] });
  assert.throws(() => buildFaXml(zw, 'FA(3)', COMPANY), { code: 'FA_EXEMPTION_MISSING' });
  const kor = invoice({ kind: 'KOR', lines: [{ description: 'x', netAmount: '-1.00', vatRate: '23' }] });
  assert.throws(() => buildFaXml(kor, 'FA(2)', COMPANY), { code: 'FA_CORRECTION_MISSING' });
  const noAmount = invoice({ lines: [{ description: 'x', vatRate: '23' }] });
  assert.throws(() => buildFaXml(noAmount, 'FA(3)', COMPANY), (e: any) => e.code === 'FA_LINE_AMOUNT_MISSING' && e.where.field === 'lines[1].netAmount');
});
