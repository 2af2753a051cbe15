/**
 * The mapping file's JSON Schema (draft-07, the dialect editors support best). The invoice and
 * line sections are generated from the field catalog, so a new canonical field appears in the
 * schema, the loader and the docs at once. `schema/mapping.schema.json` is this object, written
 * by scripts/write-schemas.ts and snapshot-tested.
 */
import { INVOICE_FIELDS, LINE_FIELDS, type GroupSpec, type Spec } from './field-catalog.ts';

type Schema = Record<string, unknown>;

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (description: string, minimum = 0): Schema => ({ type: 'integer', minimum, description });
const obj = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  description,
  properties,
  additionalProperties: false,
  ...extra,
});

const ENCODINGS = ['auto', 'utf-8', 'windows-1250', 'cp852', 'iso-8859-2'];

const condition: Schema = obj(
  'A condition on the record: name a column or path with one test (present, equals, notEquals, in, matches), or use expr, all, any or not.',
  {
    column: str('Column (field) of the record to test.'),
    path: str('Path into an XML/JSON record to test, e.g. Buyer/@type or buyer.nip.'),
    from: str('Which record to test: "invoice", "line", or a record type of master-detail (default: the record the rule reads).'),
    present: bool('true: the value is non-empty; false: it is empty or missing.'),
    equals: str('The value (trimmed) equals this text.'),
    notEquals: str('The value (trimmed) differs from this text.'),
    in: { type: 'array', items: { type: 'string' }, description: 'The value (trimmed) is one of these texts.' },
    matches: str('The value matches this regular expression (JavaScript syntax).'),
    expr: str('A JSONata expression over the record; true when the result is truthy.'),
    all: { type: 'array', items: { $ref: '#/definitions/condition' }, description: 'True when every listed condition is true.' },
    any: { type: 'array', items: { $ref: '#/definitions/condition' }, description: 'True when at least one listed condition is true.' },
    not: { $ref: '#/definitions/condition', description: 'True when the given condition is false.' },
    optional: bool('The column or path this condition names may be absent from a file (otherwise a name that matches nothing in the file is reported: MAP_COLUMN_UNKNOWN, MAP_PATH_UNMATCHED).'),
  },
);

const rule: Schema = obj(
  'How one canonical field gets its value: exactly one source (column, path, value, template, expr or first), then optional conversions.',
  {
    column: str('Read this column (CSV/XLSX header, fixed-width field name, or column number "1", "2"… without a header).'),
    path: str('Read this path inside an XML/JSON record: names separated by / or ., @name for an XML attribute, [n] for the n-th repeat, e.g. Buyer/Address/@city.'),
    value: str('A constant value, written in canonical form (dates yyyy-mm-dd, decimals with a dot).'),
    template: str('Text built from several fields: {Name} is replaced by that column or path, {{ and }} are literal braces, e.g. "{Street} {No}".'),
    expr: str('A JSONata expression (escape hatch) evaluated over the record; $invoice, $lines, $records, $file, $today are bound.'),
    first: { type: 'array', minItems: 1, items: { $ref: '#/definitions/rule' }, description: 'Alternatives tried in order: the first whose condition holds and that yields a value wins.' },
    from: str('Which record to read: "invoice" (header/first record), "line", or a record type of master-detail such as "S"; default: invoice fields read the invoice record, line fields the line record.'),
    when: { $ref: '#/definitions/condition', description: 'Apply this rule only when the condition holds; otherwise the field stays empty.' },
    default: str('Value used when the source is empty, written in canonical form (dates yyyy-mm-dd, decimals with a dot); no conversions are applied to it.'),
    required: bool('Report an error when this field ends up empty (some fields, like number, are always required).'),
    trim: bool('Remove spaces at both ends of the value (default true).'),
    case: str('Change letters to upper or lower case.', { enum: ['upper', 'lower'] }),
    removeChars: str('Remove every one of these characters from the value, e.g. " -".'),
    nip: bool('Normalise a NIP: remove dashes, spaces, dots and a PL prefix.'),
    lookup: str('Translate the value through this table from the lookups section, or find the reference record with this key (then name its column with field).'),
    field: str('With a record lookup: the column (or path) of the matched reference record to read, e.g. Nazwa; or a template of its columns, e.g. "{KodPocztowy} {Miasto}".'),
    decimal: str('Decimal mark of the source number: comma (1 234,50), dot (1,234.50) or auto (default).', { enum: ['comma', 'dot', 'auto'] }),
    impliedDecimals: int('The number is written without a decimal mark and has this many implied decimals (2 for amounts in grosze).'),
    negate: bool('Change the sign of the number (e.g. credit amounts written as positive).'),
    date: str('Date format of the source: a pattern such as dd.MM.yyyy, yyyyMMdd or d/M/yy; "excel" for Excel serial day numbers; "iso" (default) for yyyy-mm-dd and ISO timestamps.'),
    timeZone: str('Time zone used to turn ISO timestamps with an offset into a local date (default Europe/Warsaw).'),
    optional: bool('The columns or paths this rule (and its when and first alternatives) names may be absent from a file: the field is then just empty. Otherwise a name that matches nothing in the file is reported (MAP_COLUMN_UNKNOWN; MAP_PATH_UNMATCHED, a warning in preview and an error at intake).'),
  },
);

