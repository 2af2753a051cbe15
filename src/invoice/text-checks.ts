/** Text problems KSeF accepts but receivers' systems break on. */

/**
 * UTF-8 Polish letters decoded as windows-1252/ISO-8859-1: "Ã³" (ó), "Å‚" (ł), "Ä…" (ą), "Ä™" (ę),
 * "Å¼" (ż), "Å›" (ś) … A lead byte C3/C4/C5 shown as Ã/Ä/Å followed by a continuation byte shown as
 * a Latin-1 supplement sign or a windows-1252 punctuation mark.
 */
const MOJIBAKE = /[ÃÄÅ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

/** The first mojibake sequence found, or undefined. */
export function mojibakeSample(s: string): string | undefined {
  const m = MOJIBAKE.exec(s);
  return m ? m[0] : undefined;
}

/** Whitespace of any kind (incl. non-breaking) inside the value, not just around it. */
export function hasInnerWhitespace(s: string): boolean {
  return /[\s\u00a0\u2007\u202f]/.test(s.trim());
}
