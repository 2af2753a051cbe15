/**
 * Turns guesses (canonical target → the column or path that holds it, with sample values) into
 * the `invoice` and `line` sections of a mapping: conversions from the values (decimal mark, date
 * pattern, NIP cleaning), lookups built from the values seen (VAT rates, payment methods), and a
 * TODO for every required field nothing was found for.
 *
 * TODO convention (the mapping must load): a required field without a guess gets a rule reading
 * the column or path `TODO_<field>`, which no file has. `preview` then names it (an empty required
 * field, MAP_REQUIRED; with the column checks of issue 11 item 7 also "column TODO_… not found",
 * listing the real columns), and the mapping's `description` lists the TODOs in words.
 */
import { datePattern, decimalStyle, needsNipCleaning, paymentCodeOf, rateOf } from './value-shapes.ts';

export type SourceKind = 'column' | 'path';
export interface Guess {
  readonly target: string;
  readonly name: string;
  readonly values: readonly string[];
  /** further rule options decided by whoever guessed (from, impliedDecimals…) */
  readonly extra?: Readonly<Record<string, unknown>>;
}

type Rule = Record<string, unknown>;
type Group = { [key: string]: Rule | Group };

export interface BuiltRules {
  readonly invoice: Group;
  readonly line: Group;
  readonly lookups: Record<string, { values: Record<string, string>; unmatched: 'error' }>;
  readonly todos: string[];
  /** facts for the summary: "issueDate ← Data wystawienia (dd.MM.yyyy)" */
  readonly guessed: string[];
  readonly formats: { decimal: Set<string>; dates: Set<string> };
}

const REQUIRED = ['invoice.number', 'invoice.issueDate', 'invoice.buyer.name', 'line.description', 'line.vatRate'];
const DECIMAL_LEAVES = new Set(['quantity', 'unitNetPrice', 'unitGrossPrice', 'netAmount', 'grossAmount', 'vatAmount', 'discount', 'exchangeRate', 'net', 'vat', 'gross']);
const DATE_LEAVES = new Set(['issueDate', 'saleDate', 'dueDate', 'paidDate', 'originalIssueDate']);

function put(group: Group, path: readonly string[], rule: Rule): void {
  let g = group;
  for (const p of path.slice(0, -1)) g = (g[p] ??= {}) as Group;
  g[path[path.length - 1]!] = rule;
}

export function buildRules(guesses: readonly Guess[], kind: SourceKind, lineKind: SourceKind = kind): BuiltRules {
  const out: BuiltRules = { invoice: {}, line: {}, lookups: {}, todos: [], guessed: [], formats: { decimal: new Set(), dates: new Set() } };
  const byTarget = new Map(guesses.map((g) => [g.target, g]));
  const postcode = byTarget.get('invoice.buyer.address.postcode');
  const city = byTarget.get('invoice.buyer.address.city');
  for (const g of guesses) {
    if (g.target === 'invoice.buyer.address.postcode' || g.target === 'invoice.buyer.address.city') continue;
    const [section, ...path] = g.target.split('.') as ['invoice' | 'line', ...string[]];
    const leaf = path[path.length - 1]!;
    const src = section === 'line' ? lineKind : kind;
    const rule: Rule = { [src]: g.name, ...g.extra };
    let how = g.extra?.['impliedDecimals'] !== undefined ? `${String(g.extra['impliedDecimals'])} implied decimals` : '';
    if (DECIMAL_LEAVES.has(leaf) && rule['impliedDecimals'] === undefined) {
      const d = decimalStyle(g.values);
      if (d) {
        rule['decimal'] = d;
        out.formats.decimal.add(d);
        how = `decimal ${d}`;
      }
    }
    if (DATE_LEAVES.has(leaf)) {
      const p = datePattern(g.values);
      if (p && p !== 'iso' && rule['date'] === undefined) rule['date'] = p;
      if (p) {
        out.formats.dates.add(p);
        how = p;
      }
    }
    if (leaf === 'taxId' && needsNipCleaning(g.values)) {
      rule['nip'] = true;
      how = 'NIP cleaned';
    }
    if (leaf === 'vatRate') {
      const distinct = [...new Set(g.values.map((v) => v.trim()).filter((v) => v !== ''))];
      if (distinct.some((v) => rateOf(v) !== v)) {
        const values: Record<string, string> = {};
        const unknown: string[] = [];
        for (const v of distinct) {
          const r = rateOf(v);
          if (r) values[v] = r;
          else unknown.push(v);
        }
        out.lookups['vat'] = { values, unmatched: 'error' };
        rule['lookup'] = 'vat';
        how = 'lookup "vat"';
        if (unknown.length > 0) out.todos.push(`lookups.vat: add the rates of the codes ${unknown.map((u) => `"${u}"`).join(', ')} (23, 8, 5, 0, zw, np…)`);
      }
    }
    if (leaf === 'method' && path[0] === 'payment') {
      const distinct = [...new Set(g.values.map((v) => v.trim()).filter((v) => v !== '' && !/^[1-7]$/.test(v)))];
      if (distinct.length > 0) {
        const values: Record<string, string> = {};
        const unknown: string[] = [];
        for (const v of distinct) {
          const c = paymentCodeOf(v);
          if (c) values[v] = c;
          else unknown.push(v);
        }
        out.lookups['payment'] = { values, unmatched: 'error' };
        rule['lookup'] = 'payment';
        how = 'lookup "payment"';
        if (unknown.length > 0) out.todos.push(`lookups.payment: add the FA codes of ${unknown.map((u) => `"${u}"`).join(', ')} (1 cash, 2 card, 6 transfer, 7 mobile…)`);
      }
    }
    const fallback = rule['$fallbackTemplate'];
    delete rule['$fallbackTemplate'];
    put(section === 'line' ? out.line : out.invoice, path, typeof fallback === 'string' ? { first: [rule, { template: fallback }] } : rule);
    if (typeof fallback === 'string') how = `else ${fallback}`;
    out.guessed.push(`${g.target.replace(/^invoice\./, '')} ← ${g.name}${how ? ` (${how})` : ''}`);
  }
  if (postcode || city) {
    const parts = [postcode, city].filter((x) => x !== undefined);
    // one column holding both ("Kod i miasto") is read as it is; a template is for two
    if (parts.length === 1) {
      put(out.invoice, ['buyer', 'address', 'line2'], { [kind]: parts[0]!.name });
      out.guessed.push(`buyer.address.line2 ← ${parts[0]!.name}`);
    } else {
      const template = parts.map((x) => `{${x.name}}`).join(' ');
      put(out.invoice, ['buyer', 'address', 'line2'], { template });
      out.guessed.push(`buyer.address.line2 ← ${template}`);
    }
  }
  const address = (out.invoice['buyer'] as Group | undefined)?.['address'] as Group | undefined;
  if (address && !address['country']) address['country'] = { value: 'PL' };
  for (const t of REQUIRED) {
    if (byTarget.has(t)) continue;
    const [section, ...path] = t.split('.') as ['invoice' | 'line', ...string[]];
    put(section === 'line' ? out.line : out.invoice, path, { [section === 'line' ? lineKind : kind]: `TODO_${path.join('_')}` });
    out.todos.push(`${t.replace(/^invoice\./, '')}: required, not guessed (the rule reads "TODO_${path.join('_')}"; point it at the right ${section === 'line' ? lineKind : kind})`);
  }
  return out;
}
