/**
 * JSON Schema of purchase (reverse) mappings: the loader validates every file against it, by the
 * same code as sales mappings (src/mapping/check-json-document.ts: line and column in every
 * problem), and editors use it for completion.
 */
const field = {
  type: 'object',
  description: 'One flat field: exactly one of path, meta, value, expr.',
  properties: {
    path: { type: 'string', pattern: '^[A-Za-z_][\\w.-]*(/[A-Za-z_][\\w.-]*)*(/@[A-Za-z_][\\w.-]*)?$', description: 'Slash path of an FA element inside <Faktura>, e.g. Podmiot1/DaneIdentyfikacyjne/NIP; end with /@name for an attribute. The first value if it repeats.' },
    meta: { type: 'string', pattern: '^[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)*$', description: 'Dotted path in the KSeF metadata, e.g. ksefNumber, seller.nip, acquisitionDate; also role and file.' },
    value: { type: 'string', description: 'A constant.' },
    expr: { type: 'string', description: 'JSONata over {fa, meta} (fa is <Faktura>; an element that occurs once is a value, repeated ones a list).' },
    default: { type: 'string', description: 'Used when the source is missing or empty.' },
    join: { type: 'string', description: 'For a repeating element: all values joined with this separator.' },
    decimal: { type: 'string', enum: ['comma', 'dot'], description: 'comma writes 123,45; dot (default) keeps 123.45.' },
  },
  oneOf: [{ required: ['path'] }, { required: ['meta'] }, { required: ['value'] }, { required: ['expr'] }],
  additionalProperties: false,
} as const;

export const PURCHASE_MAPPING_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ksef-hotfolder.local/schema/purchase-mapping.schema.json',
  title: 'ksef-hotfolder purchase mapping',
  description: 'Reverse mapping: downloaded FA invoice (plus KSeF metadata) → flat fields for ERP import (CSV or JSON).',
  type: 'object',
  required: ['fields'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    csv: {
      type: 'object',
      properties: {
        delimiter: { type: 'string', enum: [';', ',', '\t', '|'], default: ';' },
        header: { type: 'boolean', default: true },
      },
      additionalProperties: false,
    },
    fields: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$', description: 'A field name is letters, digits, _ . - (up to 64), starting with a letter or _.' },
      additionalProperties: field,
      description: 'Flat field name → where its value comes from; the order is the CSV column order.',
    },
  },
  additionalProperties: false,
} as const;
