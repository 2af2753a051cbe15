import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import type { FixedOptions, InputOptions } from '../../src/core/input-options.ts';
import { checkFixedLayouts } from '../../src/core/check-fixed-layouts.ts';
import { describeError } from '../../src/core/errors.ts';
import { collect, failure, fixtureFile } from './reader-test-kit.ts';

const layouts: FixedOptions = {
  discriminator: { start: 1, length: 1 },
  layouts: [
    { type: 'H', fields: [{ name: 'number', start: 2, length: 10 }, { name: 'buyer', start: 12, length: 20 }] },
    {
      type: 'L',
      fields: [
        { name: 'name', start: 2, length: 15 },
        { name: 'qty', start: 17, length: 6 },
        { name: 'code', start: 23, length: 3, trim: false },
      ],
    },
    { type: 'S', fields: [{ name: 'net', start: 2, length: 12 }] },
  ],
  unknownRecords: 'error',
  skipEmptyLines: true,
};

const fixedInput = (fixed: Partial<FixedOptions> = {}, encoding: 'cp852' | 'utf-8' | 'auto' = 'cp852'): InputOptions => ({
  format: 'fixed',
  decode: { encoding, fallback: 'cp852' },
  fixed: { ...layouts, ...fixed },
});

const pad = (s: string, n: number): string => s.padEnd(n, ' ');
const H = 'H' + pad('FS-1/26', 10) + pad('Żuraw Łąkowa', 20);
const L1 = 'L' + pad('Drzwi dębowe', 15) + '004000' + 'A  ';
const L2 = 'L' + pad('Klamka', 15) + '000500' + 'B  ';
const S = 'S' + '000000499600';
const dos = (lines: string[]): Buffer => Buffer.concat([iconv.encode(lines.join('\r\n') + '\r\n', 'cp852'), Buffer.from([0x1a])]);

test('fixed: CP852 header, line and summary records with trimming and record types', async (t) => {
  const path = await fixtureFile(t, 'FAKT.TXT', dos([H, L1, '', L2, S]));
  const records = await collect(path, fixedInput(), 'FAKT.TXT');
  assert.deepEqual(records, [
    { values: { number: 'FS-1/26', buyer: 'Żuraw Łąkowa' }, recordType: 'H', where: { file: 'FAKT.TXT', line: 1 } },
    { values: { name: 'Drzwi dębowe', qty: '004000', code: 'A  ' }, recordType: 'L', where: { file: 'FAKT.TXT', line: 2 } },
    { values: { name: 'Klamka', qty: '000500', code: 'B  ' }, recordType: 'L', where: { file: 'FAKT.TXT', line: 4 } },
    { values: { net: '000000499600' }, recordType: 'S', where: { file: 'FAKT.TXT', line: 5 } },
  ]);
  // auto with fallback cp852 gives the same text
  const auto = await collect(path, fixedInput({}, 'auto'), 'FAKT.TXT');
  assert.equal(auto[0]!.values['buyer'], 'Żuraw Łąkowa');
});

test('fixed: one layout without discriminator reads every line', async (t) => {
  const path = await fixtureFile(t, 'one.txt', 'ab12\ncd34\n');
  const records = await collect(
    path,
    { format: 'fixed', decode: { encoding: 'utf-8' }, fixed: { layouts: [{ type: 'R', fields: [{ name: 'a', start: 1, length: 2 }, { name: 'n', start: 3, length: 2 }] }], unknownRecords: 'error', skipEmptyLines: true } },
    'one.txt',
  );
  assert.deepEqual(records.map((r) => [r.values, r.recordType, r.where.line]), [
    [{ a: 'ab', n: '12' }, 'R', 1],
    [{ a: 'cd', n: '34' }, 'R', 2],
  ]);
});

