/**
 * Lookups into reference records (contractors, products by code), collected in a first pass over
 * the file so they may come after the documents that use them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../../src/core/errors.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { compile, mapAll, problems, stream } from './mapping-helpers.ts';

const fixedInput = {
  format: 'fixed',
  encoding: 'utf-8',
  fixed: {
    discriminator: { start: 1, length: 1 },
    layouts: [
      { type: 'H', fields: [{ name: 'Numer', start: 2, length: 8 }, { name: 'Kontrahent', start: 10, length: 4 }] },
      { type: 'L', fields: [{ name: 'Kod', start: 2, length: 4 }, { name: 'Ilosc', start: 6, length: 3 }, { name: 'Cena', start: 9, length: 6 }] },
      { type: 'K', fields: [{ name: 'Kod', start: 2, length: 4 }, { name: 'NIP', start: 6, length: 13 }, { name: 'Nazwa', start: 19, length: 20 }] },
      { type: 'T', fields: [{ name: 'Kod', start: 2, length: 4 }, { name: 'Nazwa', start: 6, length: 20 }, { name: 'JM', start: 26, length: 4 }] },
    ],
  },
};

const lookupMapping = {
  name: 'edi-like',
  input: fixedInput,
  invoices: { per: 'header', header: 'H', line: 'L' },
  invoice: {
    number: { column: 'Numer' },
    issueDate: { value: '2026-11-03' },
    buyer: {
      taxId: { column: 'Kontrahent', lookup: 'kontrahenci', field: 'NIP', nip: true },
      name: { column: 'Kontrahent', lookup: 'kontrahenci', field: 'Nazwa' },
    },
  },
  line: {
    description: { column: 'Kod', lookup: 'towary', field: 'Nazwa' },
    unit: { column: 'Kod', lookup: 'towary', field: 'JM' },
    sku: { column: 'Kod' },
    quantity: { column: 'Ilosc' },
    unitNetPrice: { column: 'Cena', decimal: 'comma' },
    vatRate: { value: '23' },
  },
  lookups: {
    kontrahenci: { records: 'K', key: 'Kod' },
    towary: { records: 'T', key: { column: 'Kod', case: 'upper' } },
  },
};

const rec = (recordType: string, values: Record<string, string>, line: number): SourceRecord => ({ recordType, values, where: { file: 'EXP.TXT', line } });

const records = [
  rec('H', { Numer: 'FS 1/26', Kontrahent: 'K01' }, 1),
  rec('L', { Kod: 'kaw', Ilosc: '2', Cena: '10,50' }, 2),
  rec('L', { Kod: 'HER', Ilosc: '1', Cena: '7,00' }, 3),
  rec('K', { Kod: 'K01', NIP: '999-999-99-99', Nazwa: 'Firma' }, 4),
  rec('K', { Kod: 'K02', NIP: '111-111-11-11', Nazwa: 'Inna' }, 5),
  rec('T', { Kod: 'KAW', Nazwa: 'Kawa', JM: 'kg' }, 6),
  rec('T', { Kod: 'HER', Nazwa: 'Herbata', JM: 'op.' }, 7),
];

test('record lookups: buyer and product names come from reference records that follow the documents', async () => {
  const out = await mapAll(compile(lookupMapping), records);
  // what a line read from its own record (a looked-up name comes from another record: no cell)
  const fieldCells = { quantity: 'Ilosc', unitNetPrice: 'Cena', sku: 'Kod' };
  assert.deepEqual(out, [
    {
      ok: true,
      invoice: {
        kind: 'VAT', number: 'FS 1/26', issueDate: '2026-11-03', buyer: { id: { type: 'nip', nip: '9999999999' }, name: 'Firma' }, currency: 'PLN', pricing: 'net',
        lines: [
          { description: 'Kawa', unit: 'kg', quantity: '2', unitNetPrice: '10.5', vatRate: '23', sku: 'kaw', provenance: { file: 'EXP.TXT', line: 2, fieldCells } },
          { description: 'Herbata', unit: 'op.', quantity: '1', unitNetPrice: '7', vatRate: '23', sku: 'HER', provenance: { file: 'EXP.TXT', line: 3, fieldCells } },
        ],
        provenance: { file: 'EXP.TXT', line: 1 },
      },
    },
  ]);
});

test('record lookups: the records are read again when mapRecords is given a way to open them (two passes, nothing buffered)', async () => {
  let opened = 0;
  const open = () => {
    opened++;
    return stream(records);
  };
  const out: unknown[] = [];
  for await (const r of mapRecords(compile(lookupMapping), open, { today: '2026-11-21' })) out.push(r);
  assert.equal(opened, 2);
  assert.equal(out.length, 1);
});

test('record lookups: records given once (an iterable) are held and read twice from memory, within limits.maxRecordsPerFile', async () => {
  const once: unknown[] = [];
  for await (const r of mapRecords(compile(lookupMapping), stream(records), { today: '2026-11-21' })) once.push(r);
  assert.deepEqual(once, await mapAll(compile(lookupMapping), records));
  const run = async () => {
    for await (const _ of mapRecords(compile(lookupMapping), stream(records), { today: '2026-11-21' }, { maxLinesPerInvoice: 10, maxRecordsPerFile: 6 })) void _;
  };
  await assert.rejects(run, (e: Error & { code?: string; where?: { line?: number } }) => e.code === 'LIMIT_RECORDS' && e.where?.line === 7);
});

test('record lookups: an unmatched key is MAP_LOOKUP_UNMATCHED naming the key, the lookup and the record that used it', async () => {
  const out = await mapAll(compile(lookupMapping), [records[0]!, rec('L', { Kod: 'SOL', Ilosc: '1', Cena: '1,00' }, 2), ...records.slice(3)]);
  const errs = out[0]!.ok ? [] : out[0]!.errors;
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.field, e.where.line, e.where.value, e.where.mapping, e.message]),
    [['MAP_LOOKUP_UNMATCHED', 'lines[1].description', 2, 'SOL', 'mappings/test.json#/line/description', 'no "T" record has key "SOL" (lookup "towary")'],
     ['MAP_LOOKUP_UNMATCHED', 'lines[1].unit', 2, 'SOL', 'mappings/test.json#/line/unit', 'no "T" record has key "SOL" (lookup "towary")']],
    errs.map(describeError).join('\n'),
  );
});

test('record lookups: a key given by two reference records is an error naming the second', async () => {
  const out = await mapAll(compile(lookupMapping), [...records, rec('K', { Kod: 'K01', NIP: '1', Nazwa: 'Duplikat' }, 8)]);
  const errs = out.flatMap((r) => (r.ok ? [] : r.errors));
  assert.deepEqual(errs.map((e) => [e.code, e.where.line, e.where.value]), [['MAP_LOOKUP_DUPLICATE_KEY', 8, 'K01']], errs.map(describeError).join('\n'));
  assert.equal(out.filter((r) => r.ok).length, 1);
});

test('record lookups: load checks (field needs a record lookup, a record lookup needs field, known record type)', () => {
  const errs = problems({
    ...lookupMapping,
    invoice: { ...lookupMapping.invoice, orderNumber: { column: 'Numer', field: 'X' }, footer: { column: 'Numer', lookup: 'towary' } },
    lookups: { ...lookupMapping.lookups, bad: { records: 'Z', key: 'Kod' } },
  });
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.mapping]),
    [
      ['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/lookups/bad/records'],
      ['MAP_LOOKUP_FIELD', 'mappings/test.json#/invoice/orderNumber/field'],
      ['MAP_LOOKUP_FIELD', 'mappings/test.json#/invoice/footer/lookup'],
    ],
    errs.map(describeError).join('\n'),
  );
});

test('record lookups end to end: preview reads a fixed-width file twice and maps contractors given after the documents', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-lookups-'));
  const mappingPath = join(dir, 'm.json');
  await writeFile(mappingPath, JSON.stringify(lookupMapping));
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    'H' + pad('FS 1/26', 8) + 'K01 ',
    'L' + pad('KAW', 4) + pad('2', 3) + pad('10,50', 6),
    'K' + pad('K01', 4) + pad('999-999-99-99', 13) + pad('Firma', 20),
    'T' + pad('KAW', 4) + pad('Kawa', 20) + pad('kg', 4),
  ];
  const file = join(dir, 'EXP.TXT');
  await writeFile(file, lines.join('\r\n') + '\r\n');
  const r = await previewFile(file, { mapping: mappingPath, schema: 'FA(3)', today: '2026-11-21' });
  assert.deepEqual(r.errors.map(describeError), []);
  assert.equal(r.invoices.length, 1);
  const inv = r.invoices[0]!;
  assert.deepEqual(inv.errors.map(describeError), []);
  assert.deepEqual([inv.invoice?.buyer, inv.invoice?.lines.map((l) => [l.description, l.unit])], [{ id: { type: 'nip', nip: '9999999999' }, name: 'Firma' }, [['Kawa', 'kg']]]);
});

type Problems = Error & { problems?: readonly { code: string; message: string; where: { mapping?: string } }[] };

test('record lookups: a misspelt field is MAP_COLUMN_UNKNOWN against the reference records (not an empty unit on every line)', async () => {
  const wrong = { ...lookupMapping, line: { ...lookupMapping.line, unit: { column: 'Kod', lookup: 'towary', field: 'Jm' } } };
  await assert.rejects(mapAll(compile(wrong), records), (e: Problems) => {
    assert.deepEqual(e.problems?.map((p) => [p.code, p.where.mapping, p.message]), [
      ['MAP_COLUMN_UNKNOWN', 'mappings/test.json#/line/unit/field', 'column `Jm` not found in records of type "T"; did you mean `JM`?'],
    ]);
    return true;
  });
});

test('record lookups: a misspelt key column is one MAP_COLUMN_UNKNOWN for the file, not MAP_LOOKUP_UNMATCHED on every line', async () => {
  const wrong = { ...lookupMapping, lookups: { ...lookupMapping.lookups, towary: { records: 'T', key: 'Kood' } } };
  await assert.rejects(mapAll(compile(wrong), records), (e: Problems) => {
    assert.deepEqual(e.problems?.map((p) => [p.code, p.where.mapping, p.message]), [
      ['MAP_COLUMN_UNKNOWN', 'mappings/test.json#/lookups/towary/key', 'column `Kood` not found in records of type "T"; did you mean `Kod`?'],
    ]);
    return true;
  });
});

test('record lookups: field may be a template of the reference record\'s columns (an address line from two columns)', async () => {
  const m = compile({ ...lookupMapping, invoice: { ...lookupMapping.invoice, buyer: { ...lookupMapping.invoice.buyer, name: { column: 'Kontrahent', lookup: 'kontrahenci', field: '{Nazwa}  ({Kod})' } } } });
  const out = await mapAll(m, records);
  assert.equal(out[0]!.ok ? out[0]!.invoice.buyer.name : out[0]!.errors.map(describeError).join('\n'), 'Firma (K01)');
  const bad = problems({ ...lookupMapping, invoice: { ...lookupMapping.invoice, footer: { column: 'Kontrahent', lookup: 'kontrahenci', field: '{Nazwa' } } });
  assert.deepEqual(bad.map((e) => [e.code, e.where.mapping]), [['MAP_TEMPLATE', 'mappings/test.json#/invoice/footer/field']]);
});

test('record lookups: a field the reference records do not have is MAP_COLUMN_UNKNOWN naming the closest column (not an empty value)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-lookups-'));
  const mappingPath = join(dir, 'm.json');
  const misspelt = { ...lookupMapping, invoice: { ...lookupMapping.invoice, buyer: { ...lookupMapping.invoice.buyer, name: { column: 'Kontrahent', lookup: 'kontrahenci', field: 'Nazw' } } } };
  await writeFile(mappingPath, JSON.stringify(misspelt));
  const pad = (s: string, n: number) => s.padEnd(n);
  const file = join(dir, 'EXP.TXT');
  await writeFile(file, ['H' + pad('FS 1/26', 8) + 'K01 ', 'L' + pad('KAW', 4) + pad('2', 3) + pad('10,50', 6), 'K' + pad('K01', 4) + pad('999-999-99-99', 13) + pad('Firma', 20), 'T' + pad('KAW', 4) + pad('Kawa', 20) + pad('kg', 4)].join('\r\n') + '\r\n');
  const r = await previewFile(file, { mapping: mappingPath, schema: 'FA(3)', today: '2026-11-21' });
  assert.deepEqual(r.errors.map((e) => [e.code, e.where.value, e.where.mapping]), [['MAP_COLUMN_UNKNOWN', 'Nazw', `${mappingPath}#/invoice/buyer/name/field`]], r.errors.map(describeError).join('\n'));
  assert.match(r.errors[0]!.message, /column `Nazw` not found in records of type "K"; did you mean `Nazwa`\?/);
});
