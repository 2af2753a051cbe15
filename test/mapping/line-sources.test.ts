/**
 * Lines from several places (extraLines) and from repeated column groups (invoices.unpivot):
 * the full canonical invoices, with every line's provenance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/core/errors.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { compile, mapAll, mappingJson, problems, row, rows } from './mapping-helpers.ts';

const firma = { id: { type: 'nip', nip: '9999999999' }, name: 'Firma' };

const shopMapping = {
  name: 'shop',
  input: { format: 'json', json: { recordPath: 'orders' } },
  invoices: { per: 'record', lines: 'items' },
  invoice: {
    number: { path: 'id' },
    issueDate: { path: 'date' },
    buyer: { taxId: { path: 'buyer.nip', nip: true }, name: { path: 'buyer.name' } },
  },
  line: {
    description: { path: 'name' },
    quantity: { path: 'qty' },
    unitGrossPrice: { path: 'price' },
    vatRate: { path: 'vat' },
  },
  extraLines: [
    {
      name: 'delivery',
      path: 'delivery',
      line: {
        description: { template: 'Dostawa: {method}' },
        quantity: { value: '1' },
        unitGrossPrice: { path: 'price' },
        vatRate: { value: '23' },
      },
    },
    {
      name: 'fees',
      path: 'fees',
      when: { path: 'amount', notEquals: '0.00' },
      line: {
        description: { path: 'label' },
        quantity: { value: '1' },
        unitGrossPrice: { path: 'amount' },
        vatRate: { path: 'vat', default: '23' },
      },
    },
  ],
};

const order = (id: string, extra: Record<string, unknown>, n: number): SourceRecord => ({
  values: { id, date: '2026-11-03', buyer: { nip: '999-999-99-99', name: 'Firma' }, items: [{ name: 'Kubek', qty: '2', price: '10.00', vat: '23' }], ...extra } as SourceRecord['values'],
  where: { file: 'orders.json', path: `/orders[${n}]` },
});

test('extraLines: a delivery object and a list of fees become lines after the items, each with its own rules and provenance', async () => {
  const out = await mapAll(compile(shopMapping), [
    order('ZAM-1', { delivery: { method: 'Kurier', price: '15.99' }, fees: [{ label: 'Opłata za pobranie', amount: '5.00', vat: '8' }, { label: 'Rabat', amount: '0.00' }] }, 1),
    order('ZAM-2', { delivery: null, fees: [{}] }, 2),
  ]);
  assert.deepEqual(out, [
    {
      ok: true,
      invoice: {
        kind: 'VAT', number: 'ZAM-1', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'gross',
        lines: [
          { description: 'Kubek', quantity: '2', unitGrossPrice: '10', vatRate: '23', provenance: { file: 'orders.json', path: '/orders[1]/items[1]' } },
          { description: 'Dostawa: Kurier', quantity: '1', unitGrossPrice: '15.99', vatRate: '23', provenance: { file: 'orders.json', path: '/orders[1]/delivery' } },
          { description: 'Opłata za pobranie', quantity: '1', unitGrossPrice: '5', vatRate: '8', provenance: { file: 'orders.json', path: '/orders[1]/fees[1]' } },
        ],
        provenance: { file: 'orders.json', path: '/orders[1]' },
      },
    },
    {
      ok: true,
      invoice: {
        kind: 'VAT', number: 'ZAM-2', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'gross',
        lines: [{ description: 'Kubek', quantity: '2', unitGrossPrice: '10', vatRate: '23', provenance: { file: 'orders.json', path: '/orders[2]/items[1]' } }],
        provenance: { file: 'orders.json', path: '/orders[2]' },
      },
    },
  ]);
});

test('extraLines without path: columns of the invoice row become a line when its condition holds', async () => {
  const m = compile(mappingJson({
    extraLines: [{ name: 'shipping', when: { column: 'Transport', present: true }, line: { description: { value: 'Transport' }, quantity: { value: '1' }, unitNetPrice: { column: 'Transport', decimal: 'comma' }, vatRate: { value: '23' } } }],
  }));
  const out = await mapAll(m, rows(row({ Transport: '20,00' }), row({ Towar: 'Herbata', Transport: '20,00' }), row({ Nr: 'FV/2', Transport: '' })));
  const base = { kind: 'VAT', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'net' };
  const kawa = { description: 'Kawa', quantity: '2', unitNetPrice: '10.5', vatRate: '23' };
  const kawaCells = { description: 'Towar', quantity: 'Ilosc', unitNetPrice: 'Cena', vatRate: 'VAT' };
  assert.deepEqual(out, [
    {
      ok: true,
      invoice: {
        ...base, number: 'FV/1',
        lines: [
          { ...kawa, provenance: { file: 'in.csv', row: 1, line: 2, fieldCells: kawaCells } },
          { ...kawa, description: 'Herbata', provenance: { file: 'in.csv', row: 2, line: 3, fieldCells: kawaCells } },
          // constants have no cell; the price was read from the invoice row's Transport column
          { description: 'Transport', quantity: '1', unitNetPrice: '20', vatRate: '23', provenance: { file: 'in.csv', row: 1, line: 2, fieldCells: { unitNetPrice: 'Transport' } } },
        ],
        provenance: { file: 'in.csv', row: 1, line: 2 },
      },
    },
    { ok: true, invoice: { ...base, number: 'FV/2', lines: [{ ...kawa, provenance: { file: 'in.csv', row: 3, line: 4, fieldCells: kawaCells } }], provenance: { file: 'in.csv', row: 3, line: 4 } } },
  ]);
});

test('extraLines: an error in an extra line names that line, its source and its own rule', async () => {
  const out = await mapAll(compile(shopMapping), [order('ZAM-1', { delivery: { method: 'Kurier', price: 'gratis' } }, 1)]);
  assert.equal(out[0]!.ok, false);
  const errs = out[0]!.ok ? [] : out[0]!.errors;
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.field, e.where.path, e.where.value, e.where.mapping, e.where.invoice]),
    [['MAP_DECIMAL', 'lines[2].unitGrossPrice', '/orders[1]/delivery', 'gratis', 'mappings/test.json#/extraLines/0/line/unitGrossPrice', 'ZAM-1']],
    errs.map(describeError).join('\n'),
  );
});

test('extraLines: load checks each source (required line rules, a valid path, unique names)', () => {
  const errs = problems(mappingJson({
    extraLines: [
      { name: 'a', path: 'x[0]', line: { description: { value: 'A' }, vatRate: { value: '23' } } },
      { name: 'a', line: { description: { value: 'B' } } },
    ],
  }));
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.mapping]),
    [
      ['MAP_PATH', 'mappings/test.json#/extraLines/0/path'],
      ['MAP_EXTRA_LINES', 'mappings/test.json#/extraLines/1/name'],
      ['MAP_REQUIRED_RULE', 'mappings/test.json#/extraLines/1/line'],
    ],
    errs.map(describeError).join('\n'),
  );
});

// ---- unpivot ----

const wideJson = mappingJson({
  invoices: { per: 'record', unpivot: { columns: 'Pozycja{n}_{field}' } },
  line: {
    description: { column: 'Nazwa' },
    quantity: { column: 'Ilosc', decimal: 'comma' },
    unitNetPrice: { column: 'Cena', decimal: 'comma' },
    vatRate: { column: 'VAT' },
  },
});
const wideMapping = compile(wideJson);

const wide = (over: Record<string, string>): Record<string, string> => ({
  Nr: 'FV/1', Data: '03.11.2026', NIP: '999-999-99-99', Nabywca: 'Firma',
  Pozycja1_Nazwa: 'Kawa', Pozycja1_Ilosc: '2', Pozycja1_Cena: '10,50', Pozycja1_VAT: '23',
  Pozycja2_Nazwa: '', Pozycja2_Ilosc: '', Pozycja2_Cena: '', Pozycja2_VAT: '',
  Pozycja10_Nazwa: 'Herbata', Pozycja10_Ilosc: '1', Pozycja10_Cena: '7,00', Pozycja10_VAT: '8',
  ...over,
});

/** in a CSV, each field of an unpivoted line names the column of its own group */
const cellsOf = (n: number) => ({ description: `Pozycja${n}_Nazwa`, quantity: `Pozycja${n}_Ilosc`, unitNetPrice: `Pozycja${n}_Cena`, vatRate: `Pozycja${n}_VAT` });

