/**
 * Fixed-width text: record types by the first character, field boundaries where every line of a
 * type changes from padding to text or between digits and letters, digit runs split into dates
 * (yyyyMMdd), NIPs and 12-digit amounts, and canonical fields guessed from the values (there are
 * no headers): dates, NIP, postcode and town, street, names; quantity × price = value decides the
 * implied decimals of the line numbers.
 */
import { isValidNip } from '../core/nip.ts';
import { compileDatePattern } from '../mapping/date-pattern.ts';
import { buildRules, type BuiltRules, type Guess } from './build-rules.ts';

type Json = Record<string, unknown>;
interface Field { name: string; start: number; length: number; values: string[] }

const yyyymmdd = compileDatePattern('yyyyMMdd');
const isDate = (v: string): boolean => typeof yyyymmdd !== 'string' && yyyymmdd.parse(v).ok;
const cls = (c: string | undefined): 's' | 'd' | 'l' | 'o' => (c === undefined || c === ' ' ? 's' : /\d/.test(c) ? 'd' : /\p{L}/u.test(c) ? 'l' : 'o');

function boundaries(lines: readonly string[], from: number): number[] {
  const len = Math.max(...lines.map((l) => l.length));
  const out = [from];
  for (let p = from + 1; p < len; p++) {
    const all = lines.every((l) => {
      const a = cls(l[p - 1]);
      const b = cls(l[p]);
      return (a === 's' && b !== 's') || (a === 'd' && b === 'l') || (a === 'l' && b === 'd' && l[p - 2] !== ' ');
    });
    if (all) out.push(p);
  }
  return out;
}

/** splits a run that is digits in every line into dates, NIPs and 12-digit amounts */
function splitDigits(lines: readonly string[], start: number, length: number): [number, number][] {
  const parts: [number, number][] = [];
  let p = start;
  const end = start + length;
  while (p < end) {
    const take = (n: number, ok: (v: string) => boolean) => p + n <= end && lines.every((l) => ok(l.slice(p, p + n)));
    if (take(8, isDate)) { parts.push([p, 8]); p += 8; continue; }
    if (take(10, isValidNip)) { parts.push([p, 10]); p += 10; continue; }
    if ((end - p) % 12 === 0 && end - p > 12) { parts.push([p, 12]); p += 12; continue; }
    parts.push([p, end - p]);
    break;
  }
  return parts;
}

function fieldsOf(lines: readonly string[], discriminated: boolean): Field[] {
  const from = discriminated ? 1 : 0;
  const len = Math.max(...lines.map((l) => l.length));
  const bs = boundaries(lines, from);
  const spans: [number, number][] = [];
  bs.forEach((b, i) => {
    const end = bs[i + 1] ?? len;
    const slice = lines.map((l) => l.slice(b, end).trimEnd());
    if (slice.every((v) => /^\d+$/.test(v)) && end - b > 12) spans.push(...splitDigits(lines, b, slice[0]!.length));
    else spans.push([b, end - b]);
  });
  // "ul." + "Łąkowa 3": an abbreviation that every line has belongs to the text after it
  for (let i = 0; i + 1 < spans.length; i++) {
    const [s, n] = spans[i]!;
    const [s2, n2] = spans[i + 1]!;
    const abbrev = lines.every((l) => /^\p{L}{1,3}\.\s*$/u.test(l.slice(s, s + n)));
    const textAfter = lines.some((l) => /\p{L}{2}/u.test(l.slice(s2, s2 + n2)));
    if (abbrev && textAfter) spans.splice(i, 2, [s, n + n2]);
  }
  return spans.map(([s, n]) => ({ name: `p${s + 1}`, start: s + 1, length: n, values: lines.map((l) => l.slice(s, s + n).trim()) }));
}

const isDigits = (f: Field) => f.values.every((v) => /^-?\d+$/.test(v)) && f.length >= 6;
const isText = (f: Field) => f.values.some((v) => /\p{L}{2}/u.test(v));

function lineNumbers(fields: readonly Field[]): { q: Field; p: Field; v: Field; dq: number; dp: number; dv: number } | undefined {
  const nums = fields.filter(isDigits);
  for (let a = 0; a < nums.length; a++) for (let b = a + 1; b < nums.length; b++) for (let c = b + 1; c < nums.length; c++) {
    for (const dv of [2, 0, 3]) for (const dp of [2, 0, 3, 4]) for (const dq of [3, 0, 2, 4]) {
      const ok = nums[a]!.values.every((_, i) => {
        const q = BigInt(nums[a]!.values[i]!), pr = BigInt(nums[b]!.values[i]!), v = BigInt(nums[c]!.values[i]!);
        const scale = 10n ** BigInt(dq + dp - dv);
        const prod = q * pr;
        return prod >= 0n && (prod * 2n + scale) / (2n * scale) === v;
      });
      if (ok) return { q: nums[a]!, p: nums[b]!, v: nums[c]!, dq, dp, dv };
    }
  }
  return undefined;
}

