/** The mapping's `input` section (schema-checked) → the InputOptions readers consume, defaults filled. */
import type { CsvLayout, DecodeOptions, Encoding, FixedOptions, InputOptions, SectionLayout, XlsxSheet } from '../core/input-options.ts';

type J = Readonly<Record<string, unknown>>;

export function toInputOptions(input: J): InputOptions {
  const decode: DecodeOptions = {
    encoding: (input['encoding'] as Encoding | undefined) ?? 'auto',
    ...(input['fallback'] !== undefined ? { fallback: input['fallback'] as DecodeOptions['fallback'] & string } : {}),
  };
  const sub = (k: string): J => (input[k] as J | undefined) ?? {};
  switch (input['format']) {
    case 'csv': {
      const c = sub('csv');
      return {
        format: 'csv',
        decode,
        csv: {
          delimiter: (c['delimiter'] as string | undefined) ?? 'auto',
          quote: (c['quote'] as string | undefined) ?? '"',
          header: (c['header'] as boolean | undefined) ?? true,
          skipLines: (c['skipLines'] as number | undefined) ?? 0,
          skipTrailingLines: (c['skipTrailingLines'] as number | undefined) ?? 0,
          skipEmptyRows: (c['skipEmptyRows'] as boolean | undefined) ?? true,
          ...(c['recordType'] !== undefined ? { recordType: c['recordType'] as { column: string } } : {}),
          ...(c['layouts'] !== undefined ? { layouts: c['layouts'] as CsvLayout[] } : {}),
        },
      };
    }
    case 'xlsx': {
      const x = sub('xlsx');
      return {
        format: 'xlsx',
        xlsx: {
          sheet: (x['sheet'] as string | number | undefined) ?? 1,
          headerRow: (x['headerRow'] as number | undefined) ?? 1,
          ...(x['stopColumn'] !== undefined ? { stopColumn: x['stopColumn'] as string } : {}),
          ...(x['stopWhen'] !== undefined ? { stopWhen: x['stopWhen'] as string } : {}),
          skipEmptyRows: (x['skipEmptyRows'] as boolean | undefined) ?? true,
          ...(x['sheets'] !== undefined ? { sheets: x['sheets'] as XlsxSheet[] } : {}),
        },
      };
    }
    case 'fixed': {
      const f = sub('fixed') as unknown as Partial<FixedOptions>;
      return {
        format: 'fixed',
        decode,
        fixed: {
          ...(f.discriminator ? { discriminator: f.discriminator } : {}),
          layouts: f.layouts ?? [],
          unknownRecords: f.unknownRecords ?? 'error',
          skipEmptyLines: f.skipEmptyLines ?? true,
        },
      };
    }
    case 'xml': {
      const x = sub('xml');
      return { format: 'xml', decode, xml: { recordPath: x['recordPath'] as string, ...(x['arrays'] ? { arrays: x['arrays'] as string[] } : {}) } };
    }
    case 'jsonl':
      return { format: 'jsonl', decode, jsonl: {} };
    case 'sections': {
      const s = sub('sections');
      return {
        format: 'sections',
        decode,
        sections: {
          delimiter: (s['delimiter'] as string | undefined) ?? ',',
          quote: (s['quote'] as string | undefined) ?? '"',
          layouts: (s['layouts'] as SectionLayout[] | undefined) ?? [],
          unknownRecords: (s['unknownRecords'] as 'error' | 'ignore' | undefined) ?? 'error',
        },
      };
    }
    default: {
      const j = sub('json');
      return { format: 'json', decode, json: { recordPath: (j['recordPath'] as string | undefined) ?? '' } };
    }
  }
}

/** One problem in the input options: JSON pointer inside the mapping, message, offending value. */
export interface InputProblem {
  readonly pointer: string;
  readonly message: string;
  readonly value?: string;
}

/**
 * Checks the schema cannot express: options that only make sense together, duplicates, and
 * `after` naming a type no layout gives. `raw` is the `input` section as written.
 */
