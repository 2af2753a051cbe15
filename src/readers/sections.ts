/**
 * Section reader: `[NAME]` marker lines start a section; the lines inside are delimited, quoted
 * records (EDI++ `.epp` is the worked example). Each record gets the first layout whose section
 * is the current one, whose `when` holds on its own fields, and whose `after` (if any) is the type
 * of the last record read by a layout without `after`: an EDI++ [ZAWARTOSC] item's shape depends
 * on the [NAGLOWEK] before it. Streamed line by line; only the current record is in memory.
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord } from '../core/records.ts';
import type { SectionLayout } from '../core/input-options.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { assertNotEmpty, decodeWith, resolveEncoding } from './decode.ts';
import { splitLines } from './split-lines.ts';
import { DelimitedRecord } from './delimited-record.ts';
import { closestNames } from '../core/closest-names.ts';

type SectionsInput = OptionsOf<'sections'>;

const MARKER = /^\s*\[([^[\]]+)\]\s*$/;

const describeLayout = (l: SectionLayout): string => {
  let s = `"${l.type}"`;
  if (l.when) s += 'equals' in l.when ? ` when field ${l.when.field} is "${l.when.equals}"` : ` when field ${l.when.field} is one of ${l.when.in.join(', ')}`;
  if (l.after !== undefined) s += ` after "${l.after}"`;
  return s;
};

function holds(l: SectionLayout, fields: readonly string[]): boolean {
  if (!l.when) return true;
  const v = (fields[l.when.field - 1] ?? '').trim();
  return 'equals' in l.when ? v === l.when.equals : l.when.in.includes(v);
}

function valuesOf(l: SectionLayout, fields: readonly string[]): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  // a record shorter than its columns (an older program version): the missing ones are empty
  l.columns.forEach((name, i) => (values[name] = i < fields.length ? fields[i]! : null));
  for (let i = l.columns.length; i < fields.length; i++) values[String(i + 1)] = fields[i]!;
  return values;
}

async function* readSections(path: string, input: SectionsInput, displayName: string, limits: Limits): AsyncGenerator<SourceRecord> {
  const o = input.sections;
  await assertNotEmpty(path, displayName);
  const { encoding } = await resolveEncoding(path, { decode: input.decode, displayName });

  const bySection = new Map<string, SectionLayout[]>();
  for (const l of o.layouts) bySection.set(l.section, [...(bySection.get(l.section) ?? []), l]);
  /** sections where a record can set the "last header" (some layout there has no `after`) */
  const anchorSections = new Set(o.layouts.filter((l) => l.after === undefined).map((l) => l.section));
  const seen = new Set<string>();
  let section: string | undefined;
  let anchor: string | undefined;

  const max = limits.maxRecordChars;
  const tooLong = (line: number) => limitExceeded('maxRecordChars', max, `the record at line ${line} is longer than ${max} characters (a quote that is never closed?)`, { file: displayName, line });
  const parser = new DelimitedRecord(o.delimiter, o.quote);
  let start = 0;

  const unknown = (line: number, fields: readonly string[]): AgentError | undefined => {
    if (section !== undefined && anchorSections.has(section)) anchor = undefined;
    if (o.unknownRecords === 'ignore') return undefined;
    const rule = 'add a layout for such records, or set "unknownRecords": "ignore" to skip them';
    const where = { file: displayName, line };
    if (section === undefined) return new AgentError('READ_SECTION_UNKNOWN_RECORD', `line ${line} comes before any [SECTION] marker line`, { where, rule });
    const layouts = bySection.get(section);
    if (!layouts) {
      const named = [...bySection.keys()].map((s) => `[${s}]`).join(', ');
      return new AgentError('READ_SECTION_UNKNOWN_RECORD', `line ${line} is in section [${section}], which no layout names (layouts name ${named})`, { where: { ...where, value: section }, rule });
    }
    const last = layouts.some((l) => l.after !== undefined) ? `; the last header record read: ${anchor === undefined ? 'none' : `"${anchor}"`}` : '';
    return new AgentError(
      'READ_SECTION_UNKNOWN_RECORD',
      `line ${line} in section [${section}] matches no layout (first field "${fields[0] ?? ''}"; layouts of [${section}]: ${layouts.map(describeLayout).join('; ')}${last})`,
      { where: { ...where, value: fields[0] ?? '' }, rule },
    );
  };

  for await (const { text, line } of splitLines(decodeWith(path, encoding, displayName), max, tooLong)) {
    if (!parser.open) {
      if (text.trim() === '') continue;
      const marker = MARKER.exec(text);
      if (marker) {
        section = marker[1]!.trim();
        seen.add(section);
        continue;
      }
      start = line;
    }
    // counted before the push: a push that completes the record resets the parser's length
    if (parser.length + text.length > max) throw tooLong(start);
    const r = parser.push(text);
    if (r.kind === 'more') continue;
    if (r.kind === 'junk') {
      throw new AgentError('READ_SECTION_SYNTAX', `line ${line}, field ${r.field}: text after the closing quote (${JSON.stringify(r.text)}); a quote inside a quoted value is written twice ("")`, {
        where: { file: displayName, line, column: r.column },
        rule: `fields separated by "${o.delimiter}", quoted with ${o.quote}`,
      });
    }
    const fields = r.fields;
    const layout = section === undefined ? undefined : bySection.get(section)?.find((l) => holds(l, fields) && (l.after === undefined || l.after === anchor));
    if (!layout) {
      const e = unknown(start, fields);
      if (e) throw e;
      continue;
    }
    if (layout.after === undefined) anchor = layout.type;
    yield { values: valuesOf(layout, fields), recordType: layout.type, where: { file: displayName, line: start } };
  }
  if (parser.open) {
    throw new AgentError('READ_SECTION_SYNTAX', `line ${start}: a quoted value is never closed (the file ends inside it)`, {
      where: { file: displayName, line: start },
      rule: `fields quoted with ${o.quote}; a quote inside a quoted value is written twice`,
    });
  }
  const missing = [...bySection.keys()].filter((s) => !seen.has(s));
  if (missing.length > 0) {
    const inFile = [...seen];
    const parts = missing.map((s) => {
      const { ordered, suggestion } = closestNames(s, inFile);
      const types = bySection.get(s)!.map((l) => `"${l.type}"`).join(', ');
      const mean = suggestion === undefined ? '' : ` did you mean [${suggestion}]?`;
      return `section [${s}] (layout${bySection.get(s)!.length === 1 ? '' : 's'} ${types}) never appears in the file;${mean} Sections in the file: ${ordered.length === 0 ? 'none' : ordered.map((n) => `[${n}]`).join(', ')}`;
    });
    throw new AgentError('READ_SECTION_MISSING', `${parts.join('; ')}. The file was read as ${encoding}`, {
      where: { file: displayName, value: missing[0]! },
      rule: 'every section a layout names must appear in the file (names are compared exactly)',
    });
  }
}

export const sectionsReader: Reader<SectionsInput> = {
  read: (path, options, displayName, limits) => readSections(path, options, displayName, limits),
};
