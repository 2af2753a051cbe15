/**
 * The shape of a mapping file as admins write it (after JSON Schema validation). Only the loader
 * reads these; everything else works with the CompiledMapping.
 */
export interface RuleJson {
  readonly column?: string;
  readonly path?: string;
  readonly value?: string;
  readonly template?: string;
  readonly expr?: string;
  readonly first?: readonly RuleJson[];
  readonly from?: string;
  readonly when?: ConditionJson;
  readonly default?: string;
  readonly required?: boolean;
  readonly trim?: boolean;
  readonly case?: 'upper' | 'lower';
  readonly removeChars?: string;
  readonly nip?: boolean;
  readonly lookup?: string;
  /** with a record lookup: the column/path of the matched reference record */
  readonly field?: string;
  readonly decimal?: 'comma' | 'dot' | 'auto';
  readonly impliedDecimals?: number;
  readonly negate?: boolean;
  readonly date?: string;
  readonly timeZone?: string;
  /** the column/path this rule names may legitimately be absent from a file (no MAP_COLUMN_UNKNOWN / MAP_PATH_UNMATCHED) */
  readonly optional?: boolean;
}

export interface ConditionJson {
  readonly column?: string;
  readonly path?: string;
  readonly from?: string;
  readonly present?: boolean;
  readonly equals?: string;
  readonly notEquals?: string;
  readonly in?: readonly string[];
  readonly matches?: string;
  readonly expr?: string;
  readonly all?: readonly ConditionJson[];
  readonly any?: readonly ConditionJson[];
  readonly not?: ConditionJson;
  /** the column/path this condition names may legitimately be absent from a file */
  readonly optional?: boolean;
}

export interface TableLookupJson {
  readonly values: Readonly<Record<string, string>>;
  readonly unmatched: 'error' | 'default' | 'pass';
  readonly default?: string;
  readonly caseSensitive?: boolean;
}

/** A lookup into reference records of the same file, found by their key. */
export interface RecordLookupJson {
  readonly records: string;
  readonly key: string | RuleJson;
  readonly caseSensitive?: boolean;
}

export type LookupJson = TableLookupJson | RecordLookupJson;

/** One further source of lines per invoice (shipping, fees…), with its own line rules. */
export interface ExtraLinesJson {
  readonly name: string;
  readonly path?: string;
  readonly when?: ConditionJson;
  readonly line: GroupJson;
}

export interface InvoicesJson {
  readonly per: 'file' | 'record' | 'key' | 'header' | 'join';
  readonly key?: string | RuleJson;
  /** per key: false when rows of one invoice need not be adjacent */
  readonly adjacent?: boolean;
  /** per join: the key of a line record */
  readonly lineKey?: string | RuleJson;
  readonly unpivot?: { readonly columns: string };
  readonly lines?: string;
  readonly header?: string;
  readonly line?: string | readonly string[];
  readonly other?: readonly string[];
  readonly skip?: ConditionJson;
}

export type GroupJson = { readonly [key: string]: RuleJson | GroupJson };

export interface MappingFileJson {
  readonly $schema?: string;
  readonly name: string;
  readonly description?: string;
  readonly applies?: { readonly inbox?: string; readonly company?: string; readonly files?: string | readonly string[] };
  readonly input: Readonly<Record<string, unknown>> & { readonly format: string };
  readonly invoices: InvoicesJson;
  readonly invoice: GroupJson;
  readonly line: GroupJson;
  readonly extraLines?: readonly ExtraLinesJson[];
  readonly lookups?: Readonly<Record<string, LookupJson>>;
}
