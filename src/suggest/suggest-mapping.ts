/**
 * `suggest`: looks at one export file and writes a starter mapping — format, encoding, delimiter,
 * header row, sheets, records and their lines, repeated column groups, the invoice key, the
 * canonical fields its header dictionary recognises — with TODOs for required fields it could not
 * guess. Pure apart from reading the file; the CLI writes the result.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { AgentError } from '../core/errors.ts';
import type { SourceValue } from '../core/records.ts';
import type { InputOptions } from '../core/input-options.ts';
import { readRecords } from '../readers/index.ts';
import { assertNotEmpty } from '../readers/decode.ts';
import { sniffDelimiter } from '../readers/sniff-delimiter.ts';
import { detectFormat, isZip, type SuggestFormat } from './detect-format.ts';
import { guessEncoding } from './guess-encoding.ts';
import { decodeSample, readSampleBytes, sampleLines, type TextSample } from './sample-text.ts';
import { findHeaderRow, TOTALS_ROW } from './find-header-row.ts';
import { readerHeaders, suggestFlat, type FlatGuess } from './suggest-flat.ts';
import { findRecordArray, suggestTree, type TreeGuess } from './suggest-tree.ts';
import { sampleSheets } from './sample-xlsx.ts';
import { buildRules, type BuiltRules, type SourceKind } from './build-rules.ts';
import { suggestFixed } from './suggest-fixed.ts';
import { suggestSections } from './suggest-sections.ts';

export interface SuggestOptions {
  /** the mapping's name (default: "Suggested: <file name>") */
  readonly name?: string;
}

export interface SuggestFacts {
  readonly file: string;
  format?: SuggestFormat;
  encoding?: string;
  encodingHow?: string;
  delimiter?: string;
  headerRow?: number;
  sheet?: string;
  sheets?: string[];
  records?: string;
  grouping?: string;
  unpivot?: string;
  decimal: string[];
  dates: string[];
  guessed: string[];
  todos: string[];
  warnings: string[];
  /** true when the mapping uses issue 11 vocabulary that must be merged before it loads */
  needsNewVocabulary?: string;
}

export interface Suggestion {
  readonly mapping: Record<string, unknown>;
  readonly facts: SuggestFacts;
}

const MAX_RECORDS = 500;
const TREE_BYTES = 64 * 1024 * 1024;

type Json = Record<string, unknown>;

async function firstRecords(path: string, input: InputOptions, name: string): Promise<SourceValue[]> {
  const out: SourceValue[] = [];
  for await (const r of readRecords(path, input, name)) {
    out.push(r.values as SourceValue);
    if (out.length >= MAX_RECORDS) break;
  }
  return out;
}

function invoicesOf(g: FlatGuess): Json {
  const unpivot = g.unpivot ? { unpivot: { columns: g.unpivot.pattern } } : {};
  if (g.grouping.per === 'key') return { per: 'key', key: g.grouping.key, ...(g.grouping.adjacent ? {} : { adjacent: false }), ...unpivot };
  return { per: g.grouping.per, ...unpivot };
}

function describeGrouping(inv: Json): string {
  if (inv['per'] === 'key') return `per key "${String(inv['key'])}"${inv['adjacent'] === false ? ' (rows of one invoice are NOT adjacent: adjacent false)' : ' (rows of one invoice are adjacent)'}`;
  if (inv['per'] === 'record') return `per record${inv['lines'] ? ` with lines at "${String(inv['lines'])}"` : inv['unpivot'] ? ' (each row one invoice, its lines from repeated column groups)' : ' (each row is one invoice with one line)'}`;
  if (inv['per'] === 'join') return `per join: "${String(inv['header'])}" records with their "${String(inv['line'])}" records by key`;
  if (inv['per'] === 'header') return `per header: a "${String(inv['header'])}" record, then its "${String(inv['line'])}" records`;
  return 'per file (no invoice number column found: the whole file is one invoice)';
}

async function textSample(path: string, xml: boolean): Promise<{ sample: TextSample; encoding: string; how: string; detected: string }> {
  const { bytes, complete } = await readSampleBytes(path);
  const enc = await guessEncoding(path, xml);
  return { sample: { bytes, text: decodeSample(bytes, enc.detected), complete }, encoding: enc.encoding, how: enc.how, detected: enc.detected };
}