function groupSchema(spec: GroupSpec): Schema {
  const props: Record<string, Schema> = {};
  for (const [name, s] of Object.entries(spec.fields)) props[name] = specSchema(s);
  return obj(spec.description, props);
}

function specSchema(s: Spec): Schema {
  if (s.kind === 'group') return groupSchema(s);
  if (s.kind === 'map') return { type: 'object', description: s.description, additionalProperties: { $ref: '#/definitions/rule' } };
  const values = s.values ? ` Allowed: ${s.values.join(', ')}.` : '';
  return { allOf: [{ $ref: '#/definitions/rule' }], description: `${s.description}${s.required ? ' Required.' : ''}${values}` };
}

const csv = obj('CSV options.', {
  delimiter: str('Field separator: one character, or "auto" to detect ; , tab or | (default auto).', { minLength: 1 }),
  quote: str('Quote character (default "); "" turns quoting off, so quote characters are data.', { maxLength: 1 }),
  header: bool('true (default): the first line after skipLines names the columns; false: columns are "1", "2", ….'),
  skipLines: int('Lines to skip at the top before the header or first record (default 0).'),
  skipTrailingLines: int('Lines to ignore at the end, e.g. a summary row (default 0).'),
  skipEmptyRows: bool('Ignore rows whose cells are all empty (default true).'),
  recordType: obj('The column that says each row\'s record type (header, line, summary rows in one file).', {
    column: str('A header name, or a 1-based column number as text ("1") when header is false.', { minLength: 1 }),
  }, { required: ['column'] }),
  layouts: {
    type: 'array',
    minItems: 1,
    description: 'Column names of each record type (needs recordType); a type without a layout keeps the header names or column numbers.',
    items: obj('The columns of one record type.', {
      type: str('Record type as written in the recordType column, e.g. H or L.', { minLength: 1 }),
      columns: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Column names in order; rows of this type must have exactly this many columns.' },
    }, { required: ['type', 'columns'] }),
  },
});
const xlsxSheet = obj('One sheet read by sheets.', {
  sheet: { type: ['string', 'integer'], minLength: 1, minimum: 1, description: 'Sheet name, or its 1-based number.' },
  type: str('Record type of this sheet\'s rows, e.g. invoice or line.', { minLength: 1 }),
  headerRow: int('1-based row that holds this sheet\'s column names (default: headerRow).', 1),
}, { required: ['sheet', 'type'] });
const xlsx = obj('Excel (XLSX) options.', {
  sheet: { type: ['string', 'integer'], description: 'Sheet name, or its 1-based number (default 1).' },
  headerRow: int('1-based row that holds the column names; rows above it are titles (default 1).', 1),
  stopColumn: str('Column (by header name) that ends the data at its first empty cell, or that stopWhen is tested on.'),
  stopWhen: str('Regular expression: the first row whose stopColumn (or first cell) matches ends the data, e.g. "^(Razem|Suma)".'),
  skipEmptyRows: bool('Ignore rows whose cells are all empty (default true).'),
  sheets: { type: 'array', minItems: 1, items: xlsxSheet, description: 'Several sheets, read one after another in the workbook\'s order; each row\'s record type is its sheet\'s type (instead of sheet).' },
});
const fixedField = obj('One field of a fixed-width record.', {
  name: str('Field name that rules refer to with column.'),
  start: int('1-based position of the first character.', 1),
  length: int('Number of characters.', 1),
  trim: bool('Remove surrounding spaces (default true).'),
}, { required: ['name', 'start', 'length'] });
const fixed = obj('Fixed-width text options.', {
  discriminator: obj('Where the record type is written in each line (leave out when there is only one layout).', {
    start: int('1-based position of the record type.', 1),
    length: int('Number of characters of the record type.', 1),
  }, { required: ['start', 'length'] }),
  layouts: {
    type: 'array',
    minItems: 1,
    description: 'One layout per record type.',
    items: obj('The fields of one record type.', {
      type: str('Record type value, e.g. H, L or S.'),
      recordLength: int('Length of this record in characters; fields must end within it (checked at load).', 1),
      fields: { type: 'array', minItems: 1, items: fixedField, description: 'Fields of this record type.' },
    }, { required: ['type', 'fields'] }),
  },
  unknownRecords: str('What to do with a line whose record type has no layout: error (default) or ignore.', { enum: ['error', 'ignore'] }),
  skipEmptyLines: bool('Ignore empty lines (default true).'),
}, { required: ['layouts'] });
const xml = obj('XML options.', {
  recordPath: str('Slash path from the root to each record element, without namespace prefixes, e.g. /Export/Invoices/Invoice.'),
  arrays: { type: 'array', items: { type: 'string' }, description: 'Element names that always form lists (e.g. Line), so one line and many lines look the same.' },
}, { required: ['recordPath'] });
const json = obj('JSON options.', {
  recordPath: str('Dot path to the array of records, e.g. orders or data.invoices; "" for a top-level array.'),
}, { required: ['recordPath'] });

