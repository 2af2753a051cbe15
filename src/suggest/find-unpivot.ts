/**
 * Repeated column groups in one row ("Pozycja1_Nazwa", "Pozycja1_Ilosc", … "Pozycja4_Ilosc"):
 * the name pattern with {n} and {field} that `invoices.unpivot` takes, and the field names.
 */
export interface Unpivot {
  readonly pattern: string;
  readonly fields: readonly string[];
  /** the columns the pattern covers */
  readonly columns: ReadonlySet<string>;
  readonly indexes: readonly number[];
}

interface Part {
  readonly key: string;
  readonly pattern: string;
  readonly n: number;
  readonly field: string;
}

function parts(header: string): Part[] {
  const out: Part[] = [];
  const before = /^(.*?\D)(\d{1,2})([_\-. ]?)(.+)$/u.exec(header); // Pozycja1_Nazwa
  if (before && /\p{L}/u.test(before[4]!)) out.push({ key: `a:${before[1]}|${before[3]}`, pattern: `${before[1]}{n}${before[3]}{field}`, n: Number(before[2]), field: before[4]! });
  const after = /^(.+?)([_\-. ]?)(\d{1,2})$/u.exec(header); // Nazwa_1
  if (after && /\p{L}/u.test(after[1]!)) out.push({ key: `b:${after[2]}`, pattern: `{field}${after[2]}{n}`, n: Number(after[3]), field: after[1]! });
  return out;
}

export function findUnpivot(headers: readonly string[]): Unpivot | undefined {
  const groups = new Map<string, Part[]>();
  for (const h of headers) for (const p of parts(h)) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  let best: Unpivot | undefined;
  for (const list of groups.values()) {
    const indexes = [...new Set(list.map((p) => p.n))].sort((a, b) => a - b);
    const fields = [...new Set(list.map((p) => p.field))];
    // a field repeated for at least two indexes, and at least two fields
    const repeated = fields.filter((f) => list.filter((p) => p.field === f).length >= 2);
    if (indexes.length < 2 || repeated.length < 2) continue;
    const covered = list.filter((p) => repeated.includes(p.field));
    const u: Unpivot = {
      pattern: covered[0]!.pattern,
      fields: repeated,
      columns: new Set(headers.filter((h) => parts(h).some((p) => covered.some((c) => c.key === p.key && c.n === p.n && c.field === p.field)))),
      indexes,
    };
    if (!best || u.columns.size > best.columns.size) best = u;
  }
  return best;
}
