/**
 * Unpivot: a "wide" row with repeated column groups (Pozycja1_Nazwa, Pozycja1_Ilosc, Pozycja2_…)
 * becomes one line record per group number, in numeric order; a group whose cells are all empty
 * gives no line. Each line keeps its row and names its own cells.
 */
import type { SourceValue } from '../core/records.ts';
import { toScalar } from './record-path.ts';
import type { Rec } from './scope.ts';

export interface Unpivot {
  readonly pattern: string;
  readonly regex: RegExp;
  /** capture group of {n} (1 or 2); {field} is the other one */
  readonly nGroup: 1 | 2;
}

/** Compiles "Pozycja{n}_{field}"; a string is the reason it cannot be used. */
export function compileUnpivot(pattern: string): Unpivot | string {
  const count = (p: string) => pattern.split(p).length - 1;
  if (count('{n}') !== 1 || count('{field}') !== 1) return `the pattern "${pattern}" must contain {n} and {field} exactly once each, e.g. "Pozycja{n}_{field}"`;
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const nFirst = pattern.indexOf('{n}') < pattern.indexOf('{field}');
  const src = pattern
    .split(/(\{n\}|\{field\})/)
    .map((part) => (part === '{n}' ? '(\\d+)' : part === '{field}' ? '(.+?)' : esc(part)))
    .join('');
  return { pattern, regex: new RegExp(`^${src}$`), nGroup: nFirst ? 1 : 2 };
}

const isEmpty = (v: SourceValue | undefined): boolean => {
  const s = toScalar(v);
  return s.ok && (s.text === undefined || s.text.trim() === '');
};

/**
 * The line records of one row: the row's other columns plus the group's fields (keyed by
 * {field}); `cells` maps each field to its spreadsheet cell, or to its column name where the
 * format has no cells (CSV), so an error about a line names exactly what was read.
 */
export function unpivotRecord(rec: Rec, u: Unpivot): Rec[] {
  const groups = new Map<number, { fields: Record<string, SourceValue>; columns: Record<string, string> }>();
  const rest: Record<string, SourceValue> = {};
  for (const [col, v] of Object.entries(rec.values)) {
    const m = u.regex.exec(col);
    if (!m) {
      rest[col] = v;
      continue;
    }
    const n = Number(m[u.nGroup]);
    const field = m[u.nGroup === 1 ? 2 : 1]!;
    let g = groups.get(n);
    if (!g) groups.set(n, (g = { fields: {}, columns: {} }));
    g.fields[field] = v;
    g.columns[field] = col;
  }
  const restCells: Record<string, string> = {};
  for (const [col, cell] of Object.entries(rec.where.cells ?? {})) if (col in rest) restCells[col] = cell;
  const out: Rec[] = [];
  for (const n of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(n)!;
    if (Object.values(g.fields).every(isEmpty)) continue;
    const cells: Record<string, string> = { ...restCells };
    for (const [field, col] of Object.entries(g.columns)) cells[field] = rec.where.cells?.[col] ?? col;
    out.push({ values: { ...rest, ...g.fields }, where: { ...rec.where, cells } });
  }
  return out;
}

/**
 * The names line rules can read from rows with these columns: the columns outside any group and
 * each group's {field} names. What a check of the column names a mapping uses must compare
 * line rules with when the mapping unpivots (`Nazwa` is not a column of the file, but it is read).
 */
export function unpivotColumnNames(columns: readonly string[], u: Unpivot): Set<string> {
  const out = new Set<string>();
  for (const col of columns) {
    const m = u.regex.exec(col);
    out.add(m ? m[u.nGroup === 1 ? 2 : 1]! : col);
  }
  return out;
}
