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
  const records: { section: string; row: string[] }[] = [];
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
      if (rows[0]) { sections.get(current)!.push(rows[0]); records.push({ section: current, row: rows[0] }); }
    } catch { /* a line that is not a record: left to the reader to report */ }
  }
  // a document header: a wide record with a date. The header section is the one with the most of
  // them (EDI++: [NAGLOWEK] once per document, not [INFO], which is wide and dated but once a file)
  const isDocument = (r: string[]) => r.length >= 10 && r.some((c) => datePattern([c]) !== undefined);
  const documentsIn = (sec: string) => sections.get(sec)!.filter(isDocument).length;
  const header = order.filter((sec) => documentsIn(sec) > 0).sort((a, b) => documentsIn(b) - documentsIn(a))[0];
  // other records of the header section (EDI++: the "KONTRAHENCI"/"TOWARY" block headers) are no
  // documents: the header layout takes only the document types its documents start with
  const headerRows = header ? sections.get(header)!.filter(isDocument) : [];
  const types = [...new Set(headerRows.map((r) => (r[0] ?? '').trim()))];
  const when = header && headerRows.length < sections.get(header)!.length && types.length <= 10 && types.every((t) => /^\p{L}[\p{L}\d]*$/u.test(t)) ? { field: 1, in: types } : undefined;
  // lines: the section whose records most often follow a document header (not a reference block's)
  const lineRows = new Map<string, string[][]>();
  let inDocument = false;
  for (const { section, row } of records) {
    if (section === header) { inDocument = isDocument(row) && (!when || when.in.includes((row[0] ?? '').trim())); continue; }
    if (inDocument) lineRows.set(section, [...(lineRows.get(section) ?? []), row]);
  }
  const line = [...lineRows.keys()].sort((a, b) => lineRows.get(b)!.length - lineRows.get(a)!.length)[0];
  const guesses: Guess[] = [];
  const col = (rows: string[][], i: number) => rows.map((r) => (r[i] ?? '').trim());
  const width = (rows: string[][]) => Math.max(0, ...rows.map((r) => r.length));
  if (header) {
    const rows = headerRows;
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
    const rows = lineRows.get(line)!;
    const w = width(rows);
    const used = new Set<number>();
    const pick = (target: string, ok: (vs: string[]) => boolean) => {
      for (let i = 0; i < w; i++) if (!used.has(i) && col(rows, i).some((v) => v !== '') && ok(col(rows, i).filter((v) => v !== ''))) { used.add(i); guesses.push({ target, name: String(i + 1), values: col(rows, i) }); return; }
    };
    pick('line.description', (vs) => vs.every((v) => /\p{L}{3}.*\s/u.test(v)));
    pick('line.vatRate', (vs) => vs.every((v) => rateOf(v) !== undefined) && new Set(vs).size <= 5 && vs.some((v) => rateOf(v) !== '0'));
    // a running number (Lp: 1, 2, 3, then 1 again) is not a quantity
    pick('line.quantity', (vs) => vs.every(isNumberLike) && !isRunningNumber(vs));
  }
  const columns = (rows: string[][]) => Array.from({ length: width(rows) }, (_, i) => String(i + 1));
  // with a header and its lines found, the other sections ([INFO], reference blocks) get no layout
  // and are skipped (unknownRecords "ignore"); without, every section gets one to start from
  const layouts: Json[] = header && line
    ? [
        { type: 'invoice', section: header, ...(when ? { when } : {}), columns: columns(headerRows) },
        { type: 'line', section: line, after: 'invoice', columns: columns(lineRows.get(line)!) },
      ]
    : order.map((s) => ({ type: s === header ? 'invoice' : s.toLowerCase(), section: s, columns: columns(sections.get(s)!) }));
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

/** 1, 2, 3, 1, 2…: every value a whole number, each 1 or one more than the one before. */
function isRunningNumber(vs: readonly string[]): boolean {
  if (vs.length === 0) return false;
  let prev = 0;
  for (const v of vs) {
    if (!/^\d+$/.test(v)) return false;
    const n = Number(v);
    if (n !== 1 && n !== prev + 1) return false;
    prev = n;
  }
  return true;
}
