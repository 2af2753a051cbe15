/**
 * How rows become invoices in a flat table: per key when a column (the invoice number, ideally)
 * repeats on adjacent rows; per record when the number is unique per row.
 */
export type FlatGrouping =
  | { readonly per: 'key'; readonly key: string; readonly adjacent: boolean }
  | { readonly per: 'record' }
  | { readonly per: 'file' };

const looksLikeNumber = (v: string): boolean => /\d/.test(v) && v.length <= 40;

function runsOf(values: readonly string[]): { runs: number; distinct: number; adjacent: boolean } {
  let runs = 0;
  const seen = new Set<string>();
  let adjacent = true;
  values.forEach((v, i) => {
    if (i > 0 && values[i - 1] === v) return;
    runs++;
    if (seen.has(v)) adjacent = false;
    seen.add(v);
  });
  return { runs, distinct: seen.size, adjacent };
}

/**
 * `numberColumn`: the column guessed to hold the invoice number, tried first; `columns` are all
 * columns with their values in row order.
 */
export function findGrouping(numberColumn: string | undefined, columns: ReadonlyMap<string, readonly string[]>): FlatGrouping {
  const candidate = (name: string): FlatGrouping | undefined => {
    const values = (columns.get(name) ?? []).map((v) => v.trim());
    if (values.length === 0 || values.some((v) => v === '') || !values.every(looksLikeNumber)) return undefined;
    const r = runsOf(values);
    if (r.distinct === values.length) return { per: 'record' };
    return { per: 'key', key: name, adjacent: r.adjacent };
  };
  if (numberColumn !== undefined) {
    const g = candidate(numberColumn);
    if (g) return g;
  }
  for (const name of columns.keys()) {
    const g = candidate(name);
    if (g?.per === 'key' && g.adjacent) return g;
  }
  return numberColumn !== undefined ? { per: 'record' } : { per: 'file' };
}
