/** Mappings as data: (mapping, records) → expected canonical invoices, one case per rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from '../../src/core/records.ts';
import { bare, compile, mapAll, mappingJson, row, rows } from './mapping-helpers.ts';

interface Case {
  readonly name: string;
  readonly mapping: Record<string, unknown>;
  readonly records: readonly SourceRecord[];
  readonly expected: readonly Record<string, unknown>[];
}

const kawa = { description: 'Kawa', quantity: '2', unitNetPrice: '10.5', vatRate: '23' };
const firma = { id: { type: 'nip', nip: '9999999999' }, name: 'Firma' };
const base = { kind: 'VAT', number: 'FV/1', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'net' };

const cases: Case[] = [
  {
    name: 'per key: adjacent rows with the same key form one invoice; NIP dashes removed; decimal comma; date pattern',
    mapping: mappingJson(),
    records: rows(row({}), row({ Towar: 'Herbata', Ilosc: '1 234,5', Cena: '0,99', VAT: '8%' }), row({ Nr: 'FV/2', NIP: 'PL 999 999 99 99' })),
    expected: [
      { ...base, lines: [kawa, { description: 'Herbata', quantity: '1234.5', unitNetPrice: '0.99', vatRate: '8' }] },
      { ...base, number: 'FV/2', lines: [kawa] },
    ],
  },
  {
    name: 'per file: the whole file is one invoice, invoice fields from the first row',
    mapping: mappingJson({ invoices: { per: 'file' } }),
    records: rows(row({}), row({ Nr: 'ignored', Towar: 'Herbata' })),
    expected: [{ ...base, lines: [kawa, { ...kawa, description: 'Herbata' }] }],
  },
  {
    name: 'constant, default, template, lookup (error, default, pass), case, removeChars, trim',
    mapping: mappingJson({
      invoice: {
        number: { template: '{Seria}/{Nr}', case: 'upper' },
        issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
        currency: { column: 'Waluta', default: 'PLN' },
        issuePlace: { value: 'Kraków' },
        orderNumber: { column: 'Zam', removeChars: '#- ' },
        footer: { column: 'Stopka', trim: false },
        buyer: {
          taxId: { column: 'NIP', nip: true },
          name: { column: 'Nabywca' },
          address: { line1: { template: '{Ulica} {Nr domu}' }, line2: { template: '{Kod} {Miasto}' } },
        },
        payment: { method: { column: 'Platnosc', lookup: 'pay' } },
      },
      line: {
        description: { column: 'Towar' },
        unit: { column: 'JM', lookup: 'units' },
        quantity: { column: 'Ilosc', decimal: 'comma' },
        unitNetPrice: { column: 'Cena', decimal: 'comma' },
        vatRate: { column: 'VAT', lookup: 'vat' },
      },
      invoices: { per: 'key', key: 'Nr' },
      lookups: {
        pay: { values: { przelew: '6' }, unmatched: 'default', default: '1' },
        units: { values: { SZT: 'szt.' }, unmatched: 'pass' },
        vat: { values: { A: '23', B: '8' }, unmatched: 'error' },
      },
    }),
    records: rows(
      row({ Seria: 'fv', Nr: '1', Waluta: '', Zam: '#12-34', Stopka: '  Dziękujemy  ', Ulica: 'ul. Długa', 'Nr domu': '5', Kod: '00-001', Miasto: 'Warszawa', Platnosc: 'Przelew', JM: 'szt', VAT: 'a' }),
      row({ Seria: 'fv', Nr: '1', JM: 'kg', VAT: 'B' }),
    ),
    expected: [
      {
        ...base,
        number: 'FV/1',
        issuePlace: 'Kraków',
        buyer: { ...firma, address: { country: 'PL', line1: 'ul. Długa 5', line2: '00-001 Warszawa' } },
        payment: { method: '6' },
        orderNumber: '1234',
        footer: '  Dziękujemy  ',
        lines: [{ ...kawa, unit: 'szt.' }, { ...kawa, unit: 'kg', vatRate: '8' }],
      },
    ],
  },
  {
    name: 'per record with nested lines (XML-like: attributes, #text, paths, [n])',
    mapping: {
      name: 'xml',
      input: { format: 'xml', xml: { recordPath: '/Export/Invoice', arrays: ['Line'] } },
      invoices: { per: 'record', lines: 'Lines/Line' },
      invoice: {
        number: { path: '@number' },
        issueDate: { path: 'Dates/@issue' },
        buyer: { taxId: { path: 'Buyer/TaxId' }, idCountry: { path: 'Buyer/TaxId/@country' }, name: { path: 'Buyer/Name' } },
        notes: { 'Pierwsza uwaga': { path: 'Notes/Note[1]' }, Druga: { path: 'Notes/Note[2]' }, Brak: { path: 'Notes/Note[3]' } },
      },
      line: { description: { path: 'Name' }, quantity: { path: '@qty' }, unitGrossPrice: { path: 'Price', decimal: 'dot' }, vatRate: { path: '@vat' } },
    },
    records: [
      {
        values: {
          '@number': 'A/1',
          Dates: { '@issue': '2026-11-18' },
          Buyer: { TaxId: { '@country': 'DE', '#text': '123456789' }, Name: 'GmbH' },
          Notes: { Note: ['uwaga 1', 'uwaga 2'] },
          Lines: { Line: [{ '@qty': '2', '@vat': '23', Name: 'Młynek', Price: '1,234.50' }, { '@qty': '1', '@vat': 'zw', Name: 'Usługa', Price: '10' }] },
        },
        where: { file: 'e.xml', path: '/Export/Invoice[1]', line: 3 },
      },
    ],
    expected: [
      {
        kind: 'VAT', number: 'A/1', issueDate: '2026-11-18', currency: 'PLN', pricing: 'gross',
        buyer: { id: { type: 'eu-vat', country: 'DE', number: '123456789' }, name: 'GmbH' },
        notes: [{ key: 'Pierwsza uwaga', value: 'uwaga 1' }, { key: 'Druga', value: 'uwaga 2' }],
        lines: [
          { description: 'Młynek', quantity: '2', unitGrossPrice: '1234.5', vatRate: '23' },
          { description: 'Usługa', quantity: '1', unitGrossPrice: '10', vatRate: 'zw' },
        ],
      },
    ],
  },
  {
    name: 'master-detail: H header, L lines, S summary read with from; implied decimals; negate; yyyyMMdd',
    mapping: {
      name: 'fixed',
      input: {
        format: 'fixed',
        encoding: 'cp852',
        fixed: {
          discriminator: { start: 1, length: 1 },
          layouts: [
            { type: 'H', fields: [{ name: 'nr', start: 2, length: 10 }, { name: 'data', start: 12, length: 8 }, { name: 'nip', start: 20, length: 10 }, { name: 'nazwa', start: 30, length: 20 }] },
            { type: 'L', fields: [{ name: 'towar', start: 2, length: 20 }, { name: 'ilosc', start: 22, length: 8 }, { name: 'netto', start: 30, length: 10 }, { name: 'st', start: 40, length: 1 }] },
            { type: 'S', fields: [{ name: 'netto', start: 2, length: 12 }, { name: 'brutto', start: 14, length: 12 }] },
          ],
        },
      },
      invoices: { per: 'header', header: 'H', line: 'L', other: ['S'] },
      invoice: {
        number: { column: 'nr' },
        issueDate: { column: 'data', date: 'yyyyMMdd' },
        buyer: { taxId: { column: 'nip' }, name: { column: 'nazwa' } },
        statedTotals: { net: { column: 'netto', from: 'S', impliedDecimals: 2, negate: true }, gross: { column: 'brutto', from: 'S', impliedDecimals: 2 } },
      },
      line: {
        description: { column: 'towar' },
        quantity: { column: 'ilosc', impliedDecimals: 3 },
        netAmount: { column: 'netto', impliedDecimals: 2 },
        vatRate: { column: 'st', lookup: 'vat' },
      },
      lookups: { vat: { values: { A: '23', Z: 'zw' }, unmatched: 'error' } },
    },
    records: [
      { recordType: 'H', values: { nr: 'F1', data: '20261110', nip: '9999999999', nazwa: 'Żuraw' }, where: { file: 'F.TXT', line: 1 } },
      { recordType: 'L', values: { towar: 'Drzwi', ilosc: '00004000', netto: '0000499600', st: 'A' }, where: { file: 'F.TXT', line: 2 } },
      { recordType: 'L', values: { towar: 'Montaż', ilosc: '00000500', netto: '0000001050', st: 'Z' }, where: { file: 'F.TXT', line: 3 } },
      { recordType: 'S', values: { netto: '000000500650', brutto: '000000615558' }, where: { file: 'F.TXT', line: 4 } },
      { recordType: 'H', values: { nr: 'F2', data: '20261111', nip: '9999999999', nazwa: 'Ćma' }, where: { file: 'F.TXT', line: 5 } },
      { recordType: 'L', values: { towar: 'Listwa', ilosc: '00001000', netto: '0000001875', st: 'A' }, where: { file: 'F.TXT', line: 6 } },
    ],
    expected: [
      {
        kind: 'VAT', number: 'F1', issueDate: '2026-11-10', currency: 'PLN', pricing: 'net',
        buyer: { id: { type: 'nip', nip: '9999999999' }, name: 'Żuraw' },
        statedTotals: { net: '-5006.5', gross: '6155.58' },
        lines: [{ description: 'Drzwi', quantity: '4', netAmount: '4996', vatRate: '23' }, { description: 'Montaż', quantity: '0.5', netAmount: '10.5', vatRate: 'zw' }],
      },
      {
        kind: 'VAT', number: 'F2', issueDate: '2026-11-11', currency: 'PLN', pricing: 'net',
        buyer: { id: { type: 'nip', nip: '9999999999' }, name: 'Ćma' },
        lines: [{ description: 'Listwa', quantity: '1', netAmount: '18.75', vatRate: '23' }],
      },
    ],
  },
  {
    name: 'conditions: pricing by which field is present, first alternatives, all/any/not/in/matches, skip',
    mapping: mappingJson({
      invoices: { per: 'key', key: 'Nr', skip: { column: 'Towar', matches: '^(Suma|Razem)' } },
      invoice: {
        number: { column: 'Nr' },
        issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
        pricing: { first: [{ when: { column: 'Netto', present: true }, value: 'net' }, { value: 'gross' }] },
        buyer: { taxId: { column: 'NIP', nip: true }, name: { first: [{ column: 'Firma' }, { template: '{Imie} {Nazwisko}' }] } },
        annotations: {
          splitPayment: { when: { all: [{ column: 'MPP', in: ['T', 'tak'] }, { not: { column: 'Netto', equals: '0' } }] }, value: 'true' },
          cashAccounting: { when: { any: [{ column: 'Kasowa', present: true }, { column: 'Typ', notEquals: 'X' }] }, value: 'true' },
        },
      },
      line: {
        description: { column: 'Towar' },
        unitNetPrice: { column: 'Netto', decimal: 'comma' },
        unitGrossPrice: { column: 'Brutto', decimal: 'comma', when: { column: 'Netto', present: false } },
        vatRate: { column: 'VAT' },
      },
    }),
    records: rows(
      { Nr: '1', Data: '01.11.2026', NIP: '', Firma: '', Imie: 'Anna', Nazwisko: 'Nowak', Netto: '', Brutto: '12,30', VAT: '23', MPP: 'T', Typ: 'X', Kasowa: '' , Towar: 'A' },
      { Nr: '1', Data: '01.11.2026', NIP: '', Firma: '', Imie: '', Nazwisko: '', Netto: '', Brutto: '0,00', VAT: '23', MPP: '', Typ: '', Kasowa: '', Towar: 'Suma' },
      { Nr: '2', Data: '01.11.2026', NIP: '9999999999', Firma: 'Firma', Imie: '', Nazwisko: '', Netto: '100,00', Brutto: '123,00', VAT: '23', MPP: 'tak', Typ: 'Y', Kasowa: '', Towar: 'B' },
    ),
    expected: [
      {
        kind: 'VAT', number: '1', issueDate: '2026-11-01', currency: 'PLN', pricing: 'gross',
        buyer: { id: { type: 'none' }, name: 'Anna Nowak' },
        annotations: { splitPayment: true },
        lines: [{ description: 'A', unitGrossPrice: '12.3', vatRate: '23' }],
      },
      {
        kind: 'VAT', number: '2', issueDate: '2026-11-01', currency: 'PLN', pricing: 'net',
        buyer: firma,
        annotations: { splitPayment: true, cashAccounting: true },
        lines: [{ description: 'B', unitNetPrice: '100', vatRate: '23' }],
      },
    ],
  },
  {
    name: 'JSONata: expressions over the record, $lines, $today, $decimalSum; number results without binary noise',
    mapping: mappingJson({
      invoice: {
        number: { expr: "'FV/' & Nr" },
        issueDate: { expr: '$today' },
        buyer: { taxId: { column: 'NIP', nip: true }, name: { expr: '$uppercase(Nabywca)' } },
        statedTotals: { net: { expr: '$decimalSum($lines.Wartosc)' }, gross: { expr: '$sum($lines.$number(Wartosc)) * 1.23' } },
      },
      line: {
        description: { column: 'Towar' },
        netAmount: { column: 'Wartosc', decimal: 'dot' },
        quantity: { expr: '0.1 + 0.2' },
        vatRate: { value: '23' },
      },
    }),
    records: rows(row({ Nr: '7', Wartosc: '0.10' }), row({ Nr: '7', Wartosc: '0.20' })),
    expected: [
      {
        kind: 'VAT', number: 'FV/7', issueDate: '2026-11-21', currency: 'PLN', pricing: 'net',
        buyer: { ...firma, name: 'FIRMA' },
        statedTotals: { net: '0.3', gross: '0.369' },
        lines: [{ description: 'Kawa', quantity: '0.3', netAmount: '0.1', vatRate: '23' }, { description: 'Kawa', quantity: '0.3', netAmount: '0.2', vatRate: '23' }],
      },
    ],
  },
  {
    name: 'dates: Excel serial numbers and ISO timestamps (converted to the Warsaw date)',
    mapping: mappingJson({
      invoice: {
        number: { column: 'Nr' },
        issueDate: { column: 'Serial', date: 'excel' },
        saleDate: { column: 'Stamp', date: 'iso' },
        payment: { dueDate: { column: 'Termin', date: 'd/M/yy' }, paidDate: { column: 'Stamp2' } },
        buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } },
      },
    }),
    records: rows(row({ Serial: '46345', Stamp: '2026-11-19T23:30:00Z', Termin: '3/12/26', Stamp2: '2026-11-19T14:22:31+01:00' })),
    expected: [{ ...base, issueDate: '2026-11-19', saleDate: '2026-11-20', payment: { dueDate: '2026-12-03', paidDate: '2026-11-19' }, lines: [kawa] }],
  },
  {
    name: 'buyers: EU VAT, foreign id with country, forced id type, consumer without id',
    mapping: mappingJson({
      invoices: { per: 'record' },
      invoice: {
        number: { column: 'Nr' },
        issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
        buyer: { taxId: { column: 'NIP' }, idType: { column: 'Typ' }, name: { column: 'Nabywca' }, address: { country: { column: 'Kraj' }, line1: { column: 'Adres' } } },
      },
    }),
    records: rows(
      row({ Nr: '1', NIP: 'DE 136-695-976', Typ: '', Kraj: 'DE', Adres: 'Berlin' }),
      row({ Nr: '2', NIP: '12-3456789', Typ: '', Kraj: 'us', Adres: 'NY' }),
      row({ Nr: '3', NIP: 'ATU12345678', Typ: 'foreign', Kraj: 'CH', Adres: 'Zürich' }),
      row({ Nr: '4', NIP: '', Typ: '', Kraj: '', Adres: '' }),
    ),
    expected: [
      { ...base, number: '1', buyer: { id: { type: 'eu-vat', country: 'DE', number: '136695976' }, name: 'Firma', address: { country: 'DE', line1: 'Berlin' } }, lines: [kawa] },
      { ...base, number: '2', buyer: { id: { type: 'foreign', country: 'US', id: '123456789' }, name: 'Firma', address: { country: 'US', line1: 'NY' } }, lines: [kawa] },
      { ...base, number: '3', buyer: { id: { type: 'foreign', country: 'CH', id: 'ATU12345678' }, name: 'Firma', address: { country: 'CH', line1: 'Zürich' } }, lines: [kawa] },
      { ...base, number: '4', buyer: { id: { type: 'none' }, name: 'Firma' }, lines: [kawa] },
    ],
  },
  {
    name: 'correction data makes a KOR; exemption text with default basis; payment, advance and seller groups',
    mapping: mappingJson({
      invoice: {
        number: { column: 'Nr' },
        issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
        seller: { taxId: { value: '9999999999' }, name: { value: 'Sprzedawca' } },
        buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } },
        correction: { reason: { column: 'Powod' }, effect: { value: '2' }, originalNumber: { column: 'Orig' }, originalIssueDate: { column: 'OrigData', date: 'dd.MM.yyyy' }, originalKsefNumber: { column: 'OrigKsef' } },
        annotations: { exemptionText: { column: 'Zw' } },
        payment: { bankAccount: { column: 'Konto' }, paid: { column: 'Zapl' } },
      },
      line: {
        description: { column: 'Towar' },
        quantity: { column: 'Ilosc', decimal: 'comma', negate: true },
        unitNetPrice: { column: 'Cena', decimal: 'comma' },
        vatRate: { column: 'VAT' },
        beforeCorrection: { column: 'Przed' },
      },
    }),
    records: rows(row({ Powod: 'Zwrot', Orig: 'FV/0', OrigData: '01.10.2026', OrigKsef: '', Zw: 'art. 43', Konto: 'PL 61 1090-1014', Zapl: 'nie', Przed: 'T', VAT: 'zw' })),
    expected: [
      {
        ...base, kind: 'KOR',
        seller: { id: { type: 'nip', nip: '9999999999' }, name: 'Sprzedawca' },
        correction: { reason: 'Zwrot', effect: '2', corrected: [{ number: 'FV/0', issueDate: '2026-10-01' }] },
        annotations: { exemption: { basis: 'law', text: 'art. 43' } },
        payment: { bankAccount: 'PL6110901014', paid: false },
        lines: [{ description: 'Kawa', quantity: '-2', unitNetPrice: '10.5', vatRate: 'zw', beforeCorrection: true }],
      },
    ],
  },
  {
    name: 'line VAT as the ERP states it: lines[].vatAmount, decimal comma (checked against net × rate, never written)',
    mapping: mappingJson({
      line: {
        description: { column: 'Towar' },
        quantity: { column: 'Ilosc', decimal: 'comma' },
        unitNetPrice: { column: 'Cena', decimal: 'comma' },
        vatAmount: { column: 'Kwota VAT', decimal: 'comma' },
        vatRate: { column: 'VAT' },
      },
    }),
    records: rows(row({ 'Kwota VAT': '4,83' }), row({ Towar: 'Herbata', 'Kwota VAT': '' })),
    expected: [{ ...base, lines: [{ ...kawa, vatAmount: '4.83' }, { ...kawa, description: 'Herbata' }] }],
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const out = await mapAll(compile(c.mapping), c.records);
    assert.deepEqual(out.map(bare), c.expected);
  });
}

test('every invoice keeps the provenance of its first record', async () => {
  const out = await mapAll(compile(mappingJson()), rows(row({}), row({ Nr: 'FV/2' })));
  assert.deepEqual(out.map((r) => (r.ok ? r.invoice.provenance : undefined)), [{ file: 'in.csv', row: 1, line: 2 }, { file: 'in.csv', row: 2, line: 3 }]);
});

test('every line keeps the provenance of its own record (line errors name their row)', async () => {
  const out = await mapAll(compile(mappingJson()), rows(row({}), row({ Towar: 'Herbata' }), row({ Nr: 'FV/2' })));
  const fieldCells = { description: 'Towar', quantity: 'Ilosc', unitNetPrice: 'Cena', vatRate: 'VAT' }; // the columns each field was read from
  assert.deepEqual(out.map((r) => (r.ok ? r.invoice.lines.map((l) => l.provenance) : undefined)), [
    [{ file: 'in.csv', row: 1, line: 2, fieldCells }, { file: 'in.csv', row: 2, line: 3, fieldCells }],
    [{ file: 'in.csv', row: 3, line: 4, fieldCells }],
  ]);
});

test('streaming: an invoice is yielded as soon as its group ends, before the rest of the file is read', async () => {
  const { mapRecords } = await import('../../src/mapping/apply-mapping.ts');
  const consumed: number[] = [];
  const recs = rows(row({}), row({ Nr: 'FV/2' }), row({ Nr: 'FV/3' }));
  async function* source() {
    for (let i = 0; i < recs.length; i++) {
      consumed.push(i);
      yield recs[i]!;
    }
  }
  const seen: string[] = [];
  for await (const r of mapRecords(compile(mappingJson()), source(), { today: '2026-11-21' })) {
    seen.push(`${r.ok ? r.invoice.number : '?'} after ${consumed.length} records`);
  }
  assert.deepEqual(seen, ['FV/1 after 2 records', 'FV/2 after 3 records', 'FV/3 after 3 records']);
});
