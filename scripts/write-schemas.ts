/**
 * Writes the published JSON Schemas that editors use for completion: `npm run schema`
 * (script line: "schema": "tsx scripts/write-schemas.ts"). A test fails when a committed schema
 * differs from what this would write, so changes to what users may write are always visible.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAPPING_SCHEMA } from '../src/mapping/mapping-schema.ts';
import { configSchema } from '../src/config/config-schema.ts';
import { updateInvoiceModelDoc } from '../src/mapping/render-invoice-model.ts';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SCHEMA_FILES: readonly { readonly path: string; readonly schema: unknown }[] = [
  { path: 'schema/mapping.schema.json', schema: MAPPING_SCHEMA },
];

export const renderSchema = (schema: unknown): string => JSON.stringify(schema, null, 2) + '\n';

/** TypeScript types generated from a published schema, committed beside the code that reads them. */
export const TYPE_FILES: readonly { readonly path: string; readonly schema: unknown; readonly name: string }[] = [
  { path: 'src/mapping/mapping-file.generated.ts', schema: MAPPING_SCHEMA, name: 'MappingFile' },
  { path: 'src/config/config-file.generated.ts', schema: configSchema, name: 'ConfigFile' },
];

/** The types of a schema (json-schema-to-typescript), so the loader's view of a file cannot drift from what the schema accepts. */
export async function renderTypes(schema: unknown, name: string): Promise<string> {
  // a description beside a $ref would make a copy of the referenced type (Condition1, Condition2…)
  const strip = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(strip);
    if (n === null || typeof n !== 'object') return n;
    const o = n as Record<string, unknown>;
    // if/then/else (a branch chosen by a property, for clearer errors) is, as a type, one of the two branches
    if ('if' in o && 'then' in o && 'else' in o) return strip({ anyOf: [o['then'], o['else']], ...(o['description'] !== undefined ? { description: o['description'] } : {}) });
    const keys = Object.keys(o);
    const out: Record<string, unknown> = {};
    for (const k of keys) if (!(k === 'description' && '$ref' in o)) out[k] = strip(o[k]);
    return out;
  };
  const { title: _t, ...rest } = strip(schema) as Record<string, unknown>;
  const ts = await compile({ ...rest, title: name } as never, name, {
    bannerComment: '/* Generated from the JSON Schema by scripts/write-schemas.ts (npm run schema): do not edit; a test fails when it is out of date. */',
    additionalProperties: false,
    format: true,
    style: { singleQuote: true, printWidth: 160 },
    ignoreMinAndMaxItems: true,
  });
  return ts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { path, schema } of SCHEMA_FILES) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), renderSchema(schema));
    console.log(`wrote ${path}`);
  }
  for (const { path, schema, name } of TYPE_FILES) {
    await writeFile(join(root, path), await renderTypes(schema, name));
    console.log(`wrote ${path}`);
  }
  // the field tables of the invoice model page come from the same catalog
  const doc = join(root, 'docs/invoice-model.md');
  await writeFile(doc, updateInvoiceModelDoc(await readFile(doc, 'utf8')));
  console.log('updated the field tables in docs/invoice-model.md');
}
