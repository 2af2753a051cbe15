import { distance as levenshtein } from 'fastest-levenshtein';

/**
 * Orders existing names by how close they are to a name that was not found, so an error can say
 * "did you mean …" and list the likeliest first. Letters are compared without case and without
 * Polish diacritics (`Ilosc` is `Ilość` read in the wrong code page or typed without them), and a
 * name that contains the other (`Typ` / `Typ rekordu`) counts as close.
 */

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .trim();

/**
 * Edits between the folded texts; a name that contains the other counts as 2.5 edits at most, so
 * it is suggested (`Typ` / `Typ rekordu`) but a real typo (`Buyer/Nmae` → `Buyer/Name`, not
 * `Buyer`) comes first.
 */
const CONTAINS = 2.5;
function distance(wanted: string, name: string): { readonly d: number; readonly contains: boolean } {
  const a = fold(wanted);
  const b = fold(name);
  const edits = levenshtein(a, b);
  const contains = a.length > 0 && b.length > 0 && a !== b && (a.includes(b) || b.includes(a));
  return { d: contains ? Math.min(edits, CONTAINS) : edits, contains };
}

/**
 * `names` closest to `wanted` first (ties keep their order); `suggestions`: the closest ones when
 * close enough to suggest (at most 2 edits, a third of the name's length, or one name containing
 * the other), at most three equally close; `suggestion`: the first of them.
 */
export function closestNames(wanted: string, names: readonly string[]): { readonly ordered: readonly string[]; readonly suggestion?: string; readonly suggestions: readonly string[] } {
  const scored = names.map((name, i) => ({ name, i, ...distance(wanted, name) }));
  scored.sort((x, y) => x.d - y.d || x.i - y.i);
  const best = scored[0];
  const close = best !== undefined && (best.d <= Math.max(2, Math.floor(fold(wanted).length / 3)) || best.contains);
  const suggestions = close ? scored.filter((s) => s.d === best.d).slice(0, 3).map((s) => s.name) : [];
  return { ordered: scored.map((s) => s.name), suggestions, ...(close ? { suggestion: best.name } : {}) };
}
