/**
 * Rows of one invoice anywhere in the file (per key, adjacent: false) and master–detail by key
 * across record types (per join): full canonical invoices, orphans, limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/core/errors.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import { compile, mapAll, mappingJson, problems, row, rows, stream } from './mapping-helpers.ts';

const firma = { id: { type: 'nip', nip: '9999999999' }, name: 'Firma' };
const base = { kind: 'VAT', issueDate: '2026-11-03', buyer: firma, currency: 'PLN', pricing: 'net' };
const kawa = { description: 'Kawa', quantity: '2', unitNetPrice: '10.5', vatRate: '23' };
/** a CSV line's fields and the columns they were read from */
const fieldCells = { description: 'Towar', quantity: 'Ilosc', unitNetPrice: 'Cena', vatRate: 'VAT' };

test('per key, adjacent false: rows of one invoice may be anywhere; invoices in the order their first row appears', async () => {
  const m = compile(mappingJson({ invoices: { per: 'key', key: 'Nr', adjacent: false } }));
  const out = await mapAll(m, rows(row({}), row({ Nr: 'FV/2', Towar: 'Cukier' }), row({ Towar: 'Herbata' })));
  assert.deepEqual(out, [
    {
      ok: true,
      invoice: {
        ...base, number: 'FV/1',
        lines: [{ ...kawa, provenance: { file: 'in.csv', row: 1, line: 2, fieldCells } }, { ...kawa, description: 'Herbata', provenance: { file: 'in.csv', row: 3, line: 4, fieldCells } }],
        provenance: { file: 'in.csv', row: 1, line: 2 },
      },
    },
    { ok: true, invoice: { ...base, number: 'FV/2', lines: [{ ...kawa, description: 'Cukier', provenance: { file: 'in.csv', row: 2, line: 3, fieldCells } }], provenance: { file: 'in.csv', row: 2, line: 3 } } },
  ]);
});

test('per key, adjacent false: what is held is bounded by limits.maxRecordsPerFile', async () => {
  const m = compile(mappingJson({ invoices: { per: 'key', key: 'Nr', adjacent: false } }));
  const run = async () => {
    for await (const _ of mapRecords(m, stream(rows(row({}), row({ Nr: 'FV/2' }), row({}))), { today: '2026-11-21' }, { maxLinesPerInvoice: 10, maxRecordsPerFile: 2 })) void _;
  };
  await assert.rejects(run, (e: Error & { code?: string; where?: { row?: number } }) => e.code === 'LIMIT_RECORDS' && e.where?.row === 3);
});

test('adjacent only goes with per key', () => {
  const errs = problems(mappingJson({ invoices: { per: 'file', adjacent: false } }));
  assert.deepEqual(errs.map((e) => [e.code, e.where.mapping]), [['MAP_GROUPING', 'mappings/test.json#/invoices/adjacent']]);
});

// ---- per join ----

/** Fixed-width stands in for any reader that types its records (two sheets, two sections, a type column). */
export const typedInput = (types: readonly string[]) => ({
  format: 'fixed',
  encoding: 'utf-8',
  fixed: { discriminator: { start: 1, length: 12 }, layouts: types.map((type) => ({ type, fields: [{ name: 'rest', start: 13, length: 1 }] })) },
});

const joinMapping = {
  name: 'two sheets',
  input: typedInput(['invoice', 'line']),
  invoices: { per: 'join', header: 'invoice', line: 'line', key: 'Numer', lineKey: { column: 'Faktura', case: 'upper' } },
  invoice: {
    number: { column: 'Numer' },
    issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
    buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } },
  },
  line: {
    description: { column: 'Towar' },
    quantity: { column: 'Ilosc', decimal: 'comma' },
    unitNetPrice: { column: 'Cena', decimal: 'comma' },
    vatRate: { column: 'VAT' },
    saleDate: { column: 'Data', from: 'invoice', date: 'dd.MM.yyyy' },
  },
};

const header = (Numer: string, r: number): SourceRecord => ({ recordType: 'invoice', values: { Numer, Data: '03.11.2026', NIP: '999-999-99-99', Nabywca: 'Firma' }, where: { file: 'f.xlsx', sheet: 'Faktury', row: r, cells: { Numer: `A${r}` } } });
const item = (Faktura: string, Towar: string, r: number, over: Record<string, string> = {}): SourceRecord => ({
  recordType: 'line',
  values: { Faktura, Towar, Ilosc: '2', Cena: '10,50', VAT: '23', ...over },
  where: { file: 'f.xlsx', sheet: 'Pozycje', row: r, cells: { Faktura: `A${r}`, Towar: `B${r}`, Ilosc: `C${r}` } },
});

