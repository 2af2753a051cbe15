/**
 * Section files (`[NAME]` marker lines, then quoted comma-separated records; EDI++ is the worked
 * example): one layout per section, fields named by position, and canonical fields guessed from
 * the values (there are no headers). Written in the issue 11 vocabulary of format "sections".
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isValidNip } from '../core/nip.ts';
import { compactId } from '../mapping/convert.ts';
import { buildRules, type BuiltRules, type Guess } from './build-rules.ts';
import { datePattern, isNumberLike, rateOf } from './value-shapes.ts';

type Json = Record<string, unknown>;
const MARKER = /^\s*\[([^\]\s"]+)\]\s*$/;

export function suggestSections(lines: readonly string[], decode: { encoding: string }): { input: Json; invoices: Json; rules: BuiltRules; described: string } {
  const sections = new Map<string, string[][]>();
  const order: string[] = [];
  let current: string | undefined;
  for (const l of lines) {
    const m = MARKER.exec(l);
    if (m) {
      current = m[1]!;
      if (!sections.has(current)) { sections.set(current, []); order.push(current); }
      continue;
    }
    if (current === undefined || l.trim() === '') continue;
    try {
      const rows = parseCsv(l, { delimiter: ',', quote: '"', relax_column_count: true, relax_quotes: true }) as string[][];
      if (rows[0]) sections.get(current)!.push(rows[0]);
    } catch { /* a line that is not a record: left to the reader to report */ }
  }
  // the document header section: records with a date and a NIP-like field; lines: the biggest other section
  const scoreHeader = (rows: string[][]) => rows.some((r) => r.some((c) => datePattern([c]) !== undefined)) ? 1 : 0;
  const withRows = order.filter((s) => sections.get(s)!.length > 0);
  const header = withRows.filter((s) => scoreHeader(sections.get(s)!) > 0 && sections.get(s)![0]!.length >= 10)[0];
  const line = withRows.filter((s) => s !== header).sort((a, b) => sections.get(b)!.length - sections.get(a)!.length)[0];
  const guesses: Guess[] = [];
  const col = (rows: string[][], i: number) => rows.map((r) => (r[i] ?? '').trim());
  const width = (rows: string[][]) => Math.max(0, ...rows.map((r) => r.length));
  if (header) {
    const rows = sections.get(header)!;
    const w = width(rows);
    const used = new Set<number>();
    const pick = (target: string, ok: (vs: string[]) => boolean) => {
      for (let i = 0; i < w; i++) if (!used.has(i) && ok(col(rows, i).filter((v) => v !== '')) && col(rows, i).some((v) => v !== '')) { used.add(i); guesses.push({ target, name: String(i + 1), values: col(rows, i) }); return; }
    };
    pick('invoice.number', (vs) => vs.every((v) => /\d/.test(v) && /[/\- ]/.test(v) && /\p{L}/u.test(v)));
    pick('invoice.buyer.taxId', (vs) => vs.every((v) => isValidNip(compactId(v).replace(/^PL/, ''))));
    pick('invoice.issueDate', (vs) => datePattern(vs) !== undefined);
    pick('invoice.saleDate', (vs) => datePattern(vs) !== undefined);
    pick('invoice.buyer.name', (vs) => vs.every((v) => /\p{L}{3}.*\s/u.test(v)));
  }
  if (line) {
    const rows = sections.get(line)!;
    const w = width(rows);
    const used = new Set<number>();
    const pick = (target: string, ok: (vs: string[]) => boolean) => {
      for (let i = 0; i < w; i++) if (!used.has(i) && col(rows, i).some((v) => v !== '') && ok(col(rows, i).filter((v) => v !== ''))) { used.add(i); guesses.push({ target, name: String(i + 1), values: col(rows, i) }); return; }
    };
    pick('line.description', (vs) => vs.every((v) => /\p{L}{3}.*\s/u.test(v)));
    pick('line.vatRate', (vs) => vs.every((v) => rateOf(v) !== undefined) && new Set(vs).size <= 5 && vs.some((v) => rateOf(v) !== '0'));
    pick('line.quantity', (vs) => vs.every(isNumberLike));
  }
  const layouts: Json[] = order.map((s) => ({
    type: s === header ? 'invoice' : s === line ? 'line' : s.toLowerCase(),
    section: s,
    ...(s === line && header ? { after: 'invoice' } : {}),
    columns: Array.from({ length: width(sections.get(s)!) }, (_, i) => String(i + 1)),
  }));
  const rules = buildRules(guesses, 'column');
  if (!header) rules.todos.push('no section looks like a document header (a record with dates): set invoices.header to its layout type');
  const invoices: Json = header && line ? { per: 'header', header: 'invoice', line: 'line' } : { per: 'record' };
  return {
    input: { format: 'sections', ...decode, sections: { delimiter: ',', quote: '"', layouts, unknownRecords: 'ignore' } },
    invoices,
    rules,
    described: `sections ${order.map((s) => `[${s}] (${sections.get(s)!.length})`).join(', ')}; header "${header ?? '?'}", lines "${line ?? '?'}"`,
  };
}
