/**
 * No silent mistakes: every column and path the mapping names is checked against the file while
 * its records stream past, so a misspelled name (or a header read in the wrong code page) is one
 * error for the file instead of an empty field in every invoice.
 *
 * - Header-based records (CSV, XLSX, fixed-width, sections): a column must be among the keys of
 *   the first record (of its record type, when records have types). Checked at the first record
 *   when records have no type; at the end of the file otherwise (a type may appear late).
 *   MAP_COLUMN_UNKNOWN is an error, and nothing of the file is mapped on.
 * - XML/JSON records: a path must match in at least one record of the file. MAP_PATH_UNMATCHED
 *   is a warning (preview) or an error (intake: the file is not sent), as the caller chooses.
 * - A rule (or condition) with `"optional": true` is not checked.
 * Each problem is reported once per file, naming the closest existing names and the encoding the
 * file was read with.
 */
import { closestNames } from '../core/closest-names.ts';
import { AgentError, type Where } from '../core/errors.ts';
import type { SourceRecord, SourceValue } from '../core/records.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import type { MappingName } from './mapping-names.ts';
import type { PathStep } from './record-path.ts';
import { unpivotColumnNames } from './unpivot.ts';

export interface NameCheckOptions {
  /** what an unmatched XML/JSON path is: a warning (preview) or an error (intake) */
  readonly unmatchedPaths: 'warning' | 'error';
  /** how the file was decoded, in words ("windows-1250 (…)"); asked only when a problem is reported */
  readonly encoding?: () => Promise<string | undefined>;
  /** receives the file-level warnings */
  readonly warn?: (w: AgentError) => void;
}

/** Thrown when names do not fit the file: every problem, one per name. */
export class NameCheckError extends AgentError {
  readonly problems: readonly AgentError[];
  constructor(problems: readonly AgentError[]) {
    const first = problems[0]!;
    super(first.code, first.message, { kind: 'data', where: first.where, ...(first.rule ? { rule: first.rule } : {}), ...(first.details ? { details: first.details } : {}) });
    this.problems = problems;
  }
}

/** Formats whose records are nested structures addressed by paths; the others are flat, keyed by header. */
const PATH_FORMATS: ReadonlySet<string> = new Set(['xml', 'json', 'jsonl']);

/** How many known names are kept for suggestions (bounded memory whatever the file). */
const MAX_KNOWN = 500;
/** Records whose paths are collected for those suggestions. */
const SAMPLE_RECORDS = 200;

export function checkNames(mapping: CompiledMapping, records: AsyncIterable<SourceRecord>, opts: NameCheckOptions): AsyncIterable<SourceRecord> {
  const names = mapping.names.filter((n) => !n.optional);
  if (names.length === 0) return records;
  return PATH_FORMATS.has(mapping.input.format) ? checkPaths(mapping, names, records, opts) : checkColumns(mapping, names, records, opts);
}

/** One entry per distinct name (a column named by several rules is one problem), first pointer first. */
function byText(names: readonly MappingName[]): Map<string, MappingName[]> {
  const out = new Map<string, MappingName[]>();
  for (const n of names) {
    const k = `${n.text}\u0000${n.from ?? n.section}\u0000${n.within?.map((st) => st.name).join('/') ?? ''}`;
    out.set(k, [...(out.get(k) ?? []), n]);
  }
  return out;
}

/**
 * The record types a name is read from, when the grouping tells (master-detail: invoice rules
 * read the header type, line rules the line types); undefined = any record.
 */
function typesOf(m: CompiledMapping, n: MappingName): ReadonlySet<string> | undefined {
  if (n.from !== undefined && n.from !== 'invoice' && n.from !== 'line') return new Set([n.from]);
  const section = n.from ?? n.section;
  if (m.grouping.per === 'join') return section === 'invoice' ? new Set([m.grouping.header]) : new Set([m.grouping.line]);
  if (m.grouping.per !== 'header') return undefined;
  return section === 'invoice' ? new Set([m.grouping.header]) : m.grouping.line;
}

const pointers = (m: CompiledMapping, group: readonly MappingName[]): string[] => group.map((n) => `${m.file}#${n.pointer}`);

async function* checkColumns(m: CompiledMapping, names: readonly MappingName[], records: AsyncIterable<SourceRecord>, opts: NameCheckOptions): AsyncGenerator<SourceRecord> {
  const first = new Map<string, SourceRecord>();
  let typed: boolean | undefined;
  for await (const r of records) {
    const t = r.recordType ?? '';
    if (!first.has(t)) {
      first.set(t, r);
      if (typed === undefined) {
        typed = r.recordType !== undefined;
        if (!typed) await reportColumns(m, names, first, opts);
      }
    }
    yield r;
  }
  if (typed) await reportColumns(m, names, first, opts);
}

