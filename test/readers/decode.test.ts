import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { AgentError } from '../../src/core/errors.ts';
import type { DecodeOptions, InputOptions } from '../../src/core/input-options.ts';
import { decodeFileToString, resolveEncoding } from '../../src/readers/decode.ts';
import { csvDefaults, failure, fixtureFile } from './reader-test-kit.ts';

const polish = 'Zażółć gęślą jaźń; ZAŻÓŁĆ GĘŚLĄ JAŹŃ\nąćęłńóśźż\n';
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

const ok: [string, Buffer, DecodeOptions, string][] = [
  ['utf-8 without BOM', Buffer.from(polish, 'utf8'), { encoding: 'utf-8' }, 'utf-8'],
  ['utf-8 with BOM', Buffer.concat([bom, Buffer.from(polish, 'utf8')]), { encoding: 'utf-8' }, 'utf-8'],
  ['windows-1250', iconv.encode(polish, 'windows1250'), { encoding: 'windows-1250' }, 'windows-1250'],
  ['cp852', iconv.encode(polish, 'cp852'), { encoding: 'cp852' }, 'cp852'],
  ['iso-8859-2', iconv.encode(polish, 'iso88592'), { encoding: 'iso-8859-2' }, 'iso-8859-2'],
  ['auto on UTF-8 with BOM', Buffer.concat([bom, Buffer.from(polish, 'utf8')]), { encoding: 'auto' }, 'utf-8'],
  ['auto on windows-1250 (default fallback)', iconv.encode(polish, 'windows1250'), { encoding: 'auto' }, 'windows-1250'],
  ['auto on cp852 with fallback cp852', iconv.encode(polish, 'cp852'), { encoding: 'auto', fallback: 'cp852' }, 'cp852'],
  ['auto on plain ASCII', Buffer.from('abc;def\n'), { encoding: 'auto', fallback: 'cp852' }, 'utf-8'],
];
for (const [name, bytes, decode, encoding] of ok) {
  test(`decode: ${name}`, async (t) => {
    const path = await fixtureFile(t, 'f.txt', bytes);
    const expected = bytes.toString('latin1') === 'abc;def\n' ? 'abc;def\n' : polish;
    assert.equal(await decodeFileToString(path, { decode, displayName: 'f.txt' }), expected);
    assert.equal((await resolveEncoding(path, { decode, displayName: 'f.txt' })).encoding, encoding);
  });
}

test('decode: a CP852 file read as UTF-8 names file, line, byte offset and bytes', async (t) => {
  const bytes = iconv.encode('Numer;Nazwa\nFV/1;Łąka\n', 'cp852');
  const path = await fixtureFile(t, 'f.csv', bytes);
  const e = await failure(path, { format: 'csv', decode: { encoding: 'utf-8' }, csv: csvDefaults }, 'FAKT.CSV');
  assert.equal(e.code, 'READ_ENCODING');
  assert.deepEqual(e.where, { file: 'FAKT.CSV', line: 2, value: '9D A5 6B 61' });
  assert.equal(e.message, 'the file is not valid UTF-8 at byte 17 (bytes 9D A5 6B 61)');
  assert.deepEqual(e.details, ['byte offset 17']);
});

test('decode: a UTF-8 file declared as windows-1250 is refused instead of turned into mojibake', async (t) => {
  const path = await fixtureFile(t, 'u.csv', Buffer.from('a;b\nŁąka;1\n', 'utf8'));
  const e = await failure(path, { format: 'csv', decode: { encoding: 'windows-1250' }, csv: csvDefaults }, 'u.csv');
  assert.equal(e.code, 'READ_ENCODING');
  assert.deepEqual(e.where, { file: 'u.csv' });
  assert.equal(e.message, 'the file is UTF-8 but the mapping says windows-1250; set "encoding" to "utf-8" or "auto"');
});

