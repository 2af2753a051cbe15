import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, csvInput, failure, fixtureFile } from './reader-test-kit.ts';

const LAYOUTS = [
  { type: 'H', columns: ['Typ', 'Numer', 'Data', 'NIP'] },
  { type: 'L', columns: ['Typ', 'Nazwa', 'Ilosc', 'Cena', 'Stawka'] },
];

test('csv record types: no header, type in column 1, each type named by its layout', async (t) => {
  const path = await fixtureFile(t, 'typy.csv', 'H;FV 1/2026;2026-11-03;7251801126\r\nL;Kawa;2;45,50;23\r\nL;Herbata;1;12,00;5\r\nS;57,50\r\n');
  const records = await collect(path, csvInput({ header: false, recordType: { column: '1' }, layouts: LAYOUTS }), 'typy.csv');
  assert.deepEqual(records, [
    { values: { Typ: 'H', Numer: 'FV 1/2026', Data: '2026-11-03', NIP: '7251801126' }, recordType: 'H', where: { file: 'typy.csv', row: 1, line: 1 } },
    { values: { Typ: 'L', Nazwa: 'Kawa', Ilosc: '2', Cena: '45,50', Stawka: '23' }, recordType: 'L', where: { file: 'typy.csv', row: 2, line: 2 } },
    { values: { Typ: 'L', Nazwa: 'Herbata', Ilosc: '1', Cena: '12,00', Stawka: '5' }, recordType: 'L', where: { file: 'typy.csv', row: 3, line: 3 } },
    // a type without a layout keeps column numbers
    { values: { '1': 'S', '2': '57,50' }, recordType: 'S', where: { file: 'typy.csv', row: 4, line: 4 } },
  ]);
});

test('csv record types: with a header, the type comes from a named column (trimmed)', async (t) => {
  const path = await fixtureFile(t, 'h.csv', 'Rodzaj;Numer;Nazwa\n H ;FV 1;\nL;FV 1;Kawa\n');
  const records = await collect(path, csvInput({ recordType: { column: 'Rodzaj' } }), 'h.csv');
  assert.deepEqual(records.map((r) => [r.recordType, r.values]), [
    ['H', { Rodzaj: ' H ', Numer: 'FV 1', Nazwa: '' }],
    ['L', { Rodzaj: 'L', Numer: 'FV 1', Nazwa: 'Kawa' }],
  ]);
});

test('csv record types: rows of one type are checked against its layout, not against other types', async (t) => {
  const path = await fixtureFile(t, 'r.csv', 'H;FV 1;2026-11-03;7251801126\nL;Kawa;2;45,50;23\nL;Kawa;2;45,50\n');
  const e = await failure(path, csvInput({ header: false, recordType: { column: '1' }, layouts: LAYOUTS }), 'r.csv');
  assert.equal(e.code, 'READ_CSV_RAGGED');
  assert.equal(e.message, 'line 3 has 4 columns but record type "L" (its layout) has 5');
  assert.deepEqual(e.where, { file: 'r.csv', line: 3, row: 3, value: '4' });
  // without layouts, each type is checked against its own first row
  const free = await fixtureFile(t, 'f.csv', 'H;FV 1;2026-11-03\nL;Kawa;2;45,50;23\nH;FV 2\n');
  const e2 = await failure(free, csvInput({ header: false, recordType: { column: '1' } }), 'f.csv');
  assert.equal(e2.message, 'line 3 has 2 columns but the first "H" row (line 1) has 3');
});

test('csv record types: a recordType column the header lacks names the closest header names', async (t) => {
  const path = await fixtureFile(t, 'n.csv', 'Numer;Typ rekordu;Nazwa\nFV 1;H;x\n');
  const e = await failure(path, csvInput({ recordType: { column: 'Typ' } }), 'n.csv');
  assert.equal(e.code, 'READ_CSV_NO_COLUMN');
  assert.equal(e.message, 'the recordType column "Typ" is not in the header; did you mean "Typ rekordu"? Columns: "Typ rekordu", "Numer", "Nazwa"');
  assert.deepEqual(e.where, { file: 'n.csv', line: 1, value: 'Typ' });
  const num = await fixtureFile(t, 'k.csv', 'H;FV 1\nL;x\n');
  const e2 = await failure(num, csvInput({ header: false, recordType: { column: '3' } }), 'k.csv');
  assert.equal(e2.code, 'READ_CSV_NO_COLUMN');
  assert.equal(e2.message, 'the recordType column "3" is not there: line 1 has 2 columns');
});