async function reportColumns(m: CompiledMapping, names: readonly MappingName[], first: ReadonlyMap<string, SourceRecord>, opts: NameCheckOptions): Promise<void> {
  const problems: { group: MappingName[]; types: string[]; known: string[]; where: Where; elsewhere: string[] }[] = [];
  for (const group of byText(names).values()) {
    const n = group[0]!;
    const wanted = typesOf(m, n);
    const types = [...first.keys()].filter((t) => !wanted || wanted.has(t));
    if (types.length === 0) continue; // the record type never came: nothing to say about its columns
    // line rules of an unpivoting mapping read the {field} part of the repeated columns
    const keysOf = (t: string): string[] => {
      const keys = Object.keys(first.get(t)!.values);
      return m.unpivot && (n.from ?? n.section) === 'line' && n.within === undefined ? [...unpivotColumnNames(keys, m.unpivot)] : keys;
    };
    if (types.some((t) => hasName(first.get(t)!.values, n) || keysOf(t).includes(n.text))) continue;
    const known = [...new Set(types.flatMap(keysOf))];
    const { cells: _c, row: _r, line: _l, path: _p, ...where } = first.get(types[0]!)!.where;
    // the column is there, but in records of another type: the rule reads the wrong record
    const elsewhere = [...first.keys()].filter((t) => t !== '' && !types.includes(t) && hasName(first.get(t)!.values, n));
    problems.push({ group, types: types.filter((t) => t !== ''), known, where, elsewhere });
  }
  if (problems.length === 0) return;
  const read = await readAs(opts);
  throw new NameCheckError(problems.map(({ group, types, known, where, elsewhere }) => {
    const n = group[0]!;
    const of = types.length > 0 ? ` in records of type ${types.map((t) => `"${t}"`).join(', ')}` : where.sheet !== undefined ? ` in sheet "${where.sheet}"` : '';
    // one column whose name holds separators: the header was not split (a CSV with another delimiter)
    const unsplit = known.length === 1 && /[;,\t|]/.test(known[0]!) ? ' (the whole header is one column: check input.csv.delimiter)' : '';
    const hint = elsewhere.length > 0
      ? `records of type ${elsewhere.map((t) => `"${t}"`).join(', ')} have it: read it from there with "from": "${m.grouping.per === 'join' && m.grouping.header === elsewhere[0] ? 'invoice' : elsewhere[0]}"`
      : suggest(n.text, known) + unsplit;
    return new AgentError('MAP_COLUMN_UNKNOWN', `column \`${n.text}\` not found${of}; ${read(hint)}`, {
      where: { ...where, value: n.text, mapping: pointers(m, group)[0]! },
      rule: 'every column the mapping names must be in the file (mark a rule "optional": true when the column may be absent)',
      details: [`the file's columns: ${known.map((k) => `\`${k}\``).join(', ')}`, ...pointers(m, group).slice(1).map((p) => `also named at ${p}`)],
    });
  }));
}

async function* checkPaths(m: CompiledMapping, names: readonly MappingName[], records: AsyncIterable<SourceRecord>, opts: NameCheckOptions): AsyncGenerator<SourceRecord> {
  const pending = new Map(byText(names));
  const known = { record: new Set<string>(), line: new Set<string>() };
  const lines = m.grouping.per === 'record' ? m.grouping.lines : undefined;
  let firstWhere: Where | undefined;
  let seen = 0;
  for await (const r of records) {
    firstWhere ??= { file: r.where.file };
    const items = lines ? itemsAt(r.values, lines.steps) : [];
    if (pending.size > 0) {
      for (const [k, group] of pending) {
        const n = group[0]!;
        const wanted = typesOf(m, n);
        if (wanted && !wanted.has(r.recordType ?? '')) continue;
        const inLines = lines !== undefined && (n.from ?? n.section) === 'line';
        const where = n.within ? itemsAt(r.values, n.within) : inLines ? items : [r.values];
        if (where.some((it) => hasName(it, n))) pending.delete(k);
      }
      // suggestions come from the first records only: walking every record of a big file again costs as much as reading it
      if (seen++ < SAMPLE_RECORDS) {
        collectPaths(r.values, '', known.record);
        for (const it of items) collectPaths(it, '', known.line);
      }
    }
    yield r;
  }
  if (pending.size === 0 || firstWhere === undefined) return;
  const read = await readAs(opts);
  const problems = [...pending.values()].map((group) => {
    const n = group[0]!;
    const inLines = lines !== undefined && (n.from ?? n.section) === 'line';
    const sep = n.text.includes('/') || (!n.text.includes('.') && m.input.format === 'xml') ? '/' : '.';
    const pool = [...(inLines ? known.line : known.record)].map((p) => p.split('\u0000').join(sep));
    const within = inLines ? `the lines (\`${lines.text}\`) of any record` : 'any record';
    const what = n.kind === 'column' ? 'key' : 'path';
    return new AgentError('MAP_PATH_UNMATCHED', `${what} \`${n.text}\` matches nothing in ${within} of the file; ${read(suggest(n.text, pool))}`, {
      where: { ...firstWhere!, value: n.text, mapping: pointers(m, group)[0]! },
      rule: 'every path the mapping names must match in at least one record of the file (mark a rule "optional": true when it may be absent)',
      ...(group.length > 1 ? { details: pointers(m, group).slice(1).map((p) => `also named at ${p}`) } : {}),
    });
  });
  if (opts.unmatchedPaths === 'error') throw new NameCheckError(problems);
  for (const p of problems) opts.warn?.(p);
}

/** The sentence naming the encoding, after a suggestion that ends with "?" or with a list. */
async function readAs(opts: NameCheckOptions): Promise<(after: string) => string> {
  const enc = opts.encoding ? await opts.encoding() : undefined;
  return (after) => (enc ? `${after}${after.endsWith('?') ? '' : '.'} The file was read as ${enc}` : after);
}

/** "did you mean `Ilość`?" for close names (core/closest-names.ts: case and Polish letters aside), else the names there are (a few). */
export function suggest(name: string, known: readonly string[]): string {
  const { suggestions } = closestNames(name, known);
  if (suggestions.length > 0) return `did you mean ${suggestions.map((k) => `\`${k}\``).join(' or ')}?`;
  if (known.length === 0) return 'the file has no names to compare with';
  return `the file has ${known.slice(0, 12).map((k) => `\`${k}\``).join(', ')}${known.length > 12 ? ', …' : ''}`;
}

/** The name matches a record: its column is a key, or its path leads somewhere (even to an empty value). */
function hasName(values: SourceValue, n: MappingName): boolean {
  if (values !== null && typeof values === 'object' && !Array.isArray(values) && n.text in values) return true;
  return n.steps !== undefined && pathExists(values, n.steps, 0);
}

/** Like walkPath, but trying every item of a list on the way (a path matches if it matches in any). */
function pathExists(v: SourceValue | undefined, steps: readonly PathStep[], k: number): boolean {
  if (k === steps.length) return v !== undefined;
  if (Array.isArray(v)) return v.some((item) => pathExists(item as SourceValue, steps, k));
  if (v === null || v === undefined || typeof v !== 'object') return false;
  const step = steps[k]!;
  const o = v as Record<string, SourceValue>;
  if (!(step.name in o)) return false;
  let next: SourceValue | undefined = o[step.name];
  if (step.index !== undefined) next = Array.isArray(next) ? (next[step.index - 1] as SourceValue | undefined) : step.index === 1 ? next : undefined;
  return pathExists(next, steps, k + 1);
}

/** The structures a lines path leads to (every item of every list on the way). */
function itemsAt(v: SourceValue, steps: readonly PathStep[]): SourceValue[] {
  let cur: SourceValue[] = [v];
  for (const step of steps) {
    const next: SourceValue[] = [];
    for (const c of cur.flatMap((x) => (Array.isArray(x) ? (x as SourceValue[]) : [x]))) {
      if (c === null || typeof c !== 'object' || Array.isArray(c) || !(step.name in c)) continue;
      let x: SourceValue | undefined = (c as Record<string, SourceValue>)[step.name];
      if (step.index !== undefined) x = Array.isArray(x) ? (x[step.index - 1] as SourceValue | undefined) : step.index === 1 ? x : undefined;
      if (x !== undefined) next.push(x);
    }
    cur = next;
  }
  return cur.flatMap((x) => (Array.isArray(x) ? (x as SourceValue[]) : [x])).filter((x) => x !== null && typeof x === 'object');
}

/** Paths that exist in a record (steps joined by \0, lists looked into), for suggestions; bounded. */
function collectPaths(v: SourceValue, prefix: string, out: Set<string>, depth = 0): void {
  if (out.size >= MAX_KNOWN || depth > 8) return;
  if (Array.isArray(v)) {
    for (const item of v.slice(0, 5)) collectPaths(item as SourceValue, prefix, out, depth);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  for (const [k, child] of Object.entries(v)) {
    if (k === '#text') continue;
    const p = prefix === '' ? k : `${prefix}\u0000${k}`;
    if (out.size >= MAX_KNOWN) return;
    out.add(p);
    collectPaths(child, p, out, depth + 1);
  }
}
