import { readFile } from 'node:fs/promises';
import jsonata from 'jsonata';
import { AgentError } from '../core/errors.ts';
import type { PurchaseFieldJson, PurchaseMappingJson } from './purchase-mapping-file.ts';

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

const FIELD_KEYS = new Set(['path', 'meta', 'value', 'expr', 'default', 'join', 'decimal']);
const TOP_KEYS = new Set(['$schema', 'name', 'description', 'csv', 'fields']);
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function invalid(file: string, pointer: string, message: string, cause?: unknown): AgentError {
  return new AgentError('PURCHASE_MAPPING_INVALID', `${file}#${pointer}: ${message}`, { kind: 'config', where: { mapping: `${file}#${pointer}` }, ...(cause ? { cause } : {}) });
}

function compileField(file: string, name: string, f: PurchaseFieldJson): CompiledPurchaseField {
  const at = `/fields/${name}`;
  if (!NAME.test(name)) throw invalid(file, at, 'a field name is letters, digits, _ . - (up to 64), starting with a letter or _');
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw invalid(file, at, 'a field is an object such as {"path": "Fa/P_2"}');
  for (const k of Object.keys(f)) if (!FIELD_KEYS.has(k)) throw invalid(file, `${at}/${k}`, `unknown key "${k}" (allowed: ${[...FIELD_KEYS].join(', ')})`);
  const sources = (['path', 'meta', 'value', 'expr'] as const).filter((k) => f[k] !== undefined);
  if (sources.length !== 1) throw invalid(file, at, `give exactly one of path, meta, value, expr (found ${sources.length ? sources.join(', ') : 'none'})`);
  for (const k of ['path', 'meta', 'value', 'expr', 'default', 'join'] as const) {
    if (f[k] !== undefined && typeof f[k] !== 'string') throw invalid(file, `${at}/${k}`, 'must be a string');
  }
  if (f.decimal !== undefined && f.decimal !== 'comma' && f.decimal !== 'dot') throw invalid(file, `${at}/decimal`, 'must be "comma" or "dot"');
  let source: CompiledPurchaseField['source'];
  if (f.path !== undefined) {
    if (!/^[A-Za-z_][\w.-]*(\/[A-Za-z_][\w.-]*)*(\/@[A-Za-z_][\w.-]*)?$/.test(f.path)) throw invalid(file, `${at}/path`, `"${f.path}" is not a slash path of FA elements inside <Faktura>, e.g. Podmiot1/DaneIdentyfikacyjne/NIP`);
    source = { path: f.path };
  } else if (f.meta !== undefined) {
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(f.meta)) throw invalid(file, `${at}/meta`, `"${f.meta}" is not a dotted metadata path such as seller.nip`);
    source = { meta: f.meta };
  } else if (f.value !== undefined) source = { value: f.value };
  else {
    try {
      source = { expr: jsonata(f.expr!), text: f.expr! };
    } catch (e) {
      throw invalid(file, `${at}/expr`, `JSONata syntax error: ${(e as { message?: string }).message ?? String(e)}`, e);
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

/** Checks a parsed mapping; every problem names the file and JSON pointer. */
export function compilePurchaseMapping(json: unknown, file: string): CompiledPurchaseMapping {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw invalid(file, '', 'a purchase mapping is a JSON object with "fields"');
  const m = json as PurchaseMappingJson;
  for (const k of Object.keys(m)) if (!TOP_KEYS.has(k)) throw invalid(file, `/${k}`, `unknown key "${k}" (allowed: ${[...TOP_KEYS].join(', ')})`);
  if (!m.fields || typeof m.fields !== 'object' || Array.isArray(m.fields) || Object.keys(m.fields).length === 0) {
    throw invalid(file, '/fields', 'declare at least one field: {"seller_nip": {"path": "Podmiot1/DaneIdentyfikacyjne/NIP"}}');
  }
  const delimiter = m.csv?.delimiter ?? ';';
  if (![';', ',', '\t', '|'].includes(delimiter)) throw invalid(file, '/csv/delimiter', 'must be one of ; , | or a tab');
  if (m.csv?.header !== undefined && typeof m.csv.header !== 'boolean') throw invalid(file, '/csv/header', 'must be true or false');
  return {
    file,
    name: m.name ?? file,
    csv: { delimiter, header: m.csv?.header ?? true },
    fields: Object.entries(m.fields).map(([name, f]) => compileField(file, name, f)),
  };
}

export async function loadPurchaseMapping(file: string): Promise<CompiledPurchaseMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw invalid(file, '', `cannot read the mapping: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw invalid(file, '', `not valid JSON: ${(e as Error).message}`, e);
  }
  return compilePurchaseMapping(json, file);
}
