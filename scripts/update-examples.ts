/**
 * `npm run examples:update [-- <mapping>... [--input <file>]...]` writes the expected output of
 * mapping examples (see mapping-examples.ts): every mapping when none is named; a mapping is named
 * by its file name without .json (`optima-csv`) or its path (`mappings/optima-csv.json`).
 * `--input FILE` (repeatable, with exactly one mapping) first (re)writes its example.json to read
 * those files, so a new mapping gets its example folder in one step:
 *   npm run examples:update -- my-erp --input inbox-example/my-erp/export.csv
 * Prints what changed; review that diff before committing: it is what the test will hold the
 * mapping to. An example whose invoices have errors writes nothing and exits 1.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EXAMPLES_DIR, ExampleFailed, REPO, exampleDir, isPurchaseMapping, mappingNames, readExampleSpec, renderExample, writtenFiles } from './mapping-examples.ts';

function parseArgs(argv: readonly string[]): { names: string[]; inputs: string[] } {
  const names: string[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--input') {
      const v = argv[++i];
      if (!v) throw new Error('--input needs a file');
      inputs.push(v);
    } else names.push(basename(a).replace(/\.json$/, ''));
  }
  return { names, inputs };
}

async function update(name: string, inputs: readonly string[]): Promise<boolean> {
  const dir = join(REPO, exampleDir(name));
  if (inputs.length) {
    const purchase = await isPurchaseMapping(name);
    const list = purchase ? inputs.map((xml) => ({ xml, meta: xml.replace(/\.xml$/i, '.meta.json') })) : inputs;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'example.json'), JSON.stringify({ inputs: list }, null, 2) + '\n');
  }
  const spec = await readExampleSpec(name);
  if (!spec) {
    console.error(`${name}: no ${exampleDir(name)}/example.json; create it with: npm run examples:update -- ${name} --input <example input file>`);
    return false;
  }
  let files: Map<string, Buffer>;
  try {
    files = await renderExample(name, spec);
  } catch (e) {
    if (!(e instanceof ExampleFailed)) throw e;
    console.error(e.message);
    return false;
  }
  const changed: string[] = [];
  for (const old of await writtenFiles(name)) {
    if (files.has(old)) continue;
    await rm(join(dir, old));
    changed.push(`removed ${old}`);
  }
  for (const [rel, bytes] of files) {
    const path = join(dir, rel);
    const before = await readFile(path).catch(() => undefined);
    if (before?.equals(bytes)) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    changed.push(`${before ? 'updated' : 'wrote'} ${rel}`);
  }
  console.log(`${name}: ${changed.length ? changed.join(', ') : 'unchanged'} (${EXAMPLES_DIR}/${name}/)`);
  return true;
}

const { names, inputs } = parseArgs(process.argv.slice(2));
if (inputs.length && names.length !== 1) {
  console.error('--input goes with exactly one mapping: npm run examples:update -- <mapping> --input <file>');
  process.exit(2);
}
const all = await mappingNames();
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`no mapping ${unknown.map((n) => `mappings/${n}.json`).join(', ')} (mappings: ${all.join(', ')})`);
  process.exit(2);
}
let ok = true;
for (const name of names.length ? names : all) ok = (await update(name, inputs)) && ok;
process.exit(ok ? 0 : 1);