const jsonl = obj('JSON Lines options (none yet).', {});
const sectionLayout = obj('The fields of one kind of record in a section file.', {
  type: str('Record type of the records this layout reads, e.g. document or item.', { minLength: 1 }),
  section: str('Section name between the brackets of its marker line, e.g. NAGLOWEK for [NAGLOWEK].', { minLength: 1 }),
  when: obj('A test on the record\'s own field: exactly one of equals or in.', {
    field: int('1-based number of the field to test.', 1),
    equals: str('The field (trimmed) equals this text.'),
    in: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'The field (trimmed) is one of these texts.' },
  }, { required: ['field'] }),
  after: str('Only when the last record read by a layout without after had this type (items after their document header).', { minLength: 1 }),
  columns: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Field names in order; further fields are named by their 1-based position ("13", …), missing ones are empty.' },
}, { required: ['type', 'section', 'columns'] });
const sections = obj('Section file options ([NAME] marker lines, then delimited quoted records).', {
  delimiter: str('Field separator, one character (default ",").', { minLength: 1, maxLength: 1 }),
  quote: str('Quote character around text fields; a doubled quote inside is one quote (default ").', { minLength: 1, maxLength: 1 }),
  layouts: { type: 'array', minItems: 1, items: sectionLayout, description: 'Layouts tried in order: a record gets the first whose section, when and after fit.' },
  unknownRecords: str('What to do with a record no layout fits: error (default) or ignore.', { enum: ['error', 'ignore'] }),
}, { required: ['layouts'] });

