import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputOptions } from '../../src/core/input-options.ts';
import { parseJsonText } from '../../src/core/json-text.ts';
import { collect, failure, fixtureFile } from './reader-test-kit.ts';

const jsonInput = (recordPath: string): InputOptions => ({ format: 'json', decode: { encoding: 'auto' }, json: { recordPath } });

const shop = `\ufeff{
  "shop": "kawa.example",
  "data": {
    "orders": [
      { "id": "1001", "total": 1234.10, "big": 12345678901234567890, "paid": true, "note": null,
        "items": [ { "sku": "A", "qty": 2, "price": 0.1 }, { "sku": "B", "qty": 1e2, "price": -0.00 } ] },
      {"id": "1002", "buyer": {"name": "Zażółć \\"gęślą\\" \\u0142", "vat": "PL006"}, "items": []}
    ]
  }
}`;

test('json: nested record path, numbers keep their text, nested arrays kept, path and line', async (t) => {
  const path = await fixtureFile(t, 'orders.json', shop);
  const records = await collect(path, jsonInput('data.orders'), 'orders.json');
  assert.deepEqual(records, [
    {
      values: {
        id: '1001',
        total: '1234.10',
        big: '12345678901234567890',
        paid: 'true',
        note: null,
        items: [{ sku: 'A', qty: '2', price: '0.1' }, { sku: 'B', qty: '1e2', price: '-0.00' }],
      },
      where: { file: 'orders.json', path: '$.data.orders[0]', line: 5 },
    },
    {
      values: { id: '1002', buyer: { name: 'Zażółć "gęślą" ł', vat: 'PL006' }, items: [] },
      where: { file: 'orders.json', path: '$.data.orders[1]', line: 7 },
    },
  ]);
});

test('json: top-level array with "" and a __proto__ key stays data', async (t) => {
  const path = await fixtureFile(t, 'a.json', '[{"a":1},\n{"__proto__":{"x":"1"}}]');
  const records = await collect(path, jsonInput(''), 'a.json');
  assert.equal(records.length, 2);
  assert.deepEqual(records[0], { values: { a: '1' }, where: { file: 'a.json', path: '$[0]', line: 1 } });
  assert.equal(Object.getPrototypeOf(records[1]!.values), Object.prototype);
  assert.deepEqual(Object.keys(records[1]!.values), ['__proto__']);
  assert.equal(records[1]!.where.line, 2);
});

const malformed: [string, string, number, number, string][] = [
  ['missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property value, found """'],
  ['trailing comma', '[\n {"a": 1},\n]', 3, 1, 'unexpected "]"'],
  ['cut off', '{"orders": [\n {"a": "x"', 2, 11, 'expected "," or "}" after a property value, found the end of the file'],
  ['single quotes', "{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
  ['leading zero', '{"a": 01}', 1, 8, 'expected "," or "}" after a property value, found "1"'],
  ['raw newline in string', '{"a": "x\ny"}', 1, 9, 'a line break or control character inside a string (it must be escaped)'],
];
for (const [name, text, line, column, message] of malformed) {
  test(`json: malformed (${name}) names line and column`, async (t) => {
    const path = await fixtureFile(t, 'bad.json', text);
    const e = await failure(path, jsonInput('orders'), 'bad.json');
    assert.equal(e.code, 'READ_JSON_MALFORMED');
    assert.deepEqual(e.where, { file: 'bad.json', line, column });
    assert.equal(e.message, `the JSON is not valid: ${message}`);
  });
}

test('json: missing record path and non-object records', async (t) => {
  const path = await fixtureFile(t, 'o.json', '{"orders": [{"a": "1"}, 7]}');
  const missing = await failure(path, jsonInput('data.orders'), 'o.json');
  assert.equal(missing.code, 'READ_JSON_NO_RECORDS');
  assert.deepEqual(missing.where, { file: 'o.json', path: '$.data.orders' });
  assert.deepEqual(missing.details, ['top-level keys: orders']);
  const notObject = await failure(path, jsonInput('orders'), 'o.json');
  assert.equal(notObject.code, 'READ_JSON_NOT_OBJECT');
  assert.deepEqual(notObject.where, { file: 'o.json', path: '$.orders[1]', line: 1 });
});

test('parseJsonText agrees with JSON.parse on structure', () => {
  const text = '{"a":[1,{"b":"c\\n\\t\\u00e9"},[]],"d":{},"e":false}';
  assert.deepEqual(parseJsonText(text, { scalars: 'text' }), { a: ['1', { b: 'c\n\té' }, []], d: {}, e: 'false' });
  assert.deepEqual(JSON.parse(text).a[1], { b: 'c\n\té' });
});
