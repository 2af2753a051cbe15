// Mappings tested as data (issue 11, item 2): every mapping in mappings/ (discovered, not listed)
// has mappings/examples/<name>/ with its example input, the full canonical invoices it gives and
// their full FA(3) XML (a purchase mapping: the flat rows and CSV it gives from FA XML); the files
// the mapping gives today must equal them byte for byte, only the FA generation timestamp
// normalised. Regenerate with `npm run examples:update -- <mapping>` and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, exampleDir, mappingNames, normaliseFaXml, readExampleSpec, renderExample, writtenFiles } from '../../scripts/mapping-examples.ts';

const names = await mappingNames();

/** Fails naming the first line that differs (a whole-file diff of an FA XML is unreadable). */
function sameText(got: string, want: string, what: string): void {
  if (got === want) return;
  const g = got.split('\n');
  const w = want.split('\n');
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  assert.fail(`${what} differs from line ${i + 1}:\n  expected: ${w[i] ?? '(end of file)'}\n  got:      ${g[i] ?? '(end of file)'}\n(if the change is right, run npm run examples:update and review the diff)`);
}

test('mappings/ holds the shipped mappings (discovery finds them)', () => {
  for (const n of ['optima-csv', 'dos-fixed', 'excel-sales', 'erp-xml', 'shop-json', 'purchases-default']) assert.ok(names.includes(n), n);
});

for (const name of names) {
  test(`mapping ${name}: its example gives exactly the expected output in ${exampleDir(name)}/`, async () => {
    const spec = await readExampleSpec(name);
    assert.ok(spec, `mappings/${name}.json has no example folder ${exampleDir(name)}/ with example.json: add one with npm run examples:update -- ${name} --input <its example input file> (see docs/mapping-guide.md, "Examples as data")`);
    const fresh = await renderExample(name, spec);
    assert.deepEqual(await writtenFiles(name), [...fresh.keys()].sort(), `the files of ${exampleDir(name)}/ (run npm run examples:update -- ${name})`);
    // the canonical invoices first: their diff says most plainly what changed
    for (const [rel, bytes] of [...fresh].sort(([a], [b]) => Number(b.endsWith('.json')) - Number(a.endsWith('.json')))) {
      const committed = await readFile(join(REPO, exampleDir(name), rel), 'utf8');
      const got = bytes.toString('utf8');
      if (rel.endsWith('.xml')) sameText(normaliseFaXml(got), normaliseFaXml(committed), `${exampleDir(name)}/${rel}`);
      else sameText(got, committed, `${exampleDir(name)}/${rel}`);
    }
  });
}
