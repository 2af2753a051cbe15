/** Load-time checks: every problem of a mapping, each with the mapping file, JSON pointer and position. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentError } from '../../src/core/errors.ts';
import { loadMapping, MappingInvalidError } from '../../src/mapping/load-mapping.ts';
import { mappingJson, problems } from './mapping-helpers.ts';

const brief = (e: AgentError) => ({ code: e.code, kind: e.kind, mapping: e.where.mapping, line: e.where.line, message: e.message });

test('JSON syntax error names line and column', () => {
  const text = '{\n  "name": "x",\n  "input": { "format": "csv", },\n}\n';
  const errs = problems(text);
  assert.deepEqual(errs.map((e) => ({ code: e.code, file: e.where.file, line: e.where.line, column: e.where.column })), [{ code: 'MAP_JSON_SYNTAX', file: 'mappings/test.json', line: 3, column: 31 }]);
  assert.match(errs[0]!.message, /expected a property name in double quotes, found "}"/);
});

test('schema violations: all of them, each with its JSON pointer, line and what was expected', () => {
  const json = mappingJson({
    input: { format: 'csvv' },
    line: { description: { column: 'Towar' }, quantity: { column: 'Ilosc', decimal: 'komma' }, vatRate: { column: 'VAT' } },
    lookups: { vat: { values: { A: '23' }, unmatched: 'default' } },
  });
  (json['invoice'] as Record<string, unknown>)['issueDate'] = { column: 'Data', dat: 'dd.MM.yyyy' };
  delete json['invoices'];
  const errs = problems(json);
  assert.deepEqual(
    errs.map((e) => [e.code, e.kind, e.where.mapping, e.message]),
    [
      ['MAP_SCHEMA', 'config', 'mappings/test.json#', 'missing required property "invoices"'],
      ['MAP_SCHEMA', 'config', 'mappings/test.json#/input/format', 'must be one of: "csv", "xlsx", "fixed", "xml", "json", "jsonl", "sections"'],
      ['MAP_SCHEMA', 'config', 'mappings/test.json#/invoice/issueDate/dat', 'unknown property "dat"; expected one of: column, path, value, template, expr, first, from, when, default, required, trim, case, removeChars, nip, lookup, field, decimal, impliedDecimals, negate, date, timeZone, optional'],
      ['MAP_SCHEMA', 'config', 'mappings/test.json#/line/quantity/decimal', 'must be one of: "comma", "dot", "auto"'],
      ['MAP_SCHEMA', 'config', 'mappings/test.json#/lookups/vat', 'missing required property "default"'],
    ],
  );
  // positions point into the file as written (JSON.stringify with 2 spaces)
  const text = JSON.stringify(json, null, 2).split('\n');
  const dat = errs[2]!;
  assert.match(text[dat.where.line! - 1]!, /"dat": "dd.MM.yyyy"/);
  assert.equal(errs[1]!.where.value, 'csvv');
});

test('semantic checks: unknown lookup, JSONata syntax, date pattern, rule shape, options that do not fit, defaults', () => {
  const json = mappingJson({
    invoice: {
      number: { column: 'Nr', value: 'X' },
      issueDate: { column: 'Data', date: 'dd.MM.rrrr' },
      saleDate: { column: 'S', default: '01.11.2026' },
      currency: { column: 'W', decimal: 'comma' },
      orderNumber: { expr: 'Nr &' },
      buyer: { taxId: { column: 'NIP', lookup: 'nips' }, name: { column: 'Nabywca' } },
    },
    line: { description: { template: '{Towar' }, quantity: { column: 'I' } },
    lookups: { vat: { values: {}, unmatched: 'pass' } },
  });
  const errs = problems(json);
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.mapping]),
    [
      ['MAP_RULE_SOURCE', 'mappings/test.json#/invoice/number'],
      ['MAP_DATE_PATTERN', 'mappings/test.json#/invoice/issueDate/date'],
      ['MAP_DEFAULT_INVALID', 'mappings/test.json#/invoice/saleDate/default'],
      ['MAP_RULE_OPTION', 'mappings/test.json#/invoice/currency/decimal'],
      ['MAP_EXPR_SYNTAX', 'mappings/test.json#/invoice/orderNumber/expr'],
      ['MAP_UNKNOWN_LOOKUP', 'mappings/test.json#/invoice/buyer/taxId/lookup'],
      ['MAP_TEMPLATE', 'mappings/test.json#/line/description/template'],
      ['MAP_REQUIRED_RULE', 'mappings/test.json#/line'],
    ],
  );
  const byCode = new Map(errs.map((e) => [e.code, e]));
  assert.equal(byCode.get('MAP_UNKNOWN_LOOKUP')!.message, 'there is no lookup table "nips"; defined: vat');
  assert.equal(byCode.get('MAP_DATE_PATTERN')!.message, 'invalid date pattern "dd.MM.rrrr": unknown letter "r" at position 7 (use yyyy, yy, MM, M, dd, d, HH, mm, ss)');
  assert.equal(byCode.get('MAP_REQUIRED_RULE')!.message, 'line.vatRate is required but has no rule');
  for (const e of errs) assert.equal(e.kind, 'config');
});

test('JSONata syntax error: reported at load with mapping file, JSON path and position', () => {
  const json = mappingJson();
  (json['invoice'] as Record<string, unknown>)['statedTotals'] = { net: { expr: '$sum(lines.amount' } };
  const [e, ...rest] = problems(json);
  assert.equal(rest.length, 0);
  assert.equal(e!.code, 'MAP_EXPR_SYNTAX');
  assert.equal(e!.where.mapping, 'mappings/test.json#/invoice/statedTotals/net/expr');
  assert.equal(e!.where.file, 'mappings/test.json');
  assert.equal(e!.where.value, '$sum(lines.amount');
  assert.match(e!.message, /^JSONata syntax error at character 17: /);
  assert.ok(e!.details!.includes('position 17'));
  assert.equal(typeof e!.where.line, 'number');
});

test('fixed-width: overlapping fields and unknown record types in master-detail', () => {
  const errs = problems({
    name: 'dos',
    input: {
      format: 'fixed',
      encoding: 'cp852',
      fixed: {
        discriminator: { start: 1, length: 1 },
        layouts: [
          { type: 'H', fields: [{ name: 'nr', start: 2, length: 10 }, { name: 'data', start: 10, length: 8 }] },
          { type: 'L', fields: [{ name: 'towar', start: 2, length: 20 }] },
        ],
      },
    },
    invoices: { per: 'header', header: 'H', line: 'L', other: ['S'] },
    invoice: { number: { column: 'nr' }, issueDate: { column: 'data', date: 'yyyyMMdd' }, buyer: { name: { column: 'nazwa', from: 'T' } } },
    line: { description: { column: 'towar' }, vatRate: { value: '23' } },
  });
  assert.deepEqual(
    errs.map((e) => [e.code, e.where.mapping]),
    [
      ['MAP_FIXED_LAYOUT', 'mappings/test.json#/input/fixed/layouts/0/fields/1'],
      ['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/invoices/other/0'],
      ['MAP_UNKNOWN_RECORD_TYPE', 'mappings/test.json#/invoice/buyer/name/from'],
    ],
  );
  assert.match(errs[0]!.message, /"nr" \(2–11\) and "data" \(10–17\) overlap/);
  assert.match(errs[1]!.message, /record type "S" has no layout in input.fixed.layouts \(known: H, L\)/);
});

test('grouping options must fit the grouping mode', () => {
  const errs = problems(mappingJson({ invoices: { per: 'header', header: 'H', line: 'L' } }));
  assert.deepEqual(errs.map((e) => [e.code, e.where.mapping]), [['MAP_GROUPING', 'mappings/test.json#/invoices/per']]);
  const errs2 = problems(mappingJson({ invoices: { per: 'file', lines: 'items' } }));
  assert.deepEqual(errs2.map((e) => [e.code, e.where.mapping]), [['MAP_GROUPING', 'mappings/test.json#/invoices/lines']]);
});

test('loadMapping: reads the file, throws MappingInvalidError listing every problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mapping-'));
  try {
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(mappingJson()));
    const m = await loadMapping(good, 'mappings/good.json');
    assert.equal(m.name, 'test');
    assert.deepEqual(m.input, { format: 'csv', decode: { encoding: 'utf-8' }, csv: { delimiter: ';', quote: '"', header: true, skipLines: 0, skipTrailingLines: 0, skipEmptyRows: true } });

    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(mappingJson({ line: { description: { column: 'T', lookup: 'x' }, vatRate: { column: 'V', date: 'yyyy' } } }), null, 2));
    await assert.rejects(loadMapping(bad, 'mappings/bad.json'), (e: unknown) => {
      assert.ok(e instanceof MappingInvalidError);
      assert.equal(e.code, 'MAP_INVALID');
      assert.equal(e.kind, 'config');
      assert.deepEqual(e.problems.map(brief).map((p) => p.code), ['MAP_UNKNOWN_LOOKUP', 'MAP_RULE_OPTION', 'MAP_DATE_PATTERN']);
      assert.equal(e.details!.length, 3);
      assert.match(e.details![0]!, /^mappings\/bad\.json, line \d+, column \d+, value "x": there is no lookup table "x"/);
      return true;
    });

    await assert.rejects(loadMapping(join(dir, 'missing.json'), 'mappings/missing.json'), (e: unknown) => {
      assert.ok(e instanceof MappingInvalidError);
      assert.deepEqual(e.problems.map((p) => [p.code, p.where.file, p.message]), [['MAP_FILE_READ', 'mappings/missing.json', 'cannot read mapping file: ENOENT']]);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('every example mapping loads and has a name and applies', async () => {
  const files = (await readdir('mappings')).filter((f) => f.endsWith('.json'));
  const examples = ['dos-fixed.json', 'erp-xml.json', 'excel-sales.json', 'optima-csv.json', 'shop-json.json'];
  for (const f of examples) {
    assert.ok(files.includes(f), f);
    const m = await loadMapping(join('mappings', f), `mappings/${f}`);
    assert.ok(m.name.length > 0, f);
    assert.ok(m.applies.files.length > 0, f);
  }
});
