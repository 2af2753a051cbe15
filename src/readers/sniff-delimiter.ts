/** Delimiters `auto` chooses from, in order of preference when the evidence is equal. */
export const DELIMITER_CANDIDATES = [';', '\t', ',', '|'] as const;

/** How often `ch` occurs in `line` outside quotes. */
function countOutsideQuotes(line: string, ch: string, quote: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (quote && c === quote) quoted = !quoted;
    else if (!quoted && c === ch) n++;
  }
  return n;
}

/**
 * Picks the delimiter from the first lines: the candidate found the same (non-zero) number of
 * times on every sampled line wins, the highest count first; if none is consistent, the one most
 * frequent on the first line; `;` when nothing is found (a one-column file).
 */
export function sniffDelimiter(head: string, quote: string): string {
  const lines = head.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  // the last line of the head may be cut off mid-line unless the head is the whole file
  const sample = lines.slice(0, Math.max(1, Math.min(lines.length - 1, 10)));
  let best: { ch: string; count: number } | undefined;
  for (const ch of DELIMITER_CANDIDATES) {
    const counts = sample.map((l) => countOutsideQuotes(l, ch, quote));
    const first = counts[0] ?? 0;
    if (first > 0 && counts.every((c) => c === first) && (!best || first > best.count)) best = { ch, count: first };
  }
  if (best) return best.ch;
  let fallback: { ch: string; count: number } = { ch: ';', count: 0 };
  for (const ch of DELIMITER_CANDIDATES) {
    const count = countOutsideQuotes(sample[0] ?? '', ch, quote);
    if (count > fallback.count) fallback = { ch, count };
  }
  return fallback.ch;
}
