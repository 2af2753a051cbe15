/** The mapping file is declared once (schema ↔ types ↔ docs), and the shipped mappings keep loading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describeError } from '../../src/core/errors.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { loadPurchaseMapping } from '../../src/purchases-mapping/index.ts';
import { compile, mappingJson, problems } from './mapping-helpers.ts';

test('every mapping in mappings/ loads unchanged (sales mappings and purchase mappings, discovered from the folder)', async () => {
  const files = (await readdir('mappings')).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 6, files.join(', '));
  for (const f of files) {
    const path = `mappings/${f}`;
    if (f.startsWith('purchases')) await loadPurchaseMapping(path);
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
