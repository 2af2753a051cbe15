import { AgentError } from '../core/errors.ts';
import { naturalTree, parseFa, valuesAt } from './fa-tree.ts';
import type { FaNode } from './fa-tree.ts';
import type { CompiledPurchaseField, CompiledPurchaseMapping } from './load-purchase-mapping.ts';

export type FlatRow = Readonly<Record<string, string>>;

function metaValue(meta: Readonly<Record<string, unknown>>, path: string): string[] {
  let cur: unknown = meta;
  for (const step of path.split('.')) {
    if (!cur || typeof cur !== 'object') return [];
    cur = (cur as Record<string, unknown>)[step];
  }
  if (cur === undefined || cur === null) return [];
  if (Array.isArray(cur)) return cur.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  return [typeof cur === 'object' ? JSON.stringify(cur) : String(cur)];
}

function exprValues(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(exprValues);
  if (typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}

function decimalOut(s: string, decimal: 'comma' | 'dot'): string {
  return decimal === 'comma' && /^-?\d+\.\d+$/.test(s) ? s.replace('.', ',') : s;
}

async function fieldValue(f: CompiledPurchaseField, fa: FaNode, view: () => unknown, meta: Readonly<Record<string, unknown>>, ksefNumber: string, mappingFile: string): Promise<string> {
  let values: string[];
  const s = f.source;
  if ('path' in s) values = valuesAt(fa, s.path);
  else if ('meta' in s) values = metaValue(meta, s.meta);
  else if ('value' in s) values = [s.value];
  else {
    try {
      values = exprValues(await s.expr.evaluate({ fa: view(), meta }));
    } catch (e) {
      throw new AgentError('PURCHASE_MAPPING_EXPR', `field ${f.name}: the expression failed for ${ksefNumber}: ${(e as { message?: string }).message ?? String(e)}`, { where: { mapping: `${mappingFile}#/fields/${f.name}`, invoice: ksefNumber, field: f.name }, cause: e });
    }
  }
  values = values.filter((v) => v !== '');
  if (values.length === 0) return f.default ?? '';
  if (f.join !== undefined) return values.map((v) => decimalOut(v, f.decimal)).join(f.join);
  return decimalOut(values[0]!, f.decimal);
}

/** One flat row for a downloaded invoice: field name → text, in the mapping's order. */
export async function applyPurchaseMapping(mapping: CompiledPurchaseMapping, xml: Buffer | string, meta: Readonly<Record<string, unknown>>): Promise<FlatRow> {
  const ksefNumber = typeof meta['ksefNumber'] === 'string' ? meta['ksefNumber'] : '';
  const fa = parseFa(xml, ksefNumber);
  let natural: unknown;
  const view = (): unknown => (natural ??= naturalTree(fa));
  const row: Record<string, string> = {};
  for (const f of mapping.fields) row[f.name] = await fieldValue(f, fa, view, meta, ksefNumber, mapping.file);
  return row;
}

function csvCell(v: string, delimiter: string): string {
  return v.includes(delimiter) || /["\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV text (UTF-8 with BOM so Excel reads Polish letters; CRLF line ends) of flat rows. */
export function renderPurchaseCsv(mapping: CompiledPurchaseMapping, rows: readonly FlatRow[]): string {
  const names = mapping.fields.map((f) => f.name);
  const d = mapping.csv.delimiter;
  const lines: string[] = [];
  if (mapping.csv.header) lines.push(names.map((n) => csvCell(n, d)).join(d));
  for (const r of rows) lines.push(names.map((n) => csvCell(r[n] ?? '', d)).join(d));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
