/**
 * Guesses for nested records (JSON, JSON Lines, XML): where the records are, which array inside a
 * record holds its lines, and canonical fields by leaf path and values (invoice fields from the
 * record, line fields from its line items).
 */
import type { SourceValue } from '../core/records.ts';
import { assignHeaders } from './header-dictionary.ts';
import { misencodingOf } from './misencoding.ts';
import { valuesFit } from './value-shapes.ts';
import type { Guess } from './build-rules.ts';
import { companyBeside, personNameTemplate } from './person-name.ts';

type Obj = { readonly [key: string]: SourceValue };
const isObj = (v: SourceValue | undefined): v is Obj => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** The array of objects that holds the records: the largest, then the shallowest. */
export function findRecordArray(root: SourceValue): { path: string[]; count: number } | undefined {
  let best: { path: string[]; count: number } | undefined;
  const walk = (v: SourceValue, path: string[]): void => {
    if (Array.isArray(v)) {
      const objects = (v as SourceValue[]).filter(isObj).length;
      if (objects > 0 && (!best || objects > best.count || (objects === best.count && path.length < best.path.length))) best = { path, count: objects };
      return;
    }
    if (isObj(v)) for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
  };
  walk(root, []);
  return best;
}

/** Inside records: the path (segments) of the array of objects with the most items in total. */
export function findLinesPath(records: readonly SourceValue[]): string[] | undefined {
  const totals = new Map<string, { path: string[]; items: number; arrays: number }>();
  const walk = (v: SourceValue, path: string[]): void => {
    if (!isObj(v)) return;
    for (const [k, c] of Object.entries(v)) {
      const p = [...path, k];
      if (Array.isArray(c)) {
        const n = (c as SourceValue[]).filter(isObj).length;
        if (n > 0) {
          const key = p.join('\u0000');
          const t = totals.get(key) ?? { path: p, items: 0, arrays: 0 };
          totals.set(key, { path: p, items: t.items + n, arrays: t.arrays + 1 });
        }
      } else walk(c, p);
    }
  };
  for (const r of records) walk(r, []);
  return [...totals.values()].sort((a, b) => b.items - a.items)[0]?.path;
}

/** Items at `path` in one record: an array's objects, or one object (an XML element that occurs once). */
export function itemsAt(record: SourceValue, path: readonly string[]): Obj[] {
  let cur: SourceValue | undefined = record;
  for (const seg of path) cur = isObj(cur) ? cur[seg] : undefined;
  if (Array.isArray(cur)) return (cur as SourceValue[]).filter(isObj);
  return isObj(cur) ? [cur] : [];
}

/** Leaf paths of a record with their values ("#text" is the element's own path); arrays are skipped. */
export function leafValues(records: readonly SourceValue[], sep: string, skip?: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const skipKey = skip?.join('\u0000');
  const walk = (v: SourceValue, path: string[]): void => {
    if (skipKey !== undefined && path.join('\u0000') === skipKey) return;
    if (Array.isArray(v)) return;
    if (isObj(v)) {
      for (const [k, c] of Object.entries(v)) walk(c, k === '#text' ? path : [...path, k]);
      return;
    }
    if (path.length === 0) return;
    const key = path.join(sep);
    const list = out.get(key) ?? [];
    list.push(typeof v === 'string' ? v : '');
    out.set(key, list);
  };
  for (const r of records) walk(r, []);
  return out;
}

export interface TreeGuess {
  readonly guesses: Guess[];
  readonly linesPath?: readonly string[];
  readonly misencoded: string[];
}

export function suggestTree(records: readonly SourceValue[], sep: string): TreeGuess {
  const linesPath = findLinesPath(records);
  const invoiceLeaves = leafValues(records, sep, linesPath);
  const lineLeaves = linesPath ? leafValues(records.flatMap((r) => itemsAt(r, linesPath)), sep) : new Map<string, string[]>();
  const guesses: Guess[] = [];
  const fit = (leaves: Map<string, string[]>) => (target: string, path: string) => valuesFit(target, leaves.get(path) ?? []);
  const invoiceAllowed = (t: string) => t.startsWith('invoice.') || (!linesPath && t.startsWith('line.'));
  for (const [target, path] of assignHeaders([...invoiceLeaves.keys()], fit(invoiceLeaves), invoiceAllowed)) {
    const values = invoiceLeaves.get(path)!;
    // a person's name with a company field beside it: the company first, else the person
    const company = target === 'invoice.buyer.name' ? companyBeside(path, invoiceLeaves) : undefined;
    if (company) {
      guesses.push({ target, name: company, values: invoiceLeaves.get(company)!, extra: { $fallbackTemplate: `{${path}}` } });
      continue;
    }
    const fallback = target === 'invoice.buyer.name' ? personNameTemplate(path, values, [...invoiceLeaves.keys()]) : undefined;
    guesses.push({ target, name: path, values, ...(fallback ? { extra: { $fallbackTemplate: fallback } } : {}) });
  }
  if (linesPath) {
    for (const [target, path] of assignHeaders([...lineLeaves.keys()], fit(lineLeaves), (t) => t.startsWith('line.'))) guesses.push({ target, name: path, values: lineLeaves.get(path)! });
  }
  const misencoded = [...invoiceLeaves.keys(), ...lineLeaves.keys()].map(misencodingOf).filter((m): m is string => m !== undefined);
  return { guesses, ...(linesPath ? { linesPath } : {}), misencoded };
}
