/**
 * A column name or record path as words to compare: Polish letters folded to ASCII, case
 * ignored, camelCase and snake_case split, `%` kept as the word "pct" (so "VAT %" is not "VAT").
 */
const POLISH: Readonly<Record<string, string>> = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };

export function foldWords(header: string): string[] {
  const split = header
    .replace(/([a-ząćęłńóśźż])([A-ZĄĆĘŁŃÓŚŹŻ])/gu, '$1 $2')
    .replace(/%/g, ' pct ')
    .toLowerCase()
    .replace(/[ąćęłńóśźż]/g, (c) => POLISH[c]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  return split.split(/[^a-z0-9]+/).filter((w) => w !== '');
}

/** The words run together ("J.m." → "jm"), for exact comparison. */
export function foldCompact(header: string): string {
  return foldWords(header).join('');
}
