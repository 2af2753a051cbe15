/**
 * JSON reader: the whole (decoded) document, numbers kept as their original text, one record per
 * element of the array at `recordPath` (a dot path; "" for a top-level array). An object at the
 * path is one record. Provenance: JSONPath-style `$.orders[0]` (0-based) and the element's line.
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord, SourceValue } from '../core/records.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { decodeFileToString } from './decode.ts';
import { JsonTextError, parseJsonText } from '../core/json-text.ts';

type JsonInput = OptionsOf<'json'>;
type JsonObject = { readonly [key: string]: SourceValue };

const isObject = (v: SourceValue | undefined): v is JsonObject => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

function at(value: SourceValue, segments: readonly string[]): SourceValue | undefined {
  let cur: SourceValue | undefined = value;
  for (const seg of segments) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(seg) ? (cur as readonly SourceValue[])[Number(seg)] : undefined;
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

async function* readJson(path: string, input: JsonInput, displayName: string): AsyncGenerator<SourceRecord> {
  const text = await decodeFileToString(path, { decode: input.decode, displayName });
  const recordPath = input.json.recordPath;
  const segments = recordPath === '' ? [] : recordPath.split('.');
  // the line where each element of the record array starts, for provenance
  const targetLines: number[] = [];
  const onValue = (p: readonly (string | number)[], where: { readonly line: number }): void => {
    if (p.length !== segments.length + 1) return;
    for (let i = 0; i < segments.length; i++) if (String(p[i]) !== segments[i]) return;
    if (typeof p[segments.length] === 'number') targetLines.push(where.line);
  };
  let parsed: { value: SourceValue; targetLines: number[] };
  try {
    parsed = { value: parseJsonText(text, { scalars: 'text', onValue }) as SourceValue, targetLines };
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new AgentError('READ_JSON_MALFORMED', `the JSON is not valid: ${e.message}`, {
      where: { file: displayName, line: e.line, column: e.column },
    });
  }
  const base = segments.length === 0 ? '$' : `$.${recordPath}`;
  const target = at(parsed.value, segments);
  if (target === undefined) {
    throw new AgentError('READ_JSON_NO_RECORDS', `there is nothing at "${recordPath}"`, {
      where: { file: displayName, path: base },
      rule: 'recordPath is a dot path to the array of records, e.g. "orders" or "data.invoices"; "" for a top-level array',
      ...(isObject(parsed.value) ? { details: [`top-level keys: ${Object.keys(parsed.value).join(', ')}`] } : {}),
    });
  }
  const items = Array.isArray(target) ? (target as readonly SourceValue[]) : [target];
  const lines = Array.isArray(target) && parsed.targetLines.length === items.length ? parsed.targetLines : undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const where = {
      file: displayName,
      path: Array.isArray(target) ? `${base}[${i}]` : base,
      ...(lines ? { line: lines[i]! } : {}),
    };
    if (!isObject(item)) {
      throw new AgentError('READ_JSON_NOT_OBJECT', `each record must be a JSON object, but ${where.path} is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : `the value ${JSON.stringify(item)}`}`, {
        where,
        rule: 'recordPath points at an array of objects',
      });
    }
    yield { values: item, where };
  }
}

export const jsonReader: Reader<JsonInput> = {
  read: (path, options, displayName) => readJson(path, options, displayName),
};
