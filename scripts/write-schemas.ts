/**
 * Writes the published JSON Schemas that editors use for completion: `npm run schema`
 * (script line: "schema": "tsx scripts/write-schemas.ts"). A test fails when a committed schema
 * differs from what this would write, so changes to what users may write are always visible.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAPPING_SCHEMA } from '../src/mapping/mapping-schema.ts';
import { updateInvoiceModelDoc } from '../src/mapping/render-invoice-model.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SCHEMA_FILES: readonly { readonly path: string; readonly schema: unknown }[] = [
  { path: 'schema/mapping.schema.json', schema: MAPPING_SCHEMA },
];

export const renderSchema = (schema: unknown): string => JSON.stringify(schema, null, 2) + '\n';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { path, schema } of SCHEMA_FILES) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), renderSchema(schema));
    console.log(`wrote ${path}`);
  }
  // the field tables of the invoice model page come from the same catalog
  const doc = join(root, 'docs/invoice-model.md');
  await writeFile(doc, updateInvoiceModelDoc(await readFile(doc, 'utf8')));
  console.log('updated the field tables in docs/invoice-model.md');
}
