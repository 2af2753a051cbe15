/**
 * `suggest` on every example export: the starter mapping loads with loadMapping, and it guesses at
 * least a pinned number of the canonical fields the hand-written mapping reads (same target, same
 * column or path). The score table is printed so a better dictionary shows up as a higher count.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { suggestMapping } from '../../src/suggest/suggest-mapping.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { describeError } from '../../src/core/errors.ts';
import { scoreMapping, type Score } from './mapping-score.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** minimum right guesses per example: raise them when the dictionary improves */
const EXAMPLES = [
  { name: 'optima-csv', input: 'inbox-example/optima/faktury-2026-11.csv', format: 'csv', encoding: 'windows-1250', min: 15 },
  { name: 'excel-sales', input: 'inbox-example/excel/sprzedaz-listopad.xlsx', format: 'xlsx', min: 13 },
  { name: 'erp-xml', input: 'inbox-example/erp-xml/export-20261121.xml', format: 'xml', encoding: 'utf-8', min: 27 },
  { name: 'shop-json', input: 'inbox-example/shop/orders-20261121.json', format: 'json', encoding: 'utf-8', min: 19 },
  { name: 'dos-fixed', input: 'inbox-example/dos/FAKT1121.TXT', format: 'fixed', encoding: 'cp852', min: 17 },
  // the issue-11 examples
  { name: 'wide-csv', input: 'inbox-example/wide/faktury-wiersz-na-fakture.csv', format: 'csv', encoding: 'utf-8', min: 13 },
  { name: 'marketplace-jsonl', input: 'inbox-example/marketplace/zamowienia-2026-11-12.jsonl', format: 'jsonl', encoding: 'utf-8', min: 13 },
  { name: 'edi-epp', input: 'inbox-example/edi/eksport-2026-11.epp', format: 'sections', encoding: 'windows-1250', min: 5 },
  { name: 'sales-register', input: 'inbox-example/register/rejestr-sprzedazy-2026-11.csv', format: 'csv', encoding: 'utf-8', min: 13 },
  { name: 'two-sheets-xlsx', input: 'inbox-example/two-sheets/faktury-i-pozycje.xlsx', format: 'xlsx', min: 10 },
  // suggest sees the header file only (its lines file is another file): the header fields are scored
  { name: 'two-files-csv', input: 'inbox-example/two-files/FS_2026_11_10_nag.csv', format: 'csv', encoding: 'utf-8', min: 8 },
] as const;

const scores: { name: string; score: Score }[] = [];

for (const ex of EXAMPLES) {
  test(`suggest ${ex.input}: a mapping that loads, with at least ${ex.min} fields of mappings/${ex.name}.json guessed right`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'suggest-'));
    const s = await suggestMapping(join(REPO, ex.input), { name: ex.name });
    assert.equal(s.facts.format, ex.format);
    if ('encoding' in ex) assert.equal(s.facts.encoding, ex.encoding);
    const file = join(dir, 'mapping.json');
    await writeFile(file, JSON.stringify(s.mapping, null, 2));
    const compiled = await loadMapping(file);
    assert.equal(compiled.name, ex.name);
    const hand = JSON.parse(await readFile(join(REPO, 'mappings', `${ex.name}.json`), 'utf8')) as Record<string, unknown>;
    const score = scoreMapping(hand, s.mapping as Record<string, unknown>);
    scores.push({ name: ex.name, score });
    assert.ok(score.right.length >= ex.min, `${ex.name}: ${score.right.length} right, want >= ${ex.min}; wrong: ${score.wrong.join(', ')}; missed: ${score.missed.join(', ')}`);
  });
}

after(() => {
  const rows = scores.map(({ name, score }) => `${name.padEnd(12)} ${String(score.right.length).padStart(3)} / ${String(score.wanted.length).padEnd(3)} wrong: ${score.wrong.join(', ') || '-'}; missed: ${score.missed.join(', ') || '-'}`);
  console.log(['suggest: canonical fields guessed right (same target, same column/path) / fields the hand mapping reads', ...rows].join('\n'));
});

test('suggest as a child process: writes --out, refuses to overwrite it without --force, says what it found on stderr', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'suggest-cli-'));
  const out = join(dir, 'optima.json');
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'suggest', join(REPO, EXAMPLES[0].input), '--out', out, '--name', 'Optima (suggested)', ...extra], { cwd: REPO, encoding: 'utf8' });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, '');
  for (const fact of ['format: csv', 'encoding: windows-1250', 'delimiter: ";"', 'header row: 1', 'invoices: per key "Numer dokumentu"', 'decimal comma', 'dd.MM.yyyy']) {
    assert.ok(first.stderr.includes(fact), `stderr names ${fact}:\n${first.stderr}`);
  }
  const written = await readFile(out, 'utf8');
  assert.equal((await loadMapping(out)).name, 'Optima (suggested)');

  await writeFile(out, '{"mine": true}\n');
  const again = run();
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists.*--force/);
  assert.equal(await readFile(out, 'utf8'), '{"mine": true}\n');

  const forced = run('--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(await readFile(out, 'utf8'), written);
  assert.ok((await stat(out)).size > 100);
});

test('suggest without --out prints the mapping JSON on stdout and the summary on stderr', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'suggest', join(REPO, 'inbox-example/shop/orders-20261121.json')], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { input: { format: string; json: { recordPath: string } }; invoices: { per: string; lines: string }; invoice: { buyer: { name: unknown } } };
  // consumers have no company: the name falls back to first and last name
  assert.deepEqual(m.invoice.buyer.name, { first: [{ path: 'billing.company' }, { template: '{billing.first_name} {billing.last_name}' }] });
  assert.equal(m.input.format, 'json');
  assert.equal(m.input.json.recordPath, 'orders');
  assert.deepEqual(m.invoices, { per: 'record', lines: 'items' });
  assert.match(r.stderr, /format: json/);
});

test('suggest on the EDI++ example: the document header is [NAGLOWEK] (not the once-a-file [INFO]), documents by type, items only after a document', async () => {
  const input = join(REPO, 'inbox-example/edi/eksport-2026-11.epp');
  const s = await suggestMapping(input, { name: 'edi' });
  const m = s.mapping as { input: { sections: { layouts: Record<string, unknown>[] } }; invoices: unknown; line: Record<string, unknown> };
  assert.deepEqual(m.input.sections.layouts.map((l) => [l['type'], l['section'], l['when'], l['after']]), [
    ['invoice', 'NAGLOWEK', { field: 1, in: ['FS', 'PA'] }, undefined],
    ['line', 'ZAWARTOSC', undefined, 'invoice'],
  ]);
  // the running number Lp (field 1) is not the quantity; the rate field 5 (23.0000) is the VAT rate
  assert.deepEqual([m.line['quantity'], m.line['vatRate']], [{ column: '6', decimal: 'dot' }, { column: '5', lookup: 'vat' }]);
  const dir = await mkdtemp(join(tmpdir(), 'suggest-edi-'));
  const file = join(dir, 'edi.json');
  await writeFile(file, JSON.stringify(s.mapping, null, 2));
  const r = await previewFile(input, { mapping: file, schema: 'FA(3)', today: '2026-11-21' });
  assert.deepEqual(r.errors.map(describeError), []);
  // the reference blocks' contractors and products are not items of the last document
  assert.deepEqual(r.invoices.map((i) => [i.number, i.invoice?.lines.length]), [['FS 101/11/2026', 3], ['FS 102/11/2026', 1], ['PA 17/11/2026', 1], ['FS 103/11/2026', 2]]);
});
