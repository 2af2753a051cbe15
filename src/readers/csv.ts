/**
 * CSV reader: decoded text → csv-parse (streaming) → one SourceRecord per data row, values as the
 * raw strings of the file. Line numbers are physical lines of the file (skipped lines included).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { AgentError, isAgentError } from '../core/errors.ts';
import type { SourceRecord } from '../core/records.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { decodeFile } from './decode.ts';
import { crlfToLf, peekText, skipFirstLines } from './text-stream.ts';
import { sniffDelimiter } from './sniff-delimiter.ts';
import { closestNames } from '../core/closest-names.ts';

type CsvInput = OptionsOf<'csv'>;

interface RawRow {
  readonly cells: readonly string[];
  /** 1-based physical line where the record starts */
  readonly line: number;
}

const countNewlines = (cells: readonly string[]): number => {
  let n = 0;
  for (const c of cells) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) n++;
  return n;
};

/** Parses decoded text into raw rows with their start line; csv-parse errors become READ_CSV_MALFORMED. */
async function* parseRows(text: AsyncIterable<string>, delimiter: string, quote: string, lineOffset: number, displayName: string, maxRecordChars: number): AsyncGenerator<RawRow> {
  const parser = parse({
    delimiter,
    quote: quote === '' ? false : quote,
    escape: quote === '' ? null : quote,
    record_delimiter: '\n',
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // the longest record accepted: a runaway quote must not swallow the file into memory
    max_record_size: maxRecordChars,
  });
  const feeding = pipeline(Readable.from(text, { objectMode: false }), parser);
  let failed: unknown;
  feeding.catch((e: unknown) => {
    failed = e;
  });
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: record, line: lineOffset + info.lines - countNewlines(record) };
    }
  } catch (e) {
    throw toReadError(failed ?? e, lineOffset, displayName, maxRecordChars);
  }
  await feeding.catch((e: unknown) => {
    throw toReadError(e, lineOffset, displayName, maxRecordChars);
  });
}

function toReadError(e: unknown, lineOffset: number, displayName: string, maxRecordChars: number): unknown {
  if (isAgentError(e)) return e;
  const err = e as CsvError & { lines?: number };
  if (err?.code === 'CSV_MAX_RECORD_SIZE') {
    return limitExceeded('maxRecordChars', maxRecordChars, `a record is longer than ${maxRecordChars} characters (a quote that is never closed, or no line breaks)`, {
      file: displayName,
      ...(err.lines !== undefined ? { line: lineOffset + err.lines } : {}),
    });
  }
  if (typeof err?.code === 'string' && err.code.startsWith('CSV_')) {
    return new AgentError('READ_CSV_MALFORMED', `the CSV cannot be parsed: ${err.message.replace(/ at line \d+.*$/s, '')}`, {
      where: { file: displayName, ...(err.lines !== undefined ? { line: lineOffset + err.lines } : {}) },
      details: [err.code],
    });
  }
  return e;
}

function headerNames(cells: readonly string[], line: number, displayName: string): string[] {
  const names = cells.map((c, i) => (c.trim() === '' ? String(i + 1) : c.trim()));
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new AgentError('READ_CSV_DUPLICATE_HEADER', `the header names column "${name}" twice (columns ${first + 1} and ${i + 1})`, {
        where: { file: displayName, line, column: i + 1, value: name },
        rule: 'column names must be unique; use "header": false and column numbers instead',
      });
    }
    seen.set(name, i);
  });
  return names;
}

