/**
 * Guesses for a table (CSV, a sheet, records of one type): canonical fields by header and values,
 * repeated column groups (unpivot), and how rows become invoices.
 */
import { assignHeaders } from './header-dictionary.ts';
import { misencodingOf } from './misencoding.ts';
import { valuesFit } from './value-shapes.ts';
import { findGrouping, type FlatGrouping } from './find-grouping.ts';
import { findUnpivot, type Unpivot } from './find-unpivot.ts';
import type { Guess } from './build-rules.ts';

export interface FlatTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface FlatGuess {
  readonly guesses: Guess[];
  readonly grouping: FlatGrouping;
  readonly unpivot?: Unpivot;
  /** headers that look read in the wrong code page, with why */
  readonly misencoded: string[];
}

export function columnsOf(table: FlatTable): Map<string, string[]> {
  const columns = new Map<string, string[]>();
  table.headers.forEach((h, i) => columns.set(h, table.rows.map((r) => r[i] ?? '')));
  return columns;
}

export function suggestFlat(table: FlatTable, allowed: (target: string) => boolean = () => true): FlatGuess {
  const columns = columnsOf(table);
  const misencoded = table.headers.map(misencodingOf).filter((m): m is string => m !== undefined);
  const fits = (target: string, header: string) => valuesFit(target, columns.get(header) ?? []);
  const unpivot = findUnpivot(table.headers);
  const guesses: Guess[] = [];
  if (unpivot) {
    const plain = table.headers.filter((h) => !unpivot.columns.has(h));
    for (const [target, header] of assignHeaders(plain, fits, (t) => t.startsWith('invoice.') && allowed(t))) guesses.push({ target, name: header, values: columns.get(header)! });
    const fieldValues = new Map<string, string[]>();
    for (const f of unpivot.fields) {
      const values: string[] = [];
      for (const n of unpivot.indexes) {
        const col = unpivot.pattern.replace('{n}', String(n)).replace('{field}', f);
        values.push(...(columns.get(col) ?? []));
      }
      fieldValues.set(f, values);
    }
    const lineFits = (target: string, field: string) => valuesFit(target, fieldValues.get(field) ?? []);
    for (const [target, field] of assignHeaders(unpivot.fields, lineFits, (t) => t.startsWith('line.') && allowed(t))) guesses.push({ target, name: field, values: fieldValues.get(field)! });
  } else {
    for (const [target, header] of assignHeaders(table.headers, fits, allowed)) guesses.push({ target, name: header, values: columns.get(header)! });
  }
  const number = guesses.find((g) => g.target === 'invoice.number')?.name;
  const grouping = findGrouping(number, columns);
  return { guesses, grouping, ...(unpivot ? { unpivot } : {}), misencoded };
}

/** Header names as the CSV and XLSX readers make them: trimmed, an empty one named by its position. */
export function readerHeaders(cells: readonly string[]): string[] {
  return cells.map((c, i) => (c.trim() === '' ? String(i + 1) : c.trim()));
}

/** The `invoices` section for a flat guess. */
export function invoicesOf(g: FlatGuess): Record<string, unknown> {
  const unpivot = g.unpivot ? { unpivot: { columns: g.unpivot.pattern } } : {};
  if (g.grouping.per === 'key') return { per: 'key', key: g.grouping.key, ...(g.grouping.adjacent ? {} : { adjacent: false }), ...unpivot };
  return { per: g.grouping.per, ...unpivot };
}
