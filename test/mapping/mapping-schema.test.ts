/** The published mapping schema: a snapshot of what users may write, with help text on every property. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { MAPPING_SCHEMA } from '../../src/mapping/mapping-schema.ts';
import { renderSchema, SCHEMA_FILES } from '../../scripts/write-schemas.ts';

test('schema/mapping.schema.json is what scripts/write-schemas.ts writes (run: npx tsx scripts/write-schemas.ts)', async () => {
  for (const { path, schema } of SCHEMA_FILES) {
    assert.equal(await readFile(path, 'utf8'), renderSchema(schema), `${path} is out of date`);
  }
});

test('every property in the mapping schema has a one-sentence description', () => {
  const missing: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o['properties'] && typeof o['properties'] === 'object') {
      for (const [name, prop] of Object.entries(o['properties'] as Record<string, Record<string, unknown>>)) {
        const d = prop['description'];
        if (typeof d !== 'string' || !/^\S.{10,}\.$/s.test(d.trim())) missing.push(`${at}/properties/${name}`);
      }
    }
    // `if` branches only test values; they are not properties users write
    for (const [k, v] of Object.entries(o)) if (k !== 'if') walk(v, `${at}/${k}`);
  };
  walk(MAPPING_SCHEMA, '#');
  assert.deepEqual(missing, []);
});

test('every example mapping points at the schema with $schema', async () => {
  for (const name of ['optima-csv', 'dos-fixed', 'excel-sales', 'erp-xml', 'shop-json']) {
    const json = JSON.parse(await readFile(`mappings/${name}.json`, 'utf8')) as Record<string, unknown>;
    assert.equal(json['$schema'], '../schema/mapping.schema.json', name);
  }
});
