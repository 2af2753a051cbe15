import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { SourceRecord } from '../../src/core/records.ts';
import { readRecords } from '../../src/readers/index.ts';
import { collect, csvInput, failure, fixtureFile, tempDir } from './reader-test-kit.ts';

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

const delimiters: [string, string][] = [
  [';', 'Numer;Kwota;Opis\nFV/1;1,50;"a;b"\nFV/2;2,00;c\n'],
  [',', 'Numer,Kwota,Opis\nFV/1,"1,50","a;b"\nFV/2,"2,00",c\n'],
  ['\t', 'Numer\tKwota\tOpis\nFV/1\t1,50\ta;b\nFV/2\t2,00\tc\n'],
  ['|', 'Numer|Kwota|Opis\nFV/1|1,50|a;b\nFV/2|2,00|c\n'],
];
for (const [delimiter, text] of delimiters) {
  test(`csv: delimiter auto detects ${JSON.stringify(delimiter)}`, async (t) => {
    const path = await fixtureFile(t, 'd.csv', text);
    const records = await collect(path, csvInput({ delimiter: 'auto' }), 'd.csv');
    assert.deepEqual(records.map((r) => r.values), [
      { Numer: 'FV/1', Kwota: '1,50', Opis: 'a;b' },
      { Numer: 'FV/2', Kwota: '2,00', Opis: 'c' },
    ]);
  });
}

test('csv: skipLines over title lines, trailing summary lines, column numbers without header', async (t) => {
  const text = 'Zestawienie "luty" 2026\nWygenerowano: 2026-02-05\nFV/1;10,00\n\nFV/2;20,00\nRazem;30,00\nLiczba pozycji: 2\n';
  const path = await fixtureFile(t, 's.csv', text);
  const records = await collect(path, csvInput({ header: false, skipLines: 2, skipTrailingLines: 2 }), 's.csv');
  assert.deepEqual(records, [
    { values: { '1': 'FV/1', '2': '10,00' }, where: { file: 's.csv', row: 1, line: 3 } },
    { values: { '1': 'FV/2', '2': '20,00' }, where: { file: 's.csv', row: 2, line: 5 } },
  ]);
});

test('csv: quoted line breaks keep line numbers right (LF and CRLF), empty rows skipped or kept', async (t) => {
  const text = 'a;b\r\n1;"x\r\ny"\r\n;\r\n2;"p\nq\nr"\r\n3;z\r\n';
  const path = await fixtureFile(t, 'q.csv', text);
  const skipped = await collect(path, csvInput(), 'q.csv');
  assert.deepEqual(skipped.map((r) => [r.values, r.where.row, r.where.line]), [
    [{ a: '1', b: 'x\ny' }, 1, 2],
    [{ a: '2', b: 'p\nq\nr' }, 3, 5],
    [{ a: '3', b: 'z' }, 4, 8],
  ]);
  const kept = await collect(path, csvInput({ skipEmptyRows: false }), 'q.csv');
  assert.deepEqual(kept.map((r) => [r.values, r.where.line]), [
    [{ a: '1', b: 'x\ny' }, 2],
    [{ a: '', b: '' }, 4],
    [{ a: '2', b: 'p\nq\nr' }, 5],
    [{ a: '3', b: 'z' }, 8],
  ]);
});

test('csv: windows-1250 with a non-breaking space thousands separator and typographic quotes', async (t) => {
  const text = 'Nazwa kontrahenta;Cena netto\r\nHurtownia „Pod Lipą” Sp. z o.o.;12\u00a0450,00\r\n';
  const path = await fixtureFile(t, 'o.csv', iconv.encode(text, 'windows1250'));
  const records = await collect(path, csvInput({}, { encoding: 'auto' }), 'o.csv');
  assert.deepEqual(records[0]!.values, { 'Nazwa kontrahenta': 'Hurtownia „Pod Lipą” Sp. z o.o.', 'Cena netto': '12\u00a0450,00' });
});

test('csv: duplicate header names and an unclosed quote', async (t) => {
  const dup = await fixtureFile(t, 'h.csv', 'Kwota;Netto;Kwota\n1;2;3\n');
  const e = await failure(dup, csvInput(), 'h.csv');
  assert.equal(e.code, 'READ_CSV_DUPLICATE_HEADER');
  assert.deepEqual(e.where, { file: 'h.csv', line: 1, column: 3, value: 'Kwota' });
  const open = await fixtureFile(t, 'u.csv', 'a;b\n1;"never closed\n2;3\n');
  const m = await failure(open, csvInput(), 'u.csv');
  assert.equal(m.code, 'READ_CSV_MALFORMED');
  assert.equal(m.where.file, 'u.csv');
  assert.equal(m.details?.[0], 'CSV_QUOTE_NOT_CLOSED');
});

test('csv: streams a generated 100,000-row file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'big.csv');
  const out = createWriteStream(path);
  out.write('Numer;Data;Nazwa;Kwota\r\n');
  for (let i = 1; i <= 100_000; i++) out.write(`FV/${i}/2026;01.02.2026;Towar żółty ${i};${i},50\r\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  let count = 0;
  let last: SourceRecord | undefined;
  for await (const r of readRecords(path, csvInput({ delimiter: 'auto' }, { encoding: 'auto' }), 'big.csv')) {
    count++;
    last = r;
  }
  assert.equal(count, 100_000);
  assert.deepEqual(last, {
    values: { Numer: 'FV/100000/2026', Data: '01.02.2026', Nazwa: 'Towar żółty 100000', Kwota: '100000,50' },
    where: { file: 'big.csv', row: 100_000, line: 100_001 },
  });
});

test('csv: quoting off keeps quote characters as data', async (t) => {
  const path = await fixtureFile(t, 'n.csv', 'Nazwa\tKwota\nFirma "ABC\t5\n');
  const records = await collect(path, csvInput({ delimiter: '\t', quote: '' }), 'n.csv');
  assert.deepEqual(records.map((r) => r.values), [{ Nazwa: 'Firma "ABC', Kwota: '5' }]);
});
