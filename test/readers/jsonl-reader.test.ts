import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import type { DecodeOptions, InputOptions } from '../../src/core/input-options.ts';
import { DEFAULT_LIMITS } from '../../src/core/limits.ts';
import { readRecords } from '../../src/readers/index.ts';
import { collect, failure, fixtureFile, utf8 } from './reader-test-kit.ts';

const jsonlInput = (decode: DecodeOptions = utf8): InputOptions => ({ format: 'jsonl', decode, jsonl: {} });

test('jsonl: one object per line, numbers as text, nested values kept, empty lines skipped, 1-based lines', async (t) => {
  const path = await fixtureFile(t, 'orders.jsonl', '\uFEFF{"id":"Z-1","total":1234.10,"paid":true,"items":[{"sku":"A","qty":2}]}\r\n\r\n   \n{"id":"Z-2","total":12345678901234567890,"buyer":null}\n');
  const records = await collect(path, jsonlInput(), 'orders.jsonl');
  assert.deepEqual(records, [
    { values: { id: 'Z-1', total: '1234.10', paid: 'true', items: [{ sku: 'A', qty: '2' }] }, where: { file: 'orders.jsonl', line: 1 } },
    { values: { id: 'Z-2', total: '12345678901234567890', buyer: null }, where: { file: 'orders.jsonl', line: 4 } },
  ]);
});

test('jsonl: a last line without a line break counts; windows-1250 text is decoded', async (t) => {
  const path = await fixtureFile(t, 'w.jsonl', iconv.encode('{"name":"Łódź"}\n{"name":"Gdańsk"}', 'windows-1250'));
  const records = await collect(path, jsonlInput({ encoding: 'auto' }), 'w.jsonl');
  assert.deepEqual(records.map((r) => [r.where.line, r.values['name']]), [[1, 'Łódź'], [2, 'Gdańsk']]);
});

test('jsonl: a syntax error names its line and the parser message (READ_JSONL_SYNTAX)', async (t) => {
  const path = await fixtureFile(t, 'bad.jsonl', '{"id":"Z-1"}\n\n{"id":"Z-2",}\n{"id":"Z-3"}\n');
  const e = await failure(path, jsonlInput(), 'bad.jsonl');
  assert.equal(e.code, 'READ_JSONL_SYNTAX');
  assert.equal(e.message, 'line 3 is not valid JSON: expected a property name in double quotes, found "}"');
  assert.deepEqual(e.where, { file: 'bad.jsonl', line: 3, column: 13 });
});

test('jsonl: a line cut short says the line ends, not the file', async (t) => {
  const path = await fixtureFile(t, 'cut.jsonl', '{"id":"Z-1"}\n{"id":"Z-2"');
  const e = await failure(path, jsonlInput(), 'cut.jsonl');
  assert.equal(e.code, 'READ_JSONL_SYNTAX');
  assert.equal(e.message, 'line 2 is not valid JSON: expected "," or "}" after a property value, found the end of the line');
  assert.equal(e.where.line, 2);
});

test('jsonl: a line that is not an object is READ_JSONL_NOT_OBJECT', async (t) => {
  for (const [text, what] of [['[1,2]', 'an array'], ['"x"', 'the value "x"'], ['null', 'null'], ['12.50', 'the value "12.50"']] as const) {
    const path = await fixtureFile(t, 'n.jsonl', `{"id":1}\n${text}\n`);
    const e = await failure(path, jsonlInput(), 'n.jsonl');
    assert.equal(e.code, 'READ_JSONL_NOT_OBJECT', text);
    assert.equal(e.message, `each line must be a JSON object, but line 2 is ${what}`);
    assert.deepEqual(e.where, { file: 'n.jsonl', line: 2 });
  }
});

test('jsonl: record length and record count limits stop reading', async (t) => {
  const long = await fixtureFile(t, 'long.jsonl', `{"id":1}\n{"note":"${'x'.repeat(200)}"}\n`);
  const limits = { ...DEFAULT_LIMITS, maxRecordChars: 100, maxRecordsPerFile: 2 };
  const read = async (path: string) => {
    try {
      for await (const _ of readRecords(path, jsonlInput(), 'l.jsonl', limits)) void _;
    } catch (e) {
      return e as { code: string; where: { line?: number } };
    }
    assert.fail('expected a limit error');
  };
  const e1 = await read(long);
  assert.equal(e1.code, 'LIMIT_RECORD_LENGTH');
  assert.equal(e1.where.line, 2);
  const many = await fixtureFile(t, 'many.jsonl', '{"a":1}\n{"a":2}\n\n{"a":3}\n');
  const e2 = await read(many);
  assert.equal(e2.code, 'LIMIT_RECORDS');
  assert.equal(e2.where.line, 4);
});
