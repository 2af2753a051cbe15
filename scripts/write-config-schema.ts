// Writes schema/config.schema.json and the option table of docs/configuration.md from the one
// declaration in src/config/config-schema.ts.
// Run: npx tsx scripts/write-config-schema.ts   (a test fails when the committed files differ)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigSchema } from '../src/config/render-config-schema.ts';
import { CONFIG_REFERENCE_BEGIN, CONFIG_REFERENCE_END, renderConfigReference } from '../src/config/render-config-reference.ts';

const schemaFile = fileURLToPath(new URL('../schema/config.schema.json', import.meta.url));
writeFileSync(schemaFile, renderConfigSchema());
console.log(`wrote ${schemaFile}`);

const docFile = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const doc = readFileSync(docFile, 'utf8');
const a = doc.indexOf(CONFIG_REFERENCE_BEGIN);
const b = doc.indexOf(CONFIG_REFERENCE_END);
if (a < 0 || b < a) throw new Error(`${docFile} lacks the reference markers`);
writeFileSync(docFile, doc.slice(0, a + CONFIG_REFERENCE_BEGIN.length) + '\n' + renderConfigReference() + doc.slice(b));
console.log(`updated the option table in ${docFile}`);
