/**
 * The one way a mapping-like JSON file (a sales mapping, a purchase mapping) is read: strict JSON
 * with the position of every value, then its JSON Schema with every problem reported at its line
 * and column. The loaders then do their own semantic checks on the value, with the same positions.
 */
import { AgentError } from '../core/errors.ts';
import { JsonTextError, parseJsonText, type JsonPath, type TextPosition } from '../core/json-text.ts';
import { schemaErrors, type SchemaUse } from './schema-errors.ts';

export interface JsonDocument {
  /** the parsed value when it is JSON and fits the schema */
  readonly value?: unknown;
  /** JSON pointer → where its value starts */
  readonly positions: ReadonlyMap<string, TextPosition>;
  readonly errors: AgentError[];
}

/** `["invoice", "lines", 0]` → `/invoice/lines/0` (RFC 6901) */
export function jsonPointer(path: JsonPath): string {
  let out = '';
  for (const p of path) out += '/' + (typeof p === 'number' ? String(p) : p.replace(/~/g, '~0').replace(/\//g, '~1'));
  return out;
}

/** Parses `text` (a syntax error: `use.syntaxCode` with line and column) and validates it against `use.schema`. */
export function checkJsonDocument(text: string, file: string, use: SchemaUse): JsonDocument {
  let value: unknown;
  const positions = new Map<string, TextPosition>();
  try {
    value = parseJsonText(text, { duplicateKeys: 'error', onValue: (path, at) => positions.set(jsonPointer(path), at) });
  } catch (err) {
    if (!(err instanceof JsonTextError)) throw err;
    const { line, column } = err;
    return { positions, errors: [new AgentError(use.syntaxCode, `not valid JSON: ${err.message}`, { kind: 'config', where: { file, line, column, mapping: file }, rule: 'JSON syntax' })] };
  }
  const errors = schemaErrors(value, file, positions, use);
  return errors.length > 0 ? { positions, errors } : { value, positions, errors };
}