export function checkInputOptions(raw: J, input: InputOptions): InputProblem[] {
  const out: InputProblem[] = [];
  const dup = <T>(items: readonly T[], key: (t: T) => string, at: (i: number) => string, what: string): void => {
    const seen = new Map<string, number>();
    items.forEach((t, i) => {
      const k = key(t);
      const first = seen.get(k);
      if (first !== undefined) out.push({ pointer: at(i), message: `${what} "${k}" is given twice (entries ${first + 1} and ${i + 1})`, value: k });
      else seen.set(k, i);
    });
  };
  if (input.format === 'xlsx' && input.xlsx.sheets) {
    const x = raw['xlsx'] as J;
    if (x['sheet'] !== undefined) out.push({ pointer: '/input/xlsx/sheet', message: 'use either sheet (one sheet) or sheets (several sheets), not both' });
    dup(input.xlsx.sheets, (s) => String(s.sheet), (i) => `/input/xlsx/sheets/${i}/sheet`, 'sheet');
  }
  if (input.format === 'csv') {
    const c = input.csv;
    if (c.layouts && !c.recordType) out.push({ pointer: '/input/csv/layouts', message: 'layouts need recordType: the column that says which layout a row has' });
    if (c.recordType && !c.header && !/^[1-9]\d*$/.test(c.recordType.column)) {
      out.push({ pointer: '/input/csv/recordType/column', message: `without a header, recordType.column is a 1-based column number such as "1" (got "${c.recordType.column}")`, value: c.recordType.column });
    }
    if (c.layouts) {
      dup(c.layouts, (l) => l.type.trim(), (i) => `/input/csv/layouts/${i}/type`, 'record type');
      c.layouts.forEach((l, i) => dup(l.columns, (n) => n, (k) => `/input/csv/layouts/${i}/columns/${k}`, 'column'));
    }
  }
  if (input.format === 'sections') {
    const s = input.sections;
    if (s.delimiter === s.quote) out.push({ pointer: '/input/sections/quote', message: `the quote and the delimiter are the same character ("${s.quote}")`, value: s.quote });
    const anchors = new Set(s.layouts.filter((l) => l.after === undefined).map((l) => l.type));
    s.layouts.forEach((l, i) => {
      const at = `/input/sections/layouts/${i}`;
      if (l.after !== undefined && !anchors.has(l.after)) {
        out.push({ pointer: `${at}/after`, message: `after "${l.after}" names no type of a layout without after (those are: ${[...anchors].map((a) => `"${a}"`).join(', ') || 'none'})`, value: l.after });
      }
      if (l.when) {
        const w = l.when as { equals?: string; in?: readonly string[] };
        if ((w.equals === undefined) === (w.in === undefined)) out.push({ pointer: `${at}/when`, message: 'when needs exactly one of equals or in' });
      }
      dup(l.columns, (n) => n, (k) => `${at}/columns/${k}`, 'column');
    });
  }
  return out;
}

/**
 * The record types the file's records can have, for per "header": a closed set (fixed-width
 * layouts, section layouts, xlsx sheets), `open` when any type may come (a CSV type column), or
 * undefined when the format gives records no type. `from` names the option that declares them.
 */
export function recordTypesOf(input: InputOptions): { readonly types: ReadonlySet<string>; readonly open: boolean; readonly from: string } | undefined {
  switch (input.format) {
    case 'fixed':
      return { types: new Set(input.fixed.layouts.map((l) => l.type)), open: false, from: 'input.fixed.layouts' };
    case 'sections':
      return { types: new Set(input.sections.layouts.map((l) => l.type)), open: false, from: 'input.sections.layouts' };
    case 'xlsx':
      return input.xlsx.sheets ? { types: new Set(input.xlsx.sheets.map((s) => s.type)), open: false, from: 'input.xlsx.sheets' } : undefined;
    case 'csv':
      return input.csv.recordType ? { types: new Set((input.csv.layouts ?? []).map((l) => l.type.trim())), open: true, from: 'input.csv.layouts' } : undefined;
    default:
      return undefined;
  }
}
