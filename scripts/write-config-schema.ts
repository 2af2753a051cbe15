// Writes schema/config.schema.json from the one declaration in src/config/config-schema.ts.
// Run: npx tsx scripts/write-config-schema.ts   (a test fails when the committed file differs)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigSchema } from '../src/config/render-config-schema.ts';

const target = fileURLToPath(new URL('../schema/config.schema.json', import.meta.url));
writeFileSync(target, renderConfigSchema());
console.log(`wrote ${target}`);