test('unpivot: repeated column groups of one row become lines in numeric order; an empty group is skipped; provenance names row and cells', async () => {
  const out = await mapAll(wideMapping, rows(wide({}), wide({ Nr: 'FV/2', Pozycja10_Nazwa: '', Pozycja10_Ilosc: '', Pozycja10_Cena: '', Pozycja10_VAT: ' ' })));
  const base = { kind: 'VAT', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'net' };
  const kawa = { description: 'Kawa', quantity: '2', unitNetPrice: '10.5', vatRate: '23' };
  assert.deepEqual(out, [
    {
      ok: true,
      invoice: {
        ...base, number: 'FV/1',
        lines: [
          { ...kawa, provenance: { file: 'in.csv', row: 1, line: 2, fieldCells: cellsOf(1) } },
          { description: 'Herbata', quantity: '1', unitNetPrice: '7', vatRate: '8', provenance: { file: 'in.csv', row: 1, line: 2, fieldCells: cellsOf(10) } },
        ],
        provenance: { file: 'in.csv', row: 1, line: 2 },
      },
    },
    { ok: true, invoice: { ...base, number: 'FV/2', lines: [{ ...kawa, provenance: { file: 'in.csv', row: 2, line: 3, fieldCells: cellsOf(1) } }], provenance: { file: 'in.csv', row: 2, line: 3 } } },
  ]);
});