test('per join: lines join their header by key across record types, in header order; line rules read the header with from invoice', async () => {
  const out = await mapAll(compile(joinMapping), [header('FV/1', 2), header('FV/2', 3), item('FV/2', 'Cukier', 2), item('fv/1', 'Kawa', 3), item('FV/1', 'Herbata', 4)]);
  // the cells of the fields read from the line's own row; saleDate comes from the header, Cena and VAT have no cell here
  const line = (description: string, r: number) => ({ ...kawa, description, saleDate: '2026-11-03', provenance: { file: 'f.xlsx', sheet: 'Pozycje', row: r, fieldCells: { description: `B${r}`, quantity: `C${r}` } } });
  assert.deepEqual(out, [
    { ok: true, invoice: { ...base, number: 'FV/1', lines: [line('Kawa', 3), line('Herbata', 4)], provenance: { file: 'f.xlsx', sheet: 'Faktury', row: 2, cells: { Numer: 'A2' } } } },
    { ok: true, invoice: { ...base, number: 'FV/2', lines: [line('Cukier', 2)], provenance: { file: 'f.xlsx', sheet: 'Faktury', row: 3, cells: { Numer: 'A3' } } } },
  ]);
});

test('per join: a line whose key has no header is MAP_JOIN_ORPHAN_LINE naming that line; a header without lines is MAP_NO_LINES', async () => {
  const out = await mapAll(compile(joinMapping), [header('FV/1', 2), header('FV/3', 3), item('FV/1', 'Kawa', 2), item('FV/9', 'Sól', 3)]);
  const summary = out.map((r) => (r.ok ? `ok ${r.invoice.number}` : r.errors.map((e) => [e.code, e.where.sheet, e.where.row, e.where.cell ?? '', e.where.value ?? '', e.where.invoice ?? ''].join(' ')).join('; ')));
  assert.deepEqual(summary, ['ok FV/1', 'MAP_NO_LINES Faktury 3   FV/3', 'MAP_JOIN_ORPHAN_LINE Pozycje 3 A3 FV/9 '], out.flatMap((r) => (r.ok ? [] : r.errors.map(describeError))).join('\n'));
  const orphan = out[2]!.ok ? undefined : out[2]!.errors[0]!;
  assert.equal(orphan!.message, 'the "line" record has invoice key "FV/9", but no "invoice" record has that key');
});

test('per join: an error in a line names that line\'s own sheet, row and cell', async () => {
  const out = await mapAll(compile(joinMapping), [header('FV/1', 2), item('FV/1', 'Kawa', 2), item('FV/1', 'Herbata', 7, { Ilosc: 'x' })]);
  const errs = out[0]!.ok ? [] : out[0]!.errors;
  assert.deepEqual(errs.map((e) => [e.code, e.where.field, e.where.sheet, e.where.row, e.where.cell, e.where.invoice]), [['MAP_DECIMAL', 'lines[2].quantity', 'Pozycje', 7, 'C7', 'FV/1']]);
});

test('per join: a header key given twice and an empty key are errors naming the record', async () => {
  const out = await mapAll(compile(joinMapping), [header('FV/1', 2), header('FV/1', 3), header('', 4), item('FV/1', 'Kawa', 2)]);
  const summary = out.map((r) => (r.ok ? `ok ${r.invoice.number}` : r.errors.map((e) => `${e.code} ${e.where.sheet} ${e.where.row}`).join('; ')));
  assert.deepEqual(summary, ['ok FV/1', 'MAP_JOIN_DUPLICATE_KEY Faktury 3', 'MAP_GROUP_KEY_EMPTY Faktury 4']);
});

test('per join: everything held is bounded by limits.maxRecordsPerFile', async () => {
  const m = compile(joinMapping);
  const run = async () => {
    for await (const _ of mapRecords(m, stream([header('FV/1', 2), item('FV/1', 'Kawa', 2), item('FV/1', 'Herbata', 3)]), { today: '2026-11-21' }, { maxLinesPerInvoice: 10, maxRecordsPerFile: 2 })) void _;
  };
  await assert.rejects(run, (e: Error & { code?: string }) => e.code === 'LIMIT_RECORDS');
});

test('per join: load needs header, line, key and lineKey, and record types the reader knows', () => {
  const errs = problems({ ...joinMapping, invoices: { per: 'join', header: 'invoice', line: 'pozycja', key: 'Numer' } });
  assert.deepEqual(errs.map((e) => [e.code, e.where.mapping]), [['MAP_SCHEMA', 'mappings/test.json#/invoices']], errs.map(describeError).join('\n'));
  assert.match(errs[0]!.message, /lineKey/);
  const errs2 = problems({ ...joinMapping, invoices: { per: 'join', header: 'invoice', line: 'pozycja', key: 'Numer', lineKey: 'Faktura' } });
  assert.deepEqual(errs2.map((e) => [e.code, e.where.mapping]), [['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/invoices/line']], errs2.map(describeError).join('\n'));
});

test('per join: a line rule naming a column only the header records have is MAP_COLUMN_UNKNOWN (it would read the line record and be empty)', async () => {
  const wrong = { ...joinMapping, line: { ...joinMapping.line, saleDate: { column: 'Data', date: 'dd.MM.yyyy' } } }; // from: "invoice" forgotten
  await assert.rejects(mapAll(compile(wrong), [header('FV/1', 2), item('FV/1', 'Kawa', 2)]), (e: Error & { problems?: { code: string; message: string; where: { mapping?: string } }[] }) => {
    assert.deepEqual(e.problems?.map((p) => [p.code, p.where.mapping]), [['MAP_COLUMN_UNKNOWN', 'mappings/test.json#/line/saleDate/column']]);
    assert.equal(e.problems![0]!.message, 'column `Data` not found in records of type "line"; records of type "invoice" have it: read it from there with "from": "invoice"');
    return true;
  });
});
