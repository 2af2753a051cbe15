/** Data errors: each names file, row/line/cell, canonical field, value, rule and mapping path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentError } from '../../src/core/errors.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { describeError } from '../../src/core/errors.ts';
import type { MappedInvoice } from '../../src/mapping/apply-mapping.ts';
import { compile, mapAll, mappingJson, row, rows } from './mapping-helpers.ts';

const errorsOf = (r: MappedInvoice): readonly AgentError[] => {
  assert.equal(r.ok, false, 'expected a failed invoice');
  return r.ok ? [] : r.errors;
};
const facts = (e: AgentError) => ({ code: e.code, kind: e.kind, ...e.where, rule: e.rule });

interface ErrCase {
  readonly name: string;
  readonly mapping?: Record<string, unknown>;
  readonly rows: Record<string, string>[];
  readonly expected: Record<string, unknown>;
}

const table: ErrCase[] = [
  {
    name: 'invalid date',
    rows: [row({ Data: '31.02.2026' })],
    expected: { code: 'MAP_DATE', kind: 'data', file: 'in.csv', row: 1, line: 2, field: 'issueDate', value: '31.02.2026', rule: 'date pattern dd.MM.yyyy', mapping: 'mappings/test.json#/invoice/issueDate', invoice: 'FV/1' },
  },
  {
    name: 'invalid decimal in the second line',
    rows: [row({}), row({ Ilosc: '1.5' })],
    expected: { code: 'MAP_DECIMAL', kind: 'data', file: 'in.csv', row: 2, line: 3, field: 'lines[2].quantity', value: '1.5', rule: 'decimal comma', mapping: 'mappings/test.json#/line/quantity', invoice: 'FV/1' },
  },
  {
    name: 'unknown lookup value',
    mapping: mappingJson({
      line: { description: { column: 'Towar' }, quantity: { column: 'Ilosc', decimal: 'comma' }, vatRate: { column: 'VAT', lookup: 'vat' } },
      lookups: { vat: { values: { A: '23' }, unmatched: 'error' } },
    }),
    rows: [row({ VAT: 'Q' })],
    expected: { code: 'MAP_LOOKUP_UNMATCHED', kind: 'data', file: 'in.csv', row: 1, line: 2, field: 'lines[1].vatRate', value: 'Q', rule: 'lookup vat (unmatched: error)', mapping: 'mappings/test.json#/line/vatRate', invoice: 'FV/1' },
  },
  {
    name: 'missing required field (buyer name empty)',
    rows: [row({ Nabywca: '  ' })],
    expected: { code: 'MAP_REQUIRED', kind: 'data', file: 'in.csv', row: 1, line: 2, field: 'buyer.name', rule: 'required field', mapping: 'mappings/test.json#/invoice/buyer/name', invoice: 'FV/1' },
  },
  {
    name: 'not a VAT rate',
    rows: [row({ VAT: '24' })],
    expected: { code: 'MAP_VAT_RATE', kind: 'data', file: 'in.csv', row: 1, line: 2, field: 'lines[1].vatRate', value: '24', mapping: 'mappings/test.json#/line/vatRate', invoice: 'FV/1' },
  },
  {
    name: 'a NIP with a digit missing',
    rows: [row({ NIP: '999-999-99-9' })],
    expected: { code: 'MAP_TAX_ID', kind: 'data', file: 'in.csv', row: 1, line: 2, field: 'buyer.taxId', value: '999999999', invoice: 'FV/1' },
  },
  {
    name: 'JSONata runtime error',
    mapping: mappingJson({ invoice: { ...(mappingJson()['invoice'] as object), orderNumber: { expr: '$number(Nabywca)' } } }),
    rows: [row({})],
    expected: { code: 'MAP_EXPR_ERROR', kind: 'data', file: 'in.csv', row: 1, field: 'orderNumber', mapping: 'mappings/test.json#/invoice/orderNumber/expr', rule: '$number(Nabywca)' },
  },
];

for (const c of table) {
  test(`data error: ${c.name}`, async () => {
    const [r] = await mapAll(compile(c.mapping ?? mappingJson()), rows(...c.rows));
    const errs = errorsOf(r!);
    assert.equal(errs.length, 1, errs.map(describeError).join('\n'));
    const got = facts(errs[0]!);
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(got[k as keyof typeof got], v, `${k} of ${describeError(errs[0]!)}`);
  });
}

test('all errors of an invoice are collected, and the next invoice is still mapped', async () => {
  const out = await mapAll(compile(mappingJson()), rows(row({ Data: '2026/11/03', Ilosc: 'dwa' }), row({ Cena: '1,2,3', Towar: '' }), row({ Nr: 'FV/2' })));
  assert.equal(out.length, 2);
  const errs = errorsOf(out[0]!);
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.field, e.where.row, e.where.value]),
    [
      ['MAP_DATE', 'issueDate', 1, '2026/11/03'],
      ['MAP_DECIMAL', 'lines[1].quantity', 1, 'dwa'],
      ['MAP_DECIMAL', 'lines[2].unitNetPrice', 2, '1,2,3'],
      ['MAP_REQUIRED', 'lines[2].description', 2, undefined],
    ],
  );
  assert.equal(out[0]!.ok ? '' : out[0]!.number, 'FV/1');
  assert.equal(out[1]!.ok, true);
  assert.equal(
    describeError(errs[0]!),
    'in.csv, row 1, line 2, invoice FV/1, field issueDate, value "2026/11/03": "2026/11/03" is not a date (rule: date pattern dd.MM.yyyy) [mapping mappings/test.json#/invoice/issueDate] [MAP_DATE]',
  );
});

test('per key: a key that reappears after other rows is an error naming the row', async () => {
  const out = await mapAll(compile(mappingJson()), rows(row({}), row({ Nr: 'FV/2' }), row({})));
  assert.deepEqual(out.map((r) => r.ok), [true, true, false]);
  const [e] = errorsOf(out[2]!);
  assert.deepEqual([e!.code, e!.where.row, e!.where.value, e!.where.field], ['MAP_GROUP_KEY_REPEATED', 3, 'FV/1', 'invoices.key']);
});

test('per key: an empty key is an error', async () => {
  const out = await mapAll(compile(mappingJson()), rows(row({ Nr: '' })));
  const errs = errorsOf(out[0]!);
  assert.deepEqual(errs.map((e) => [e.code, e.where.row]), [['MAP_GROUP_KEY_EMPTY', 1], ['MAP_REQUIRED', 1]]);
});

test('XLSX provenance: field errors name the cell', async () => {
  const m = compile(mappingJson());
  const recs = rows(row({ Data: 'wczoraj' })).map((r) => ({ ...r, where: { file: 'f.xlsx', sheet: 'Sprzedaż', row: 4, cells: { Data: 'B4', Nr: 'A4' } } }));
  const [r] = await mapAll(m, recs);
  const [e] = errorsOf(r!);
  assert.deepEqual({ cell: e!.where.cell, sheet: e!.where.sheet, row: e!.where.row, field: e!.where.field }, { cell: 'B4', sheet: 'Sprzedaż', row: 4, field: 'issueDate' });
  assert.equal('cells' in e!.where, false);
});

test('master-detail: line records before any header, and unexpected record types', async () => {
  const m = compile({
    name: 'md',
    input: { format: 'fixed', fixed: { discriminator: { start: 1, length: 1 }, layouts: [{ type: 'H', fields: [{ name: 'nr', start: 2, length: 5 }] }, { type: 'L', fields: [{ name: 't', start: 2, length: 5 }] }, { type: 'X', fields: [{ name: 'x', start: 2, length: 1 }] }] } },
    invoices: { per: 'header', header: 'H', line: 'L' },
    invoice: { number: { column: 'nr' }, issueDate: { value: '2026-11-01' }, buyer: { name: { value: 'B' } } },
    line: { description: { column: 't' }, vatRate: { value: '23' } },
  });
  const recs: SourceRecord[] = [
    { recordType: 'L', values: { t: 'a' }, where: { file: 'F.TXT', line: 1 } },
    { recordType: 'H', values: { nr: 'N1' }, where: { file: 'F.TXT', line: 2 } },
    { recordType: 'X', values: { x: '1' }, where: { file: 'F.TXT', line: 3 } },
    { recordType: 'L', values: { t: 'b' }, where: { file: 'F.TXT', line: 4 } },
  ];
  const out = await mapAll(m, recs);
  assert.deepEqual(out.map((r) => (r.ok ? 'ok' : r.errors.map((e) => `${e.code}@${e.where.line}`).join())), ['MAP_ORPHAN_RECORD@1', 'MAP_UNEXPECTED_RECORD@3']);
});

test('an invoice without lines is an error', async () => {
  const m = compile({
    name: 'nested', input: { format: 'json', json: { recordPath: 'orders' } }, invoices: { per: 'record', lines: 'items' },
    invoice: { number: { path: 'no' }, issueDate: { value: '2026-11-01' }, buyer: { name: { value: 'B' } } },
    line: { description: { path: 'name' }, vatRate: { value: '23' } },
  });
  const [r] = await mapAll(m, [{ values: { no: '5', items: [] }, where: { file: 'o.json', path: '/orders[1]' } }]);
  const errs = errorsOf(r!);
  assert.deepEqual(errs.map((e) => [e.code, e.where.path, e.where.invoice]), [['MAP_NO_LINES', '/orders[1]', '5']]);
});