export function suggestFixed(allLines: readonly string[], decode: { encoding: string }): { input: Json; invoices: Json; rules: BuiltRules; described: string } {
  const lines = allLines.filter((l) => l.trim() !== '');
  const types = new Map<string, string[]>();
  for (const l of lines) types.set(l[0]!, [...(types.get(l[0]!) ?? []), l]);
  const discriminated = types.size >= 2 && types.size <= 8 && [...types.keys()].every((t) => /[A-Za-z0-9]/.test(t));
  const groups = discriminated ? [...types] : [['', lines] as [string, string[]]];
  const guesses: Guess[] = [];
  const layouts: Json[] = [];
  const headerType = discriminated ? lines[0]![0]! : '';
  const byCount = [...types].filter(([t]) => t !== headerType).sort((a, b) => b[1].length - a[1].length);
  const lineType = discriminated ? byCount[0]?.[0] ?? headerType : '';
  for (const [type, ls] of groups) {
    const sample = ls.slice(0, 200);
    const fields = fieldsOf(sample, discriminated);
    const used = new Set<Field>();
    const guess = (target: string, f: Field | undefined, extra?: Json) => {
      if (!f || used.has(f)) return;
      used.add(f);
      guesses.push({ target, name: f.name, values: f.values, ...(extra ? { extra } : {}) });
    };
    const from = type !== headerType && type !== lineType ? { from: type } : undefined;
    if (type === headerType) {
      guess('invoice.number', fields.find((f) => isText(f) || f.values.every((v) => /\d/.test(v) && /[/-]/.test(v))));
      const dates = fields.filter((f) => f.length === 8 && f.values.every(isDate));
      guess('invoice.issueDate', dates[0], { date: 'yyyyMMdd' });
      guess('invoice.saleDate', dates[1], { date: 'yyyyMMdd' });
      guess('invoice.payment.dueDate', dates[2], { date: 'yyyyMMdd' });
      guess('invoice.buyer.taxId', fields.find((f) => f.length === 10 && f.values.every((v) => isValidNip(v))));
      const post = fields.find((f) => f.values.every((v) => /^\d{2}-\d{3}$/.test(v)));
      guess('invoice.buyer.address.line1', fields.find((f) => !used.has(f) && f.values.every((v) => /^(ul|al|pl|os)\.?\s/i.test(v))));
      guess('invoice.buyer.address.postcode', post);
      if (post) guess('invoice.buyer.address.city', fields[fields.indexOf(post) + 1]);
      guess('invoice.buyer.name', fields.filter((f) => !used.has(f) && isText(f)).sort((a, b) => b.length - a.length)[0]);
    }
    if (type === lineType) {
      guess('line.description', fields.filter((f) => !used.has(f) && isText(f)).sort((a, b) => b.length - a.length)[0]);
      guess('line.unit', fields.find((f) => !used.has(f) && f.length <= 8 && f.values.every((v) => /^[\p{L}\d]{1,5}\.?$/u.test(v) && /\p{L}/u.test(v))));
      const n = lineNumbers(fields);
      if (n) {
        guess('line.quantity', n.q, { impliedDecimals: n.dq });
        guess('line.unitNetPrice', n.p, { impliedDecimals: n.dp });
        guess('line.netAmount', n.v, { impliedDecimals: n.dv });
      }
      guess('line.vatRate', fields.find((f) => !used.has(f) && f.length <= 2 && f.values.every((v) => /^[A-Za-z]{1,2}$|^\d{1,2}$/.test(v))));
    }
    if (from) {
      const nums = fields.filter(isDigits);
      if (nums.length === 3 && nums[0]!.values.every((_, i) => BigInt(nums[0]!.values[i]!) + BigInt(nums[1]!.values[i]!) === BigInt(nums[2]!.values[i]!))) {
        guess('invoice.statedTotals.net', nums[0], { ...from, impliedDecimals: 2 });
        guess('invoice.statedTotals.vat', nums[1], { ...from, impliedDecimals: 2 });
        guess('invoice.statedTotals.gross', nums[2], { ...from, impliedDecimals: 2 });
      }
    }
    const recordLength = Math.max(...sample.map((l) => l.length));
    layouts.push({ type: discriminated ? type : 'R', recordLength, fields: fields.map((f) => ({ name: f.name, start: f.start, length: f.length })) });
  }
  const rules = buildRules(guesses, 'column');
  if (rules.lookups['vat']) rules.todos.push('check impliedDecimals of the numbers (guessed from quantity × price = value)');
  const fixed: Json = { ...(discriminated ? { discriminator: { start: 1, length: 1 } } : {}), layouts };
  const others = [...types.keys()].filter((t) => t !== headerType && t !== lineType);
  const invoices: Json = discriminated && lineType !== headerType
    ? { per: 'header', header: headerType, line: lineType, ...(others.length > 0 ? { other: others } : {}) }
    : { per: 'record' };
  const described = discriminated ? `record types ${[...types.keys()].join(', ')} in column 1 (${[...types].map(([t, l]) => `${t}: ${l.length}`).join(', ')})` : 'one record layout';
  return { input: { format: 'fixed', ...decode, fixed }, invoices, rules, described };
}
