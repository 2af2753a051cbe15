/** The mapping file is declared once (schema ↔ types ↔ docs), and the shipped mappings keep loading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describeError } from '../../src/core/errors.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { loadPurchaseMapping } from '../../src/purchases-mapping/index.ts';
import { compile, mappingJson, problems } from './mapping-helpers.ts';

test('every mapping in mappings/ loads unchanged (sales mappings and purchase mappings, discovered from the folder)', async () => {
  const files = (await readdir('mappings')).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 6, files.join(', '));
  for (const f of files) {
    const path = `mappings/${f}`;
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    if ('fields' in json && !('input' in json)) await loadPurchaseMapping(path); // a purchase (reverse) mapping
    else {
      try {
        await loadMapping(path);
      } catch (e) {
        assert.fail(`${path}: ${(e as { details?: string[] }).details?.join('\n') ?? describeError(e as never)}`);
      }
    }
  }
});

test('csv quote "" turns quoting off, as docs/readers.md says; a two-character quote is refused', () => {
  const m = compile(mappingJson({ input: { format: 'csv', encoding: 'utf-8', csv: { delimiter: ';', quote: '' } } }));
  assert.equal(m.input.format === 'csv' && m.input.csv.quote, '');
  const bad = problems(mappingJson({ input: { format: 'csv', encoding: 'utf-8', csv: { delimiter: ';', quote: "''" } } }));
  assert.deepEqual(bad.map((e) => [e.code, e.where.mapping]), [['MAP_SCHEMA', 'mappings/test.json#/input/csv/quote']]);
});

test('purchase mappings are checked by the same path as sales mappings: every problem with its line and column', async (t) => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'purchase-mapping-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'p.json');
  const text = ['{', '  "fields": {', '    "a": { "path": "Fa/P_2" },', '    "b": { "path": "Fa/P_2", "colum": "x" },', '    "c": { "expr": "fa.Fa.(" },', '    "d": { "path": "Fa//P_2" }', '  }', '}', ''].join('\n');
  await writeFile(file, text);
  const e = await loadPurchaseMapping(file).then(() => undefined, (err: unknown) => err as import('../../src/core/errors.ts').AgentError & { problems: readonly import('../../src/core/errors.ts').AgentError[] });
  assert.ok(e, 'refused');
  assert.equal(e.code, 'PURCHASE_MAPPING_INVALID');
  const got = e.problems.map((p) => [p.where.mapping, p.where.line, p.where.column]);
  assert.deepEqual(got, [
    [`${file}#/fields/b/colum`, 4, 39],
    [`${file}#/fields/d/path`, 6, 20],
  ], e.problems.map(describeError).join('\n'));
  assert.match(e.message, /line 4, column 39/);
  // JSON syntax: the same reader as sales mappings (line and column of the mistake)
  await writeFile(file, '{\n  "fields": { "a": { "value": "x" }, }\n}\n');
  await assert.rejects(loadPurchaseMapping(file), (err: Error & { problems: { where: { line?: number; column?: number } }[] }) => {
    assert.deepEqual([err.problems[0]!.where.line, err.problems[0]!.where.column], [2, 38]);
    return true;
  });
  // the semantic check (JSONata) names its position too
  await writeFile(file, text.replace(', "colum": "x"', '').replace('"Fa//P_2"', '"Fa/P_2"'));
  await assert.rejects(loadPurchaseMapping(file), (err: Error & { problems: { code: string; where: { line?: number; column?: number } }[] }) => {
    assert.deepEqual(err.problems.map((p) => [p.code, p.where.line, p.where.column]), [['MAP_EXPR_SYNTAX', 5, 20]]);
    return true;
  });
});

test('the mapping file types (src/mapping/mapping-file.generated.ts) are what the schema gives (run: npm run schema)', async () => {
  const { TYPE_FILES, renderTypes } = await import('../../scripts/write-schemas.ts');
  for (const { path, schema, name } of TYPE_FILES) assert.equal(await readFile(path, 'utf8'), await renderTypes(schema, name), `${path} is out of date`);
});
