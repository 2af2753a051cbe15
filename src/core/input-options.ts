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

export type InputOptions =
  | { readonly format: 'csv'; readonly decode: DecodeOptions; readonly csv: CsvOptions }
  | { readonly format: 'xlsx'; readonly xlsx: XlsxOptions }
  | { readonly format: 'fixed'; readonly decode: DecodeOptions; readonly fixed: FixedOptions }
  | { readonly format: 'xml'; readonly decode: DecodeOptions; readonly xml: XmlOptions }
  | { readonly format: 'json'; readonly decode: DecodeOptions; readonly json: JsonOptions };

export type InputFormat = InputOptions['format'];