test('decode: a byte windows-1250 does not define names its offset and line', async (t) => {
  const path = await fixtureFile(t, 'w.txt', Buffer.concat([Buffer.from('ab\ncd'), Buffer.from([0x98]), Buffer.from('\n')]));
  const e = await failure(path, { format: 'csv', decode: { encoding: 'windows-1250' }, csv: csvDefaults }, 'w.txt');
  assert.equal(e.code, 'READ_ENCODING');
  assert.deepEqual(e.where, { file: 'w.txt', line: 2, value: '98' });
  assert.equal(e.message, 'byte 98 at offset 5 is not a character in windows-1250');
});

test('decode: a file cut in the middle of a UTF-8 character', async (t) => {
  const path = await fixtureFile(t, 'c.txt', Buffer.from([0x61, 0x0a, 0x62, 0xc5]));
  await assert.rejects(decodeFileToString(path, { decode: { encoding: 'utf-8' }, displayName: 'c.txt' }), (e: AgentError) => {
    assert.equal(e.code, 'READ_ENCODING');
    assert.deepEqual(e.where, { file: 'c.txt', line: 2, value: 'C5' });
    return true;
  });
});

test('decode: characters split across read chunks, and a DOS Ctrl-Z at the end', async (t) => {
  const line = 'ąęł'.repeat(10_000) + '\n'; // > 64 KiB of UTF-8, 2-byte letters straddle chunk ends
  const text = line.repeat(3);
  const path = await fixtureFile(t, 'big.txt', Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0x1a])]));
  assert.equal(await decodeFileToString(path, { decode: { encoding: 'utf-8' }, displayName: 'big.txt' }), text);
  const cp = await fixtureFile(t, 'big852.txt', Buffer.concat([iconv.encode(text, 'cp852'), Buffer.from([0x1a])]));
  assert.equal(await decodeFileToString(cp, { decode: { encoding: 'auto', fallback: 'cp852' }, displayName: 'big852.txt' }), text);
});

test('decode: an XML declaration of an unsupported encoding', async (t) => {
  const path = await fixtureFile(t, 'x.xml', '<?xml version="1.0" encoding="Shift_JIS"?><a/>');
  await assert.rejects(decodeFileToString(path, { decode: { encoding: 'auto' }, displayName: 'x.xml', xml: true }), (e: AgentError) => {
    assert.equal(e.code, 'READ_ENCODING');
    assert.deepEqual(e.where, { file: 'x.xml', line: 1, value: 'Shift_JIS' });
    return true;
  });
});

const formats: InputOptions[] = [
  { format: 'csv', decode: { encoding: 'auto' }, csv: csvDefaults },
  { format: 'fixed', decode: { encoding: 'auto' }, fixed: { layouts: [{ type: 'R', fields: [{ name: 'a', start: 1, length: 1 }] }], unknownRecords: 'error', skipEmptyLines: true } },
  { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/a/b' } },
  { format: 'json', decode: { encoding: 'auto' }, json: { recordPath: '' } },
  { format: 'xlsx', xlsx: { sheet: 1, headerRow: 1, skipEmptyRows: true } },
];
const empties: [string, Buffer][] = [
  ['0 bytes', Buffer.alloc(0)],
  ['whitespace only', Buffer.from(' \r\n\t\n  ')],
  ['a BOM only', bom],
  ['a BOM and line breaks', Buffer.concat([bom, Buffer.from('\r\n\r\n')])],
];
for (const input of formats) {
  for (const [what, bytes] of empties) {
    test(`empty file (${what}) is READ_EMPTY for ${input.format}`, async (t) => {
      const path = await fixtureFile(t, `e.${input.format}`, bytes);
      const e = await failure(path, input, `empty.${input.format}`);
      assert.equal(e.code, 'READ_EMPTY');
      assert.deepEqual(e.where, { file: `empty.${input.format}` });
      assert.equal(e.kind, 'data');
    });
  }
}