test('unpivot: in a spreadsheet each line keeps the cells of its own group; an error names the cell of that line', async () => {
  const rec: SourceRecord = {
    values: { Nr: 'FV/1', Data: '03.11.2026', NIP: '9999999999', Nabywca: 'Firma', P1_Nazwa: 'Kawa', P1_Ilosc: '2', P2_Nazwa: 'Cukier', P2_Ilosc: 'dużo' },
    where: { file: 'w.xlsx', sheet: 'Faktury', row: 3, cells: { Nr: 'A3', Data: 'B3', NIP: 'C3', Nabywca: 'D3', P1_Nazwa: 'E3', P1_Ilosc: 'F3', P2_Nazwa: 'G3', P2_Ilosc: 'H3' } },
  };
  const m = compile(mappingJson({
    invoices: { per: 'record', unpivot: { columns: 'P{n}_{field}' } },
    line: { description: { column: 'Nazwa' }, quantity: { column: 'Ilosc', decimal: 'comma' }, vatRate: { value: '23' } },
  }));
  const [r] = await mapAll(m, [rec]);
  const errs = r!.ok ? [] : r!.errors;
  assert.deepEqual(errs.map((e) => [e.code, e.where.field, e.where.sheet, e.where.row, e.where.cell, e.where.value]), [['MAP_DECIMAL', 'lines[2].quantity', 'Faktury', 3, 'H3', 'dużo']]);
  const ok = await mapAll(m, [{ ...rec, values: { ...rec.values, P2_Ilosc: '3' } }]);
  assert.equal(ok[0]!.ok, true);
  const lines = ok[0]!.ok ? ok[0]!.invoice.lines : [];
  assert.deepEqual(lines.map((l) => l.provenance), [
    { file: 'w.xlsx', sheet: 'Faktury', row: 3, fieldCells: { description: 'E3', quantity: 'F3' } },
    { file: 'w.xlsx', sheet: 'Faktury', row: 3, fieldCells: { description: 'G3', quantity: 'H3' } },
  ]);
});

test('unpivot per key: every row of the invoice is unpivoted; a row with only empty groups gives no line', async () => {
  const m = compile(mappingJson({ invoices: { per: 'key', key: 'Nr', unpivot: { columns: 'Pozycja{n}_{field}' } }, line: wideJson['line'] }));
  const out = await mapAll(m, rows(wide({ Pozycja10_Nazwa: '', Pozycja10_Ilosc: '', Pozycja10_Cena: '', Pozycja10_VAT: '' }), wide({ Pozycja1_Nazwa: 'Mleko' })));
  assert.equal(out.length, 1);
  const lines = out[0]!.ok ? out[0]!.invoice.lines : [];
  assert.deepEqual(lines.map((l) => [l.description, l.provenance?.row, l.provenance?.fieldCells?.['description']]), [['Kawa', 1, 'Pozycja1_Nazwa'], ['Mleko', 2, 'Pozycja1_Nazwa'], ['Herbata', 2, 'Pozycja10_Nazwa']]);
});

test('unpivot: a row whose groups are all empty is an invoice without lines', async () => {
  const empty = { Pozycja1_Nazwa: '', Pozycja1_Ilosc: '', Pozycja1_Cena: '', Pozycja1_VAT: '', Pozycja10_Nazwa: '', Pozycja10_Ilosc: '', Pozycja10_Cena: '', Pozycja10_VAT: '' };
  const [r] = await mapAll(wideMapping, rows(wide(empty)));
  assert.deepEqual(r!.ok ? [] : r!.errors.map((e) => [e.code, e.where.row, e.where.invoice]), [['MAP_NO_LINES', 1, 'FV/1']]);
});

test('unpivot: the pattern needs {n} and {field} once each, and does not go with nested lines', () => {
  for (const [columns, lines] of [['Pozycja_{field}', undefined], ['P{n}_{n}', undefined], ['P{n}_{field}', 'items']] as const) {
    const errs = problems(mappingJson({ invoices: { per: 'record', unpivot: { columns }, ...(lines ? { lines } : {}) } }));
    assert.deepEqual(errs.map((e) => [e.code, e.where.mapping]), [['MAP_UNPIVOT', `mappings/test.json#/invoices/unpivot${lines ? '' : '/columns'}`]], `${columns}: ${errs.map(describeError).join('\n')}`);
  }
});

test('unpivot: the names line rules can read from a header (for checks of named columns)', async () => {
  const { compileUnpivot, unpivotColumnNames } = await import('../../src/mapping/unpivot.ts');
  const u = compileUnpivot('{field}_{n}');
  assert.ok(typeof u !== 'string');
  assert.deepEqual([...unpivotColumnNames(['Nr', 'Nazwa_1', 'Ilosc_1', 'Nazwa_12', 'Uwagi'], u)], ['Nr', 'Nazwa', 'Ilosc', 'Uwagi']);
});
