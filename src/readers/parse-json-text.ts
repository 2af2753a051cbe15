/**
 * A JSON parser for input files that keeps every number as the text it was written as
 * ("1234.10" stays "1234.10", 12345678901234567890 loses nothing) and reports syntax errors with
 * line and column. JSON.parse can do neither on Node 20 (no reviver `context.source`, and its
 * messages give at most a character offset). Booleans become "true"/"false"; null stays null.
 */
import type { SourceValue } from '../core/records.ts';

export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

export interface ParsedJson {
  readonly value: SourceValue;
  /** 1-based line of each element of the array at the target path (when it is an array) */
  readonly targetLines: number[];
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 500;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text`; `target` is the key path whose array elements' lines are wanted ([] = top level). */
export function parseJsonText(text: string, target: readonly string[]): ParsedJson {
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const targetLines: number[] = [];

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(message, line, at - lineStart + 1);
  };
  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : `"${text[at]}"`);

  const ws = (): void => {
    for (; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 10) {
        line++;
        lineStart = pos + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) break;
    }
  };

  const str = (): string => {
    pos++; // opening quote
    let out = '';
    let from = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 34) {
        out += text.slice(from, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('a line break or control character inside a string (it must be escaped)');
      if (c === 92) {
        out += text.slice(from, pos);
        const e = text[pos + 1] ?? '';
        if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          const r = ESCAPES[e];
          if (r === undefined) fail(`invalid escape "\\${e}" in a string`);
          out += r;
          pos += 2;
        }
        from = pos;
        continue;
      }
      pos++;
    }
  };

  const literal = (word: string, result: SourceValue): SourceValue => {
    if (!text.startsWith(word, pos)) fail(`unexpected ${describe(pos)}`);
    pos += word.length;
    return result;
  };

  const value = (depth: number, onTarget: boolean): SourceValue => {
    ws();
    if (depth > MAX_DEPTH) fail('nested too deeply');
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: { [k: string]: SourceValue } = {};
      ws();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail(`expected a property name in double quotes, found ${describe(pos)}`);
        const key = str();
        ws();
        if (text[pos] !== ':') fail(`expected ":" after property name "${key}", found ${describe(pos)}`);
        pos++;
        const v = value(depth + 1, onTarget && depth < target.length && target[depth] === key);
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail(`expected "," or "}" after a property value, found ${describe(pos)}`);
      }
    }
    if (c === '[') {
      pos++;
      const arr: SourceValue[] = [];
      const collect = onTarget && depth === target.length;
      ws();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        ws();
        if (collect) targetLines.push(line);
        arr.push(value(depth + 1, onTarget && depth < target.length && target[depth] === String(arr.length)));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail(`expected "," or "]" after an array element, found ${describe(pos)}`);
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', 'true');
    if (c === 'f') return literal('false', 'false');
    if (c === 'n') return literal('null', null);
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m && m[0] !== '-') {
      pos += m[0].length;
      return m[0];
    }
    return fail(`unexpected ${describe(pos)}`);
  };

  const result = value(0, true);
  ws();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
  return { value: result, targetLines };
}
