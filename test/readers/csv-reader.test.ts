import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, csvInput, failure, fixtureFile } from './reader-test-kit.ts';

test('csv: header row, values stay raw strings, provenance names row and line', async (t) => {
  const path = await fixtureFile(t, 'a.csv', 'Numer;Data;Kwota\r\nFV/1;01.02.2026;1 234,50\r\nFV/2;02.02.2026;006\r\n');
  const records = await collect(path, csvInput(), 'optima.csv');
  assert.deepEqual(records, [
    { values: { Numer: 'FV/1', Data: '01.02.2026', Kwota: '1 234,50' }, where: { file: 'optima.csv', row: 1, line: 2 } },
    { values: { Numer: 'FV/2', Data: '02.02.2026', Kwota: '006' }, where: { file: 'optima.csv', row: 2, line: 3 } },
  ]);
});

test('csv: ragged row names line, row and both column counts', async (t) => {
  const path = await fixtureFile(t, 'r.csv', 'a;b;c\n1;2;3\n4;5\n');
  const e = await failure(path, csvInput(), 'r.csv');
  assert.equal(e.code, 'READ_CSV_RAGGED');
  assert.deepEqual(e.where, { file: 'r.csv', line: 3, row: 2, value: '2' });
  assert.equal(e.message, 'line 3 has 2 columns but the header (line 1) has 3');
});
