/**
 * `suggest`: looks at one export file and writes a starter mapping — format, encoding, delimiter,
 * header row, sheets, records and their lines, repeated column groups, the invoice key, the
 * canonical fields its header dictionary recognises — with TODOs for required fields it could not
 * guess. Pure apart from reading the file; the CLI writes the result.
 */
import { basename } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { assertNotEmpty } from '../readers/decode.ts';
import { sniffDelimiter } from '../readers/sniff-delimiter.ts';
import { detectFormat, isZip } from './detect-format.ts';
import { guessEncoding } from './guess-encoding.ts';
import { decodeSample, readSampleBytes, sampleLines, type TextSample } from './sample-text.ts';
import { findHeaderRow, TOTALS_ROW } from './find-header-row.ts';
import { invoicesOf, readerHeaders, suggestFlat, type FlatGuess } from './suggest-flat.ts';
import type { TreeGuess } from './suggest-tree.ts';
import { suggestWorkbook } from './suggest-workbook.ts';
import { suggestNested } from './suggest-nested.ts';
import type { SuggestFacts } from './suggest-facts.ts';
import { buildRules, type BuiltRules } from './build-rules.ts';
import { suggestFixed } from './suggest-fixed.ts';
import { suggestSections } from './suggest-sections.ts';

export interface SuggestOptions {
  /** the mapping's name (default: "Suggested: <file name>") */
  readonly name?: string;
}

export type { SuggestFacts } from './suggest-facts.ts';

export interface Suggestion {
  readonly mapping: Record<string, unknown>;
  readonly facts: SuggestFacts;
}

type Json = Record<string, unknown>;

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