const FORMATS = ['csv', 'xlsx', 'fixed', 'xml', 'json', 'jsonl', 'sections'];

const companion = obj('Invoices come from two files delivered together: this file (the primary, e.g. a header file) and its companion (e.g. a lines file) named after the same stem, read with the same format and options; both are taken when both are complete.', {
  files: str('Name of the companion file, with {stem} for the stem of the primary file, e.g. {stem}_poz.csv.', { minLength: 1 }),
  stem: str('Regular expression on the primary file name (case-insensitive); group 1 is the stem, e.g. ^(.*)_nag\\.csv$.', { minLength: 1 }),
  type: str('Record type given to the records of the companion file, e.g. line.', { minLength: 1 }),
  ownType: str('Record type given to the records of the primary file, e.g. invoice.', { minLength: 1 }),
  waitSeconds: { type: 'number', minimum: 0, description: 'How long one file of a pair waits in the inbox for the other before it is taken alone and goes to errors (INBOX_COMPANION_MISSING / INBOX_COMPANION_ALONE); default 600.' },
}, { required: ['files', 'stem', 'type', 'ownType'] });

const input = obj('How to read the file: its format, encoding and format options.', {
  format: str('File format.', { enum: FORMATS }),
  encoding: str('Character encoding; auto tries strict UTF-8 first, then fallback (default auto; ignored for xlsx).', { enum: ENCODINGS }),
  fallback: str('Code page tried by auto when the file is not UTF-8 (default windows-1250).', { enum: ['windows-1250', 'cp852', 'iso-8859-2'] }),
  csv, xlsx, fixed, xml, json, jsonl, sections,
  companion,
}, {
  required: ['format'],
  allOf: [
    { if: { properties: { format: { const: 'fixed' } } }, then: { required: ['fixed'] } },
    { if: { properties: { format: { const: 'xml' } } }, then: { required: ['xml'] } },
    { if: { properties: { format: { const: 'json' } } }, then: { required: ['json'] } },
    { if: { properties: { format: { const: 'sections' } } }, then: { required: ['sections'] } },
  ],
});

const invoices = obj('How records become invoices.', {
  per: str('file: the whole file is one invoice; record: each record is one invoice; key: records with the same key form one invoice; header: a header record followed by its line records (master-detail); join: header and line records of different types matched by key, wherever they are in the file.', { enum: ['file', 'record', 'key', 'header', 'join'] }),
  key: { anyOf: [{ type: 'string' }, { $ref: '#/definitions/rule' }], description: 'per key: the column name (or a rule) whose value groups records; per join: the key of a header record.' },
  adjacent: bool('per key: true (default) when rows of one invoice follow each other; false when they may be anywhere in the file (all records are then held until the end of the file, at most limits.maxRecordsPerFile).'),
  lineKey: { anyOf: [{ type: 'string' }, { $ref: '#/definitions/rule' }], description: 'per join: the column name (or a rule) of a line record that holds its header\'s key.' },
  unpivot: obj('Repeated column groups of one row become lines, e.g. Pozycja1_Nazwa, Pozycja1_Ilosc, Pozycja2_Nazwa…; groups whose cells are all empty are skipped.', {
    columns: str('Column name pattern with {n} (the group number) and {field} (the name line rules read with column), e.g. "Pozycja{n}_{field}".', { minLength: 1 }),
  }, { required: ['columns'] }),
  lines: str('per record: path to the nested lines inside the record (e.g. Lines/Line or items); without it the record is its own single line.'),
  header: str('per header and per join: the record type of an invoice\'s header, e.g. H or invoice.'),
  line: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'per header: the record type(s) of invoice lines, e.g. L; per join: the one record type of lines.' },
  other: { type: 'array', items: { type: 'string' }, description: 'per header: further record types belonging to the invoice (e.g. S summary), readable with from.' },
  skip: { $ref: '#/definitions/condition', description: 'Records for which this condition holds are ignored (e.g. subtotal rows).' },
}, {
  required: ['per'],
  allOf: [
    { if: { properties: { per: { const: 'key' } } }, then: { required: ['key'] } },
    { if: { properties: { per: { const: 'header' } } }, then: { required: ['header', 'line'] } },
    { if: { properties: { per: { const: 'join' } } }, then: { required: ['header', 'line', 'key', 'lineKey'], properties: { line: { type: 'string', description: 'per join: the one record type of lines.' } } } },
  ],
});