test('fixed: unknown record type is an error naming line and type, or ignored', async (t) => {
  const path = await fixtureFile(t, 'X.TXT', dos([H, 'X something', L1]));
  const e = await failure(path, fixedInput(), 'X.TXT');
  assert.equal(e.code, 'READ_FIXED_UNKNOWN_TYPE');
  assert.deepEqual(e.where, { file: 'X.TXT', line: 2, column: 1, value: 'X' });
  const records = await collect(path, fixedInput({ unknownRecords: 'ignore' }), 'X.TXT');
  assert.deepEqual(records.map((r) => r.recordType), ['H', 'L']);
});

test('fixed: a line shorter than its layout names line and field', async (t) => {
  const path = await fixtureFile(t, 'S.TXT', dos([H, L1.slice(0, 20)]));
  const e = await failure(path, fixedInput(), 'S.TXT');
  assert.equal(e.code, 'READ_FIXED_SHORT_LINE');
  assert.deepEqual(e.where, { file: 'S.TXT', line: 2, column: 17, field: 'qty', value: '20' });
  assert.equal(e.message, 'line 2 is 20 characters long but field "qty" of record type "L" needs positions 17–22');
});

test('checkFixedLayouts: overlap, zero length, start < 1, overrun, duplicates, each with its JSON path', () => {
  const bad: FixedOptions = {
    discriminator: { start: 1, length: 1 },
    layouts: [
      {
        type: 'H',
        recordLength: 30,
        fields: [
          { name: 'number', start: 2, length: 20 },
          { name: 'date', start: 20, length: 8 },
          { name: 'city', start: 28, length: 5 },
        ],
      },
      { type: 'L', fields: [{ name: 'zero', start: 2, length: 0 }, { name: 'before', start: 0, length: 3 }, { name: 'name', start: 5, length: 3 }, { name: 'name', start: 9, length: 1 }] },
      { type: 'LL', fields: [] },
      { type: 'H', fields: [] },
    ],
    unknownRecords: 'error',
    skipEmptyLines: true,
  };
  const problems = checkFixedLayouts(bad, 'mappings/dos.json#/input/fixed');
  assert.deepEqual(
    problems.map((p) => [p.code, p.kind, p.where.mapping, p.where.field]).sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    [
      ['READ_FIXED_OVERRUN', 'config', 'mappings/dos.json#/input/fixed/layouts/0/fields/2', 'city'],
      ['READ_FIXED_OVERLAP', 'config', 'mappings/dos.json#/input/fixed/layouts/0/fields/1', 'date'],
      ['READ_FIXED_DUPLICATE_FIELD', 'config', 'mappings/dos.json#/input/fixed/layouts/1/fields/3/name', 'name'],
      ['READ_FIXED_BAD_POSITION', 'config', 'mappings/dos.json#/input/fixed/layouts/1/fields/0/length', 'zero'],
      ['READ_FIXED_BAD_POSITION', 'config', 'mappings/dos.json#/input/fixed/layouts/1/fields/1/start', 'before'],
      ['READ_FIXED_TYPE_LENGTH', 'config', 'mappings/dos.json#/input/fixed/layouts/2/type', undefined],
      ['READ_FIXED_DUPLICATE_TYPE', 'config', 'mappings/dos.json#/input/fixed/layouts/3/type', undefined],
    ].sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
  );
  const overlap = problems.find((p) => p.code === 'READ_FIXED_OVERLAP')!;
  assert.equal(
    describeError(overlap),
    'field date: fields "number" (2–21) and "date" (20–27) overlap in layout "H" (rule: fields of one layout must not share positions) [mapping mappings/dos.json#/input/fixed/layouts/0/fields/1] [READ_FIXED_OVERLAP]',
  );
  assert.deepEqual(checkFixedLayouts(layouts), []);
});

test('fixed: the reader refuses overlapping layouts before reading', async (t) => {
  const path = await fixtureFile(t, 'O.TXT', 'Habc\n');
  const e = await failure(path, fixedInput({ layouts: [{ type: 'H', fields: [{ name: 'a', start: 1, length: 3 }, { name: 'b', start: 3, length: 2 }] }] }), 'O.TXT');
  assert.equal(e.code, 'READ_FIXED_OVERLAP');
  assert.equal(e.where.file, 'O.TXT');
  assert.equal(e.where.field, 'b');
});