async function* readCsv(path: string, input: CsvInput, displayName: string, limits: Limits): AsyncGenerator<SourceRecord> {
  const o = input.csv;
  const text = crlfToLf(skipFirstLines(decodeFile(path, { decode: input.decode, displayName }), o.skipLines));
  let source: AsyncIterable<string> = text;
  let delimiter = o.delimiter;
  if (delimiter === 'auto') {
    const peek = await peekText(text, 16 * 1024, 11);
    delimiter = sniffDelimiter(peek.head, o.quote);
    source = peek.all;
  }

  let names: string[] | undefined;
  let expected: number | undefined;
  let expectedFrom = '';
  let row = 0;
  const held: { raw: RawRow; row: number }[] = [];
  const types = o.recordType ? recordTypes(o, displayName) : undefined;

  const toRecord = ({ raw, row: r }: { raw: RawRow; row: number }): SourceRecord => {
    const typed = types?.of(raw, names, expected, expectedFrom);
    const want = typed ? typed.expected : { count: expected!, from: expectedFrom };
    if (raw.cells.length !== want.count) {
      throw new AgentError(
        'READ_CSV_RAGGED',
        `line ${raw.line} has ${raw.cells.length} columns but ${want.from} has ${want.count}`,
        {
          where: { file: displayName, line: raw.line, row: r, value: String(raw.cells.length) },
          rule: `every row${typed ? ` of record type "${typed.type}"` : ''} has ${want.count} columns (delimiter "${delimiter === '\t' ? '\\t' : delimiter}")`,
        },
      );
    }
    const columns = typed?.columns ?? names;
    const values: Record<string, string> = {};
    raw.cells.forEach((cell, i) => {
      values[columns?.[i] ?? String(i + 1)] = cell;
    });
    return { values, ...(typed ? { recordType: typed.type } : {}), where: { file: displayName, row: r, line: raw.line } };
  };

  for await (const raw of parseRows(source, delimiter, o.quote, o.skipLines, displayName, limits.maxRecordChars)) {
    if (o.header && names === undefined) {
      names = headerNames(raw.cells, raw.line, displayName);
      expected = names.length;
      expectedFrom = `the header (line ${raw.line})`;
      types?.locate(names, raw);
      continue;
    }
    if (expected === undefined) {
      expected = raw.cells.length;
      expectedFrom = `the first row (line ${raw.line})`;
      types?.locate(undefined, raw);
    }
    row++;
    if (o.skipEmptyRows && raw.cells.every((c) => c.trim() === '')) continue;
    held.push({ raw, row });
    if (held.length > o.skipTrailingLines) yield toRecord(held.shift()!);
  }
}

/**
 * `recordType`: which column says the type, and per type the column names (its layout) and the
 * column count every row of that type must have: its layout's, else the header's, else that of
 * the first row of the type.
 */
function recordTypes(o: CsvInput['csv'], displayName: string) {
  const column = o.recordType!.column;
  const layouts = new Map((o.layouts ?? []).map((l) => [l.type.trim(), l]));
  const firstOfType = new Map<string, { count: number; line: number }>();
  let index = -1;
  return {
    /** finds the type column in the header (or, without one, checks the first row has it) */
    locate(header: readonly string[] | undefined, raw: RawRow): void {
      if (header) {
        index = header.indexOf(column);
        if (index >= 0) return;
        const { ordered, suggestion } = closestNames(column, header);
        const list = ordered.map((n) => `"${n}"`).join(', ');
        throw new AgentError('READ_CSV_NO_COLUMN', `the recordType column "${column}" is not in the header; ${suggestion !== undefined ? `did you mean "${suggestion}"? Columns: ${list}` : `columns: ${list}`}`, {
          where: { file: displayName, line: raw.line, value: column },
          rule: 'recordType.column names a column of the header (with "header": false, a 1-based column number such as "1")',
        });
      }
      index = Number(column) - 1;
      if (!(index >= 0) || index >= raw.cells.length) {
        throw new AgentError('READ_CSV_NO_COLUMN', `the recordType column "${column}" is not there: line ${raw.line} has ${raw.cells.length} columns`, {
          where: { file: displayName, line: raw.line, value: column },
          rule: 'without a header, recordType.column is a 1-based column number such as "1"',
        });
      }
    },
    of(raw: RawRow, header: readonly string[] | undefined, headerCount: number | undefined, headerFrom: string) {
      const type = (raw.cells[index] ?? '').trim();
      const layout = layouts.get(type);
      if (layout) return { type, columns: layout.columns, expected: { count: layout.columns.length, from: `record type "${type}" (its layout)` } };
      if (header) return { type, columns: undefined, expected: { count: headerCount!, from: headerFrom } };
      let first = firstOfType.get(type);
      if (!first) firstOfType.set(type, (first = { count: raw.cells.length, line: raw.line }));
      return { type, columns: undefined, expected: { count: first.count, from: `the first "${type}" row (line ${first.line})` } };
    },
  };
}

export const csvReader: Reader<CsvInput> = {
  read: (path, options, displayName, limits) => readCsv(path, options, displayName, limits),
};