const tableLookup = obj('A translation table.', {
  values: { type: 'object', additionalProperties: { type: 'string' }, description: 'Source value → value to use.' },
  unmatched: str('What happens to a value missing from the table: error (report it), default (use default), pass (keep the value as it is).', { enum: ['error', 'default', 'pass'] }),
  default: str('Value used for unmatched values when unmatched is default.'),
  caseSensitive: bool('Match letter case exactly (default false).'),
}, {
  required: ['values', 'unmatched'],
  allOf: [{ if: { properties: { unmatched: { const: 'default' } } }, then: { required: ['default'] } }],
});
const recordLookup = obj('A lookup into reference records of the same file (contractors, products), read in a first pass; rules pick a column of the matched record with field.', {
  records: str('Record type of the reference records, e.g. a sheet\'s or section\'s type such as contractor.', { minLength: 1 }),
  key: { anyOf: [{ type: 'string' }, { $ref: '#/definitions/rule' }], description: 'The column name (or a rule) of a reference record that holds its key.' },
  caseSensitive: bool('Match letter case of keys exactly (default false).'),
}, { required: ['records', 'key'] });
// the branch is chosen by `records`, so a mistake is reported against one shape, not both
const lookup: Schema = { if: { type: 'object', required: ['records'] }, then: recordLookup, else: tableLookup, description: 'A translation table (values) or a lookup into reference records (records).' };

const extraLine = obj('One more source of lines of each invoice (shipping, fees, deposits, discounts), with its own complete line rules.', {
  name: str('Name of this line source, shown in errors.', { minLength: 1 }),
  path: str('Path inside the invoice record to one object or a list of objects, each one line (e.g. delivery or fees); without it the invoice record itself is the source.'),
  when: { $ref: '#/definitions/condition', description: 'A source record for which this condition does not hold gives no line (tested on the source record).' },
  line: groupSchema(LINE_FIELDS),
}, { required: ['name', 'line'] });

export const MAPPING_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ksef-hotfolder.local/schema/mapping.schema.json',
  title: 'ksef-hotfolder mapping',
  description: 'Says how records of one kind of export file become canonical invoices.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'input', 'invoices', 'invoice', 'line'],
  properties: {
    $schema: str('Path or URL of this JSON Schema, for editor completion.'),
    name: str('Human name of the mapping, shown in logs and reports.', { minLength: 1 }),
    description: str('Free notes about the export this mapping reads.'),
    applies: obj('Which inbox files this mapping is used for: a file takes the first of its inbox\'s mappings whose files pattern matches its name.', {
      inbox: str('Inbox id from the configuration this mapping is written for; used by another inbox, the agent refuses to start (CFG_MAPPING_APPLIES).'),
      company: str('Company id from the configuration this mapping is written for; used by another company, the agent refuses to start (CFG_MAPPING_APPLIES).'),
      files: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'File name pattern(s) such as *.csv or FAKT*.TXT (* any characters, ? one, case-insensitive); a file matching none goes to errors/ with INBOX_NO_MAPPING; omitted: every file.' },
    }),
    input,
    invoices,
    invoice: groupSchema(INVOICE_FIELDS),
    line: groupSchema(LINE_FIELDS),
    extraLines: { type: 'array', items: extraLine, description: 'Further line sources of each invoice, whose lines come after the main lines in the order listed.' },
    lookups: { type: 'object', description: 'Named translation tables and reference-record lookups used by rules through lookup.', additionalProperties: lookup },
  },
  definitions: { rule, condition },
};
