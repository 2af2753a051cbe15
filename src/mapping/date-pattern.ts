/**
 * Date patterns as admins write them (`dd.MM.yyyy`, `yyyyMMdd`, `d/M/yy`): compiled once at load
 * into a strict parser that yields a local `yyyy-mm-dd` date or a reason it is not one.
 */
export interface DateParser {
  readonly pattern: string;
  parse(text: string): { ok: true; date: string } | { ok: false };
}

const TOKENS: readonly [string, string][] = [
  ['yyyy', '(\\d{4})'],
  ['yy', '(\\d{2})'],
  ['MM', '(\\d{2})'],
  ['M', '(\\d{1,2})'],
  ['dd', '(\\d{2})'],
  ['d', '(\\d{1,2})'],
  ['HH', '(?:\\d{2})'],
  ['H', '(?:\\d{1,2})'],
  ['mm', '(?:\\d{2})'],
  ['ss', '(?:\\d{2})'],
];

/** Returns a parser, or the reason the pattern is unusable (unknown letters, missing parts). */
export function compileDatePattern(pattern: string): DateParser | string {
  let re = '^';
  const order: ('y' | 'yy' | 'M' | 'd')[] = [];
  let i = 0;
  while (i < pattern.length) {
    const tok = TOKENS.find(([t]) => pattern.startsWith(t, i));
    if (tok) {
      const [t, src] = tok;
      if (t === 'yyyy') order.push('y');
      else if (t === 'yy') order.push('yy');
      else if (t === 'MM' || t === 'M') order.push('M');
      else if (t === 'dd' || t === 'd') order.push('d');
      re += src;
      i += t.length;
      continue;
    }
    const ch = pattern[i]!;
    if (/[A-Za-z]/.test(ch)) return `unknown letter "${ch}" at position ${i + 1} (use yyyy, yy, MM, M, dd, d, HH, mm, ss)`;
    re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  re += '$';
  const years = order.filter((o) => o === 'y' || o === 'yy').length;
  const months = order.filter((o) => o === 'M').length;
  const days = order.filter((o) => o === 'd').length;
  if (years !== 1 || months !== 1 || days !== 1) return 'a date pattern needs the year (yyyy or yy), month (MM or M) and day (dd or d) exactly once';
  const regex = new RegExp(re);
  return {
    pattern,
    parse(text) {
      const m = regex.exec(text);
      if (!m) return { ok: false };
      let y = 0, mo = 0, d = 0;
      order.forEach((o, k) => {
        const n = Number(m[k + 1]);
        if (o === 'y') y = n;
        else if (o === 'yy') y = 2000 + n;
        else if (o === 'M') mo = n;
        else d = n;
      });
      const iso = isoDate(y, mo, d);
      return iso === undefined ? { ok: false } : { ok: true, date: iso };
    },
  };
}

/** A real calendar date as `yyyy-mm-dd`, or undefined (31.02 is not a date). */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || y < 1) return undefined;
  const dim = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  if (d > dim) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
