import { readFile } from 'node:fs/promises';
import jsonata from 'jsonata';
import { AgentError, describeError } from '../core/errors.ts';
import type { TextPosition } from '../core/json-text.ts';
import { checkJsonDocument, jsonPointer } from '../mapping/check-json-document.ts';
import { configError } from '../mapping/compile-ctx.ts';
import { schemaErrors, type SchemaUse } from '../mapping/schema-errors.ts';
import type { PurchaseFieldJson, PurchaseMappingJson } from './purchase-mapping-file.ts';
import { PURCHASE_MAPPING_SCHEMA } from './purchase-mapping-schema.ts';
export interface CompiledPurchaseField {
  readonly name: string;
  readonly source: { readonly path: string } | { readonly meta: string } | { readonly value: string } | { readonly expr: jsonata.Expression; readonly text: string };
  readonly default?: string;
  readonly join?: string;
  readonly decimal: 'comma' | 'dot';
}

/** A checked reverse mapping: what the purchase job applies to each downloaded invoice. */
export interface CompiledPurchaseMapping {
  readonly file: string;
  readonly name: string;
  readonly csv: { readonly delimiter: string; readonly header: boolean };
  readonly fields: readonly CompiledPurchaseField[];
}

/** Purchase mappings are read like sales mappings (src/mapping/check-json-document.ts), against their own schema. */
const PURCHASE_SCHEMA_USE: SchemaUse = { schema: PURCHASE_MAPPING_SCHEMA, code: 'MAP_SCHEMA', syntaxCode: 'MAP_JSON_SYNTAX', rule: 'purchase mapping schema (PURCHASE_MAPPING_SCHEMA)' };

/** Every problem of a purchase mapping, each with its JSON pointer and (when read from a file) line and column. */
export class PurchaseMappingInvalidError extends AgentError {
  readonly problems: readonly AgentError[];
  constructor(file: string, problems: readonly AgentError[]) {
    const first = problems[0];
    const at = first?.where.line !== undefined ? ` (line ${first.where.line}, column ${first.where.column ?? '?'})` : '';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : '';
    super('PURCHASE_MAPPING_INVALID', `${first?.where.mapping ?? file}${at}: ${first?.message ?? 'invalid'}${more}`, {
      kind: 'config',
      where: { file, ...(first?.where.mapping ? { mapping: first.where.mapping } : {}), ...(first?.where.line !== undefined ? { line: first.where.line, column: first.where.column ?? 0 } : {}) },
      details: problems.map(describeError),
    });
    this.problems = problems;
  }
}

function compileField(ctx: { file: string; positions: ReadonlyMap<string, TextPosition> }, name: string, f: PurchaseFieldJson, errors: AgentError[]): CompiledPurchaseField {
  // the schema has checked the keys, exactly one source, the path and meta forms and decimal
  let source: CompiledPurchaseField['source'];
  if (f.path !== undefined) source = { path: f.path };
  else if (f.meta !== undefined) source = { meta: f.meta };
  else if (f.value !== undefined) source = { value: f.value };
  else {
    try {
      source = { expr: jsonata(f.expr!), text: f.expr! };
    } catch (e) {
      const pointer = jsonPointer(['fields', name, 'expr']);
      errors.push(configError(ctx, 'MAP_EXPR_SYNTAX', pointer, `JSONata syntax error: ${(e as { message?: string }).message ?? String(e)}`, { rule: 'JSONata expression', value: f.expr! }));
      source = { value: '' };
    }
  }
  return {
    name,
    source,
    decimal: f.decimal ?? 'dot',
    ...(f.default !== undefined ? { default: f.default } : {}),
    ...(f.join !== undefined ? { join: f.join } : {}),
  };
}

function compileChecked(m: PurchaseMappingJson, file: string, positions: ReadonlyMap<string, TextPosition>): CompiledPurchaseMapping {
  const errors: AgentError[] = [];
  const ctx = { file, positions };
  const fields = Object.entries(m.fields).map(([name, f]) => compileField(ctx, name, f, errors));
  if (errors.length > 0) throw new PurchaseMappingInvalidError(file, errors);
  return { file, name: m.name ?? file, csv: { delimiter: m.csv?.delimiter ?? ';', header: m.csv?.header ?? true }, fields };
}

/** Checks a parsed mapping (no text, so no line numbers); every problem names the file and JSON pointer. */
export function compilePurchaseMapping(json: unknown, file: string): CompiledPurchaseMapping {
  const positions = new Map<string, TextPosition>();
  const problems = schemaErrors(json, file, positions, PURCHASE_SCHEMA_USE);
  if (problems.length > 0) throw new PurchaseMappingInvalidError(file, problems);
  return compileChecked(json as PurchaseMappingJson, file, positions);
}

/** Reads and checks a purchase mapping file: JSON syntax, schema and JSONata, each problem with its line and column. */
export async function loadPurchaseMapping(file: string): Promise<CompiledPurchaseMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PurchaseMappingInvalidError(file, [new AgentError('MAP_FILE_READ', `cannot read the mapping: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { kind: 'config', where: { file }, cause: e })]);
  }
  const doc = checkJsonDocument(text, file, PURCHASE_SCHEMA_USE);
  if (doc.value === undefined) throw new PurchaseMappingInvalidError(file, doc.errors);
  return compileChecked(doc.value as PurchaseMappingJson, file, doc.positions);
}
