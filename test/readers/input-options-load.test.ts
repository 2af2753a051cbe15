/** The loader checks the new input options (schema + checkInputOptions) and turns them into reader options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, mappingJson, problems } from '../mapping/mapping-helpers.ts';

const SECTIONS = {
  format: 'sections',
  encoding: 'windows-1250',
  sections: {
    layouts: [
      { type: 'document', section: 'NAGLOWEK', when: { field: 1, in: ['FS'] }, columns: ['Typ', 'Status', 'Numer'] },
      { type: 'item', section: 'ZAWARTOSC', after: 'document', columns: ['Lp', 'Nazwa'] },
    ],
  },
};
const HEADER = { per: 'header', header: 'document', line: 'item' };

const codes = (json: Record<string, unknown>) => problems(json).map((e) => [e.code, e.where.mapping, e.message]);

test('input: jsonl and sections load with their defaults; per header works with section layouts', () => {
  assert.deepEqual(compile(mappingJson({ input: { format: 'jsonl' }, invoices: { per: 'record' } })).input, { format: 'jsonl', decode: { encoding: 'auto' }, jsonl: {} });
  const m = compile(mappingJson({ input: SECTIONS, invoices: HEADER }));
  assert.deepEqual(m.input, { format: 'sections', decode: { encoding: 'windows-1250' }, sections: { delimiter: ',', quote: '"', layouts: SECTIONS.sections.layouts, unknownRecords: 'error' } });
  assert.deepEqual(m.grouping, { per: 'header', header: 'document', line: new Set(['item']), other: new Set() });
});

test('input: xlsx sheets and csv recordType + layouts load; per header names their types', () => {
  const x = compile(mappingJson({ input: { format: 'xlsx', xlsx: { sheets: [{ sheet: 'Faktury', type: 'invoice' }, { sheet: 'Pozycje', type: 'line', headerRow: 2 }] } }, invoices: { per: 'header', header: 'invoice', line: 'line' } }));
  assert.deepEqual(x.input, { format: 'xlsx', xlsx: { sheet: 1, headerRow: 1, skipEmptyRows: true, sheets: [{ sheet: 'Faktury', type: 'invoice' }, { sheet: 'Pozycje', type: 'line', headerRow: 2 }] } });
  const csv = { format: 'csv', csv: { delimiter: ';', header: false, recordType: { column: '1' }, layouts: [{ type: 'H', columns: ['Typ', 'Nr'] }] } };
  const c = compile(mappingJson({ input: csv, invoices: { per: 'header', header: 'H', line: 'L' } }));
  assert.equal(c.input.format === 'csv' && c.input.csv.recordType?.column, '1');
  // a type without a layout (L) is fine for csv: the type column may hold any value
  assert.deepEqual(c.grouping, { per: 'header', header: 'H', line: new Set(['L']), other: new Set() });
});

test('input: per header names a type no section layout or sheet gives', () => {
  assert.deepEqual(codes(mappingJson({ input: SECTIONS, invoices: { per: 'header', header: 'document', line: 'pozycja' } })), [
    ['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/invoices/line', 'record type "pozycja" has no layout in input.sections.layouts (known: document, item)'],
  ]);
  assert.deepEqual(codes(mappingJson({ input: { format: 'xlsx', xlsx: { sheets: [{ sheet: 'A', type: 'invoice' }] } }, invoices: { per: 'header', header: 'invoice', line: 'line' } })), [
    ['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/invoices/line', 'record type "line" has no layout in input.xlsx.sheets (known: invoice)'],
  ]);
});

test('input: options that do not fit together are MAP_INPUT_OPTION with their JSON pointer', () => {
  assert.deepEqual(codes(mappingJson({ input: { format: 'xlsx', xlsx: { sheet: 'A', sheets: [{ sheet: 'A', type: 'x' }, { sheet: 'A', type: 'y' }] } } })), [
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/xlsx/sheet', 'use either sheet (one sheet) or sheets (several sheets), not both'],
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/xlsx/sheets/1/sheet', 'sheet "A" is given twice (entries 1 and 2)'],
  ]);
  assert.deepEqual(codes(mappingJson({ input: { format: 'csv', csv: { header: false, recordType: { column: 'Typ' } } } })), [
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/csv/recordType/column', 'without a header, recordType.column is a 1-based column number such as "1" (got "Typ")'],
  ]);
  assert.deepEqual(codes(mappingJson({ input: { format: 'csv', csv: { layouts: [{ type: 'H', columns: ['A', 'A'] }] } } })), [
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/csv/layouts', 'layouts need recordType: the column that says which layout a row has'],
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/csv/layouts/0/columns/1', 'column "A" is given twice (entries 1 and 2)'],
  ]);
  const bad = { ...SECTIONS, sections: { quote: ',', layouts: [{ ...SECTIONS.sections.layouts[0], when: { field: 1 } }, { ...SECTIONS.sections.layouts[1], after: 'dokument' }] } };
  assert.deepEqual(codes(mappingJson({ input: bad })), [
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/sections/quote', 'the quote and the delimiter are the same character (",")'],
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/sections/layouts/0/when', 'when needs exactly one of equals or in'],
    ['MAP_INPUT_OPTION', 'mappings/test.json#/input/sections/layouts/1/after', 'after "dokument" names no type of a layout without after (those are: "document")'],
  ]);
});

test('input: the schema refuses a sections input without layouts, an unknown option and a field number 0', () => {
  assert.deepEqual(codes(mappingJson({ input: { format: 'sections' } })).map((p) => p.slice(0, 3)), [
    ['MAP_SCHEMA', 'mappings/test.json#/input', 'missing required property "sections"'],
  ]);
  const odd = { format: 'sections', sections: { layouts: [{ type: 'd', section: 'S', columns: [], when: { field: 0, equals: 'FS' }, colums: [] }] } };
  assert.deepEqual(codes(mappingJson({ input: odd })).map((p) => [p[0], p[1]]), [
    ['MAP_SCHEMA', 'mappings/test.json#/input/sections/layouts/0/colums'],
    ['MAP_SCHEMA', 'mappings/test.json#/input/sections/layouts/0/when/field'],
  ]);
  assert.deepEqual(codes(mappingJson({ input: { format: 'jsonl', jsonl: { recordPath: 'x' } } })).map((p) => [p[0], p[1]]), [['MAP_SCHEMA', 'mappings/test.json#/input/jsonl/recordPath']]);
});

test('input: csv quote "" (quoting off, as docs/readers.md says) is accepted by the schema', () => {
  const m = compile(mappingJson({ input: { format: 'csv', csv: { delimiter: '\t', quote: '' } } }));
  assert.equal(m.input.format === 'csv' && m.input.csv.quote, '');
});
