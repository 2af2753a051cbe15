/**
 * Reading values out of a record: a column is one exact key; a path walks nested XML/JSON values
 * ("Buyer/Address/@city", "buyer.address.city", "Lines/Line[2]/@qty").
 */
import type { SourceValue } from '../core/records.ts';

export type Values = Readonly<Record<string, SourceValue>>;

export interface PathStep {
  readonly name: string;
  /** 1-based index written as name[n] */
  readonly index?: number;
}

/** Splits on "/" when the path has one, else on "."; returns undefined when a step is malformed. */
export function parsePath(path: string): readonly PathStep[] | undefined {
  const raw = path.replace(/^\/+/, '');
  if (raw === '') return undefined;
  const parts = raw.includes('/') ? raw.split('/') : raw.split('.');
  const steps: PathStep[] = [];
  for (const p of parts) {
    const m = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(p);
    if (!m || (m[2] !== undefined && Number(m[2]) < 1)) return undefined;
    steps.push(m[2] === undefined ? { name: m[1]! } : { name: m[1]!, index: Number(m[2]) });
  }
  return steps;
}

/** Walks the steps; an array met on the way without an index continues into its only/first item. */
export function walkPath(values: Values, steps: readonly PathStep[]): SourceValue | undefined {
  let cur: SourceValue | undefined = values as SourceValue;
  for (const step of steps) {
    if (Array.isArray(cur)) cur = cur.length === 1 ? (cur[0] as SourceValue) : cur;
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) {
      // a list in the middle of a path: only a single item is unambiguous
      if (Array.isArray(cur) && cur.length > 1) return cur;
      return undefined;
    }
    let next: SourceValue | undefined = (cur as Record<string, SourceValue>)[step.name];
    if (step.index !== undefined) {
      next = Array.isArray(next) ? (next[step.index - 1] as SourceValue | undefined) : step.index === 1 ? next : undefined;
    }
    cur = next;
  }
  return cur;
}

export type Scalar = { ok: true; text: string | undefined } | { ok: false; reason: string };

/** A value usable as one field: text, or an element with attributes whose text is under #text. */
export function toScalar(v: SourceValue | undefined): Scalar {
  if (v === undefined || v === null) return { ok: true, text: undefined };
  if (typeof v === 'string') return { ok: true, text: v };
  if (Array.isArray(v)) {
    if (v.length === 0) return { ok: true, text: undefined };
    if (v.length === 1) return toScalar(v[0] as SourceValue);
    return { ok: false, reason: `the path gives ${v.length} values where one is expected; add [n] to choose one` };
  }
  const o = v as Record<string, SourceValue>;
  if ('#text' in o) return toScalar(o['#text']);
  const keys = Object.keys(o).filter((k) => !k.startsWith('@'));
  if (keys.length === 0) return { ok: true, text: undefined }; // an empty element, maybe with attributes
  return { ok: false, reason: `the path points to a structure (${keys.slice(0, 4).join(', ')}), not a value; name a field inside it` };
}
