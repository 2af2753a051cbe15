import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonTextError, parseJsonText, positionAt } from '../../src/core/json-text.ts';
import type { JsonPath, TextPosition } from '../../src/core/json-text.ts';

function syntaxError(text: string): { message: string; line: number; column: number } {
  try {
    parseJsonText(text);
  } catch (e) {
    assert.ok(e instanceof JsonTextError, String(e));
    return { message: e.message, line: e.line, column: e.column };
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(text)}`);
}

test('native values agree with JSON.parse', () => {
  const text = '{"a":[1,-0.5e2,{"b":"c\\n\\t\\u00e9\\/"},[]],"d":{},"e":false,"f":null,"g":true}';
  assert.deepEqual(parseJsonText(text), JSON.parse(text));
  assert.equal(parseJsonText(' 7 '), 7);
  assert.equal(parseJsonText('"x"'), 'x');
});

test('text scalars keep numbers exactly as written and booleans as words', () => {
  const v = parseJsonText('[1234.10, 12345678901234567890, -0.00, 1e2, true, false, null]', { scalars: 'text' });
  assert.deepEqual(v, ['1234.10', '12345678901234567890', '-0.00', '1e2', 'true', 'false', null]);
});

test('__proto__ is data, never the prototype; duplicates: last wins or an error', () => {
  const v = parseJsonText('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.deepEqual(v['__proto__'], { x: 1 });
  assert.deepEqual(parseJsonText('{"a": 1, "a": 2}'), { a: 2 });
  assert.throws(() => parseJsonText('{"a": 1,\n "a": 2}', { duplicateKeys: 'error' }), { name: 'JsonTextError', message: 'duplicate property "a"', line: 2, column: 2 });
});

test('onValue reports every value with its path and 1-based position; BOM and CRLF handled', () => {
  const seen: [JsonPath, TextPosition][] = [];
  parseJsonText('\ufeff{"a": [1,\r\n  {"b": "x"}],\r\n "c": null}', { onValue: (path, at) => seen.push([[...path], at]) });
  assert.deepEqual(seen, [
    [[], { line: 1, column: 1 }],
    [['a'], { line: 1, column: 7 }],
    [['a', 0], { line: 1, column: 8 }],
    [['a', 1], { line: 2, column: 3 }],
    [['a', 1, 'b'], { line: 2, column: 9 }],
    [['c'], { line: 3, column: 7 }],
  ]);
});

const malformed: [string, string, number, number, string][] = [
  ['missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property value, found """'],
  ['missing comma in array', '[1 2]', 1, 4, 'expected "," or "]" after an array element, found "2"'],
  ['trailing comma', '[\n {"a": 1},\n]', 3, 1, 'unexpected "]"'],
  ['trailing comma in object', '{"a": 1,}', 1, 9, 'expected a property name in double quotes, found "}"'],
  ['leading comma', '[,1]', 1, 2, 'unexpected ","'],
  ['cut off', '{"orders": [\n {"a": "x"', 2, 11, 'expected "," or "}" after a property value, found the end of the file'],
  ['cut off array', '[1,', 1, 4, 'unexpected the end of the file'],
  ['cut off after brace', '{', 1, 2, 'expected a property name in double quotes, found the end of the file'],
  ['empty', '', 1, 1, 'unexpected the end of the file'],
  ['single quotes', "{'a': 1}", 1, 2, 'expected a property name in double quotes, found "\'"'],
  ['missing colon', '{"a" 1}', 1, 6, 'expected ":" after property name "a", found "1"'],
  ['leading zero', '{"a": 01}', 1, 8, 'expected "," or "}" after a property value, found "1"'],
  ['raw newline in string', '{"a": "x\ny"}', 1, 9, 'a line break or control character inside a string (it must be escaped)'],
  ['tab in string', '["a\tb"]', 1, 4, 'a line break or control character inside a string (it must be escaped)'],
  ['unterminated string', '["abc', 1, 6, 'unterminated string'],
  ['bad escape', '["a\\xb"]', 1, 4, 'invalid escape "\\x" in a string'],
  ['bad unicode escape', '["\\u12G4"]', 1, 3, 'invalid \\u escape in a string'],
  ['bad number', '[1.]', 1, 2, 'invalid number "1."'],
  ['comment', '{ // no\n}', 1, 3, 'comments are not allowed in JSON'],
  ['NaN', '[NaN]', 1, 2, 'unexpected "N"'],
  ['two values', '{} {}', 1, 4, 'unexpected "{" after the end of the JSON value'],
  ['non-breaking space', '[1,\u00a02]', 1, 4, 'unexpected "\u00a0"'],
];
for (const [name, text, line, column, message] of malformed) {
  test(`syntax error (${name}) names line, column and what was expected`, () => {
    assert.deepEqual(syntaxError(text), { message, line, column });
  });
}

test('nesting deeper than 500 levels is an error, not a stack overflow', () => {
  assert.equal(syntaxError('['.repeat(600) + ']'.repeat(600)).message, 'nested too deeply');
  assert.equal((parseJsonText('['.repeat(400) + ']'.repeat(400)) as unknown[]).length, 1);
});

test('positionAt counts \\n, \\r\\n and a lone \\r as line ends', () => {
  assert.deepEqual(positionAt('ab\r\ncd\ref\ng', 10), { line: 4, column: 1 });
  assert.deepEqual(positionAt('abc', 2), { line: 1, column: 3 });
});
