// Issue 11 item 7 through `preview`: a misspelled column is an error line naming the close column
// and the code page the file was read with (exit 1, no invoice printed); a JSON path that matches
// nothing is a warning line (exit 0: the invoices are shown), and the summary says the agent
// would refuse the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runPreview } from '../../src/cli/preview.ts';
import type { PreviewCliOptions } from '../../src/cli/preview.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

async function preview(file: string, opts: Omit<PreviewCliOptions, 'today'>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPreview(file, { today: '2026-11-21', ...opts }, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), now: () => new Date('2026-11-21T09:00:00Z') });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function editedMapping(dir: string, name: string, edit: (m: Record<string, any>) => void): Promise<string> {
  const m = JSON.parse(await readFile(`mappings/${name}.json`, 'utf8')) as Record<string, any>;
  edit(m);
  const out = join(dir, `${name}.json`);
  await writeFile(out, JSON.stringify(m, null, 2));
  return out;
}

test('preview: a misspelled CSV column is one error line with the close name and the code page', async () => {
  await withTempDir('preview-names-', async (dir) => {
    const mapping = await editedMapping(dir, 'optima-csv', (m) => (m['line'].quantity.column = 'Ilosc'));
    const run = await preview('inbox-example/optima/faktury-2026-11.csv', { mapping });
    assert.equal(run.code, 1);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, run.stderr);
    assert.ok(errors[0]!.includes("column `Ilosc` not found; did you mean `Ilość`? The file was read as windows-1250 (as the mapping's input.encoding says)"), errors[0]);
    assert.ok(errors[0]!.includes('[MAP_COLUMN_UNKNOWN]'), errors[0]);
    assert.ok(errors[0]!.includes(`${mapping}#/line/quantity/column`), errors[0]);
    assert.equal(run.stdout, '', 'no FA XML printed');
    assert.match(run.stderr, /0 invoice\(s\), 0 valid, 0 with errors, 1 problem\(s\) with the file or mapping/);
  });
});

test('preview: a JSON path typo is a warning line; the invoices are still shown', async () => {
  await withTempDir('preview-names-', async (dir) => {
    const mapping = await editedMapping(dir, 'shop-json', (m) => (m['invoice'].buyer.email.path = 'billing.emial'));
    const run = await preview('inbox-example/shop/orders-20261121.json', { mapping });
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('[MAP_PATH_UNMATCHED]'));
    assert.equal(warnings.length, 1, run.stderr);
    assert.ok(warnings[0]!.startsWith('warning: '), warnings[0]);
    assert.ok(warnings[0]!.includes('path `billing.emial` matches nothing in any record of the file; did you mean `billing.email`?'), warnings[0]);
    assert.match(run.stderr, /3 invoice\(s\), 3 valid, 0 with errors, 1 warning\(s\) about the file \(the agent refuses it\)/);
  });
});
