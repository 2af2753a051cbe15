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

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 0 for the same folded text, 0.5 when one contains the other, else the edit distance. */
function distance(wanted: string, name: string): number {
  const a = fold(wanted);
  const b = fold(name);
  if (a === b) return 0;
  if (a.length > 0 && b.length > 0 && (a.includes(b) || b.includes(a))) return 0.5;
  return editDistance(a, b);
}

/**
 * `names` closest to `wanted` first (ties keep their order), and the closest one when it is close
 * enough to suggest (at most 2 edits, or a third of the name's length).
 */
export function closestNames(wanted: string, names: readonly string[]): { readonly ordered: readonly string[]; readonly suggestion?: string } {
  const scored = names.map((name, i) => ({ name, i, d: distance(wanted, name) }));
  scored.sort((x, y) => x.d - y.d || x.i - y.i);
  const best = scored[0];
  const close = best !== undefined && best.d <= Math.max(2, Math.floor(fold(wanted).length / 3));
  return { ordered: scored.map((s) => s.name), ...(close ? { suggestion: best.name } : {}) };
}