function csvRows(lines: readonly string[], delimiter: string): string[][] {
  return parseCsv(lines.join('\n'), { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
}

export async function suggestMapping(path: string, opts: SuggestOptions = {}): Promise<Suggestion> {
  const file = basename(path);
  await assertNotEmpty(path, file);
  const facts: SuggestFacts = { file, decimal: [], dates: [], guessed: [], todos: [], warnings: [] };
  const { bytes } = await readSampleBytes(path);
  const firstByte = bytes.subarray(0, 512).toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart()[0];
  let input: Json;
  let invoices: Json;
  let rules: BuiltRules;
  let flat: FlatGuess | undefined;
  let tree: TreeGuess | undefined;

  if (isZip(bytes)) {
    facts.format = 'xlsx';
    const r = await suggestWorkbook(path, facts);
    ({ input, invoices, rules } = r);
    flat = r.flat;
  } else {
    const t = await textSample(path, firstByte === '<');
    facts.encoding = t.detected;
    facts.encodingHow = t.how;
    const format = detectFormat(file, bytes, t.sample.text);
    facts.format = format;
    const decode = { encoding: t.encoding };
    const lines = sampleLines(t.sample);
    if (format === 'csv') {
      let delimiter = sniffDelimiter(lines.slice(0, 30).join('\n'), '"');
      let rows = csvRows(lines, delimiter);
      let headerIdx = findHeaderRow(rows);
      if (headerIdx > 0) {
        delimiter = sniffDelimiter(lines.slice(headerIdx, headerIdx + 30).join('\n'), '"');
        rows = csvRows(lines, delimiter);
        headerIdx = findHeaderRow(rows);
      }
      facts.delimiter = delimiter;
      const csv: Json = { delimiter, header: headerIdx >= 0 };
      if (headerIdx > 0) csv['skipLines'] = headerIdx;
      let data = rows.slice(headerIdx + 1).filter((r) => r.some((c) => c.trim() !== ''));
      const last = data[data.length - 1];
      if (t.sample.complete && last && TOTALS_ROW.test(last.find((c) => c.trim() !== '')?.trim() ?? '')) {
        csv['skipTrailingLines'] = 1;
        data = data.slice(0, -1);
        facts.warnings.push('the last line looks like a totals row: skipTrailingLines 1');
      }
      const headers = headerIdx >= 0 ? readerHeaders(rows[headerIdx]!) : (rows[0] ?? []).map((_, i) => String(i + 1));
      facts.headerRow = headerIdx + 1;
      if (headerIdx < 0) facts.warnings.push('no header row found: columns are named "1", "2", … (header false)');
      flat = suggestFlat({ headers, rows: data });
      input = { format: 'csv', ...decode, csv };
      invoices = invoicesOf(flat);
      rules = buildRules(flat.guesses, 'column');
    } else if (format === 'json' || format === 'xml' || format === 'jsonl') {
      const r = await suggestNested(path, format, decode, lines, facts);
      ({ input, invoices, tree } = r);
      rules = buildRules(tree.guesses, 'path');
    } else if (format === 'sections') {
      const r = suggestSections(lines, decode);
      ({ input, invoices, rules } = r);
      facts.records = r.described;
    } else {
      const r = suggestFixed(lines, decode);
      ({ input, invoices, rules } = r);
      facts.records = r.described;
    }
  }
  facts.grouping = describeGrouping(invoices);
  if (flat?.unpivot) facts.unpivot = `"${flat.unpivot.pattern}" (indexes ${flat.unpivot.indexes.join(', ')}; fields ${flat.unpivot.fields.join(', ')})`;
  facts.warnings.push(...(flat?.misencoded ?? []), ...(tree?.misencoded ?? []));
  facts.decimal.push(...rules.formats.decimal);
  facts.dates.push(...rules.formats.dates);
  facts.guessed.push(...rules.guessed);
  facts.todos.push(...rules.todos);
  const newWords = newVocabulary(input, invoices);
  if (newWords) facts.needsNewVocabulary = newWords;

  const todoText = facts.todos.length > 0 ? ` TODO: ${facts.todos.join('; ')}.` : ' No TODOs: check every field in preview.';
  const mapping: Json = {
    name: opts.name ?? `Suggested: ${file}`,
    description: `Starter mapping written by \`ksef-hotfolder suggest\` from ${file}; check it with \`ksef-hotfolder preview\`.${todoText}`,
    input,
    invoices,
    invoice: rules.invoice,
    line: rules.line,
    ...(Object.keys(rules.lookups).length > 0 ? { lookups: rules.lookups } : {}),
  };
  return { mapping, facts };
}

/** Mapping words issue 11 adds in other branches (jsonl, sections, sheets, join, unpivot, adjacent). */
function newVocabulary(input: Json, invoices: Json): string | undefined {
  const words: string[] = [];
  if (input['format'] === 'jsonl' || input['format'] === 'sections') words.push(`format "${String(input['format'])}"`);
  if ((input['xlsx'] as Json | undefined)?.['sheets']) words.push('input.xlsx.sheets');
  if (invoices['per'] === 'join') words.push('invoices.per "join"');
  if (invoices['unpivot']) words.push('invoices.unpivot');
  if (invoices['adjacent'] === false) words.push('invoices.adjacent');
  return words.length > 0 ? words.join(', ') : undefined;
}

async function suggestWorkbook(path: string, facts: SuggestFacts): Promise<{ input: Json; invoices: Json; rules: BuiltRules; flat: FlatGuess }> {
  const sheets = await sampleSheets(path);
  const looked = sheets.map((s) => {
    const headerIdx = findHeaderRow(s.rows);
    const headerCells = s.rows[headerIdx] ?? [];
    const kept = headerCells.map((c, i) => ({ name: c.trim(), i })).filter((c) => c.name !== '');
    let data = s.rows.slice(headerIdx + 1).filter((r) => r.some((c) => c.trim() !== ''));
    let stop: { column: string } | undefined;
    const totalsAt = data.findIndex((r) => kept.some((c) => TOTALS_ROW.test((r[c.i] ?? '').trim())));
    if (totalsAt >= 0) {
      const row = data[totalsAt]!;
      stop = { column: kept.find((c) => TOTALS_ROW.test((row[c.i] ?? '').trim()))!.name };
      data = data.slice(0, totalsAt);
    }
    const table = { headers: kept.map((c) => c.name), rows: data.map((r) => kept.map((c) => r[c.i] ?? '')) };
    const guess = suggestFlat(table);
    const has = (t: string) => guess.guesses.some((g) => g.target === t);
    const lineLike = has('line.quantity') || has('line.unitNetPrice') || has('line.unitGrossPrice') || has('line.vatRate') || guess.unpivot !== undefined;
    // a lines sheet names its invoice's number too: only dates or buyer data make a sheet hold invoices
    const invoiceLike = has('invoice.issueDate') || has('invoice.buyer.name') || has('invoice.buyer.taxId');
    return { sheet: s, headerRow: headerIdx + 1, table, guess, stop, lineLike, invoiceLike, score: guess.guesses.length };
  });
  facts.sheets = looked.map((l) => `"${l.sheet.name}" (${l.lineLike && l.invoiceLike ? 'invoices with lines' : l.lineLike ? 'lines' : l.invoiceLike ? 'invoices' : 'not recognised'}, header row ${l.headerRow})`);
  const heads = looked.filter((l) => l.invoiceLike && !l.lineLike);
  const lineSheets = looked.filter((l) => l.lineLike && !l.invoiceLike);
  const mixed = looked.filter((l) => l.lineLike && l.invoiceLike);
  if (mixed.length === 0 && heads.length === 1 && lineSheets.length >= 1) {
    // master-detail across two sheets (issue 11 vocabulary: sheets + per join)
    const head = heads[0]!;
    const lines = lineSheets[0]!;
    const number = head.guess.guesses.find((g) => g.target === 'invoice.number');
    const numbers = new Set(number?.values ?? []);
    const lineKey = lines.table.headers.find((h, i) => lines.table.rows.length > 0 && lines.table.rows.every((r) => numbers.has(r[i] ?? '')) && i >= 0);
    const guesses = [...head.guess.guesses.filter((g) => g.target.startsWith('invoice.')), ...lines.guess.guesses.filter((g) => g.target.startsWith('line.'))];
    const rules = buildRules(guesses, 'column');
    if (!lineKey) rules.todos.push(`invoices.lineKey: the column of sheet "${lines.sheet.name}" holding the invoice number`);
    if (!number) rules.todos.push(`invoices.key: the column of sheet "${head.sheet.name}" holding the invoice number`);
    facts.sheet = `"${head.sheet.name}" (invoices) + "${lines.sheet.name}" (lines)`;
    facts.headerRow = head.headerRow;
    return {
      input: { format: 'xlsx', xlsx: { sheets: [{ sheet: head.sheet.name, type: 'invoice', headerRow: head.headerRow }, { sheet: lines.sheet.name, type: 'line', headerRow: lines.headerRow }] } },
      invoices: { per: 'join', header: 'invoice', line: 'line', key: { column: number?.name ?? 'TODO_invoice_number' }, lineKey: { column: lineKey ?? 'TODO_invoice_number' } },
      rules,
      flat: lines.guess,
    };
  }
  const best = [...looked].sort((a, b) => b.score - a.score)[0];
  if (!best || best.table.headers.length === 0) throw new AgentError('SUGGEST_NOTHING', 'no sheet of the workbook has a header row with column names', { kind: 'config', where: { file: facts.file } });
  facts.sheet = `"${best.sheet.name}"`;
  facts.headerRow = best.headerRow;
  const xlsx: Json = { sheet: best.sheet.index, headerRow: best.headerRow };
  if (best.stop) {
    xlsx['stopColumn'] = best.stop.column;
    xlsx['stopWhen'] = '^(Razem|Suma|Ogółem|Total)';
    facts.warnings.push(`a totals row ends the data (stopColumn "${best.stop.column}")`);
  }
  return { input: { format: 'xlsx', xlsx }, invoices: invoicesOf(best.guess), rules: buildRules(best.guess.guesses, 'column'), flat: best.guess };
}

function plainValue(v: unknown): SourceValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(plainValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Json).map(([k, c]) => [k, plainValue(c)]));
  return String(v);
}

