/**
 * What a mapping's `input` section says about the file: the contract between the mapping
 * loader (which validates and produces these) and the readers (which consume them).
 */
export type Encoding = 'auto' | 'utf-8' | 'windows-1250' | 'cp852' | 'iso-8859-2';

export interface DecodeOptions {
  /** `auto`: strict UTF-8 (BOM optional) first, then `fallback` */
  readonly encoding: Encoding;
  /** code page tried when `auto` finds the bytes are not UTF-8 (default windows-1250) */
  readonly fallback?: Exclude<Encoding, 'auto' | 'utf-8'>;
}

export interface CsvOptions {
  /** one character, or `auto` (detects ; , tab |) */
  readonly delimiter: string;
  readonly quote: string;
  /** true: first (non-skipped) line names the columns; false: columns are "1", "2", … */
  readonly header: boolean;
  /** lines to skip before the header / first record */
  readonly skipLines: number;
  /** trailing lines to ignore (summary rows) */
  readonly skipTrailingLines: number;
  /** ignore rows whose cells are all empty */
  readonly skipEmptyRows: boolean;
  /** the column that says each record's type (a header name, or a 1-based column number as text without a header) */
  readonly recordType?: { readonly column: string };
  /** the column names of each record type (a type without a layout keeps the header's names, or "1", "2", …) */
  readonly layouts?: readonly CsvLayout[];
}

export interface CsvLayout {
  /** the record type, as written in the recordType column (compared trimmed) */
  readonly type: string;
  /** names of the columns of this record type, in order; further cells are named "n+1", … by position */
  readonly columns: readonly string[];
}

/** One sheet of a workbook read with `sheets`: its rows get `type` as their recordType. */
export interface XlsxSheet {
  /** sheet name, or 1-based index */
  readonly sheet: string | number;
  readonly type: string;
  /** 1-based header row of this sheet (default: the xlsx `headerRow`) */
  readonly headerRow?: number;
}

export interface XlsxOptions {
  /** sheet name, or 1-based index */
  readonly sheet: string | number;
  /** 1-based row holding the column names (rows above are titles) */
  readonly headerRow: number;
  /** stop at the first row whose cell in this column (name from the header) is empty or matches `stopWhen` */
  readonly stopColumn?: string;
  /** regular expression: a row whose stopColumn (or first cell) matches ends the data (e.g. "^(Razem|Suma)") */
  readonly stopWhen?: string;
  readonly skipEmptyRows: boolean;
  /** several sheets, read one after another (then `sheet` is not used) */
  readonly sheets?: readonly XlsxSheet[];
}

export interface FixedField {
  readonly name: string;
  /** 1-based first character */
  readonly start: number;
  readonly length: number;
  /** trim spaces (default true) */
  readonly trim?: boolean;
}

export interface FixedLayout {
  /** record type, matched against the discriminator's value */
  readonly type: string;
  readonly fields: readonly FixedField[];
  /** optional record length in characters: fields must end within it (checked at load) */
  readonly recordLength?: number;
}

export interface FixedOptions {
  /** where the record type is: 1-based start and length; omitted when there is one layout */
  readonly discriminator?: { readonly start: number; readonly length: number };
  readonly layouts: readonly FixedLayout[];
  /** what to do with a line whose type has no layout */
  readonly unknownRecords: 'error' | 'ignore';
  readonly skipEmptyLines: boolean;
}

export interface XmlOptions {
  /** slash path from the root to each record element, e.g. "/Export/Invoices/Invoice" (namespace prefixes removed) */
  readonly recordPath: string;
  /** element names that always form arrays (e.g. "Line") so one line and many lines look the same */
  readonly arrays?: readonly string[];
}

export interface JsonOptions {
  /** dot path to the array of records, e.g. "orders" or "data.invoices"; "" for a top-level array */
  readonly recordPath: string;
}

/** JSON Lines: one JSON object per line (no options yet; the object keeps room for them). */
export type JsonlOptions = Readonly<Record<string, never>>;

/** A test on one field of a section record (1-based field number). */
export type SectionWhen =
  | { readonly field: number; readonly equals: string }
  | { readonly field: number; readonly in: readonly string[] };

export interface SectionLayout {
  /** recordType of the records this layout reads */
  readonly type: string;
  /** the section name between the brackets, e.g. "NAGLOWEK" for [NAGLOWEK] */
  readonly section: string;
  /** the record's own field must equal / be one of (trimmed) */
  readonly when?: SectionWhen;
  /** the type of the last record read by a layout without `after` (EDI++: items after their document header) */
  readonly after?: string;
  /** names of the fields in order; further fields are named by their 1-based position ("13", …) */
  readonly columns: readonly string[];
}

export interface SectionsOptions {
  readonly delimiter: string;
  readonly quote: string;
  readonly layouts: readonly SectionLayout[];
  /** what to do with a record no layout describes */
  readonly unknownRecords: 'error' | 'ignore';
}

export type InputOptions =
  | { readonly format: 'csv'; readonly decode: DecodeOptions; readonly csv: CsvOptions }
  | { readonly format: 'xlsx'; readonly xlsx: XlsxOptions }
  | { readonly format: 'fixed'; readonly decode: DecodeOptions; readonly fixed: FixedOptions }
  | { readonly format: 'xml'; readonly decode: DecodeOptions; readonly xml: XmlOptions }
  | { readonly format: 'json'; readonly decode: DecodeOptions; readonly json: JsonOptions }
  | { readonly format: 'jsonl'; readonly decode: DecodeOptions; readonly jsonl: JsonlOptions }
  | { readonly format: 'sections'; readonly decode: DecodeOptions; readonly sections: SectionsOptions };

export type InputFormat = InputOptions['format'];
