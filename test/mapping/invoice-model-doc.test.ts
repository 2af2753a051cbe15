/** docs/invoice-model.md names exactly the fields a mapping writes: its field tables are generated from the catalog. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { INVOICE_FIELDS, LINE_FIELDS, catalogEntries } from '../../src/mapping/field-catalog.ts';
import { updateInvoiceModelDoc } from '../../src/mapping/render-invoice-model.ts';

test('the field tables of docs/invoice-model.md are what the catalog gives (run: npm run schema)', async () => {
  const doc = await readFile('docs/invoice-model.md', 'utf8');
  assert.equal(doc, updateInvoiceModelDoc(doc), 'docs/invoice-model.md is out of date');
});

test('every catalog field appears in the docs tables with the place it lands on', async () => {
  const doc = await readFile('docs/invoice-model.md', 'utf8');
  for (const e of catalogEntries(INVOICE_FIELDS)) {
    if (e.spec.kind === 'map') continue;
    const shown = e.builtBy?.group === 'seller' ? e.path.replace(/^seller\./, 'buyer.') : e.path; // seller: "same fields as buyer"
    assert.ok(doc.includes(`| \`${shown}\` |`), `${e.path} missing`);
    if (e.to !== e.path && !e.builtBy) assert.ok(doc.includes(`| \`${e.path}\` | \`${e.to}\` |`), `${e.path} → ${e.to}`);
  }
  for (const e of catalogEntries(LINE_FIELDS)) assert.ok(doc.includes(`| \`${e.path}\` |`), `line ${e.path} missing`);
});

test('the example and model docs do not name fields a mapping rejects', async () => {
  for (const file of ['docs/invoice-model.md', 'inbox-example/README.md']) {
    const text = await readFile(file, 'utf8');
    // the invoice's own shape may be shown, but only as where a mapping field lands
    assert.doesNotMatch(text, /\| `correction\.corrected\[\]\.number` \|/, file);
    assert.doesNotMatch(text, /\| `annotations\.exemption` /, file);
    assert.doesNotMatch(text, /`annotations\.exemption` \(basis law, this text\)/, file);
  }
});