async function suggestNested(path: string, format: 'json' | 'xml' | 'jsonl', decode: { encoding: string }, lines: readonly string[], facts: SuggestFacts): Promise<{ input: Json; invoices: Json; tree: TreeGuess }> {
  const whole = async (): Promise<string> => {
    const buf = await readFile(path);
    if (buf.length > TREE_BYTES) throw new AgentError('SUGGEST_TOO_BIG', `the file is larger than ${TREE_BYTES} bytes; suggest from a smaller export of the same kind`, { kind: 'config', where: { file: facts.file } });
    return decodeSample(buf, facts.encoding ?? 'utf-8');
  };
  const enc = decode as { encoding: 'auto' };
  if (format === 'jsonl') {
    const records = lines.filter((l) => l.trim() !== '').slice(0, MAX_RECORDS).map((l) => plainValue(JSON.parse(l)));
    const tree = suggestTree(records, '.');
    facts.records = 'one JSON object per line';
    const input = { format: 'jsonl', ...decode, jsonl: {} };
    return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('.') } : {}) }, tree };
  }
  if (format === 'json') {
    const text = await whole();
    const found = findRecordArray(plainValue(JSON.parse(text)));
    const recordPath = found ? found.path.join('.') : '';
    facts.records = `"${recordPath}" (${found?.count ?? 1} record(s))`;
    const input: Json = { format: 'json', ...decode, json: { recordPath } };
    const records = await firstRecords(path, { format: 'json', decode: enc, json: { recordPath } }, facts.file);
    const tree = suggestTree(records, '.');
    return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('.') } : {}) }, tree };
  }
  const text = await whole();
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true, ignorePiTags: true, processEntities: false }).parse(text) as Json;
  const found = findRecordArray(plainValue(parsed));
  const recordPath = '/' + (found ? found.path : Object.keys(parsed).slice(0, 1)).join('/');
  facts.records = `"${recordPath}" (${found?.count ?? 1} record(s))`;
  const first = await firstRecords(path, { format: 'xml', decode: enc, xml: { recordPath } }, facts.file);
  const probe = suggestTree(first, '/');
  const arrays = probe.linesPath ? [probe.linesPath[probe.linesPath.length - 1]!] : undefined;
  const records = arrays ? await firstRecords(path, { format: 'xml', decode: enc, xml: { recordPath, arrays } }, facts.file) : first;
  const tree = arrays ? suggestTree(records, '/') : probe;
  const input: Json = { format: 'xml', ...decode, xml: { recordPath, ...(arrays ? { arrays } : {}) } };
  return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('/') } : {}) }, tree };
}

export type { SourceKind };
