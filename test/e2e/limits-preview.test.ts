// Issue 9, item 3: preview applies the agent's limits, so the admin sees the same LIMIT_* error
// the agent would write to errors/: the defaults without --config, the inbox's limits with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPreview } from '../../src/cli/preview.ts';
import { REPO } from '../helpers/agent-env.ts';
import { writeOneInvoiceCsv } from '../helpers/one-invoice-csv.ts';

const MAPPING = join(REPO, 'mappings', 'optima-csv.json');

async function preview(file: string, opts: { config?: string } = {}): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await runPreview(file, { mapping: MAPPING, today: '2026-11-21', ...opts }, { stdout: () => undefined, stderr: (t) => void err.push(t), now: () => new Date('2026-11-21T09:00:00Z') });
  return { code, err: err.join('') };
}

test('preview: the default lines-per-invoice limit, and the inbox limits of --config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-limits-preview-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const csv = join(dir, 'long.csv');
  await writeOneInvoiceCsv(csv, 10_050);

  const plain = await preview(csv);
  assert.equal(plain.code, 1);
  assert.match(plain.err, /row 10001.*one invoice has more than 10000 lines .*maxLinesPerInvoice = 10000.*\[LIMIT_LINES_PER_INVOICE\]/);
  assert.match(plain.err, /0 invoice\(s\), 0 valid, 0 with errors, 1 problem\(s\) with the file or mapping/);

  const config = join(dir, 'agent.json');
  await writeFile(config, JSON.stringify({
    environment: 'sim',
    limits: { maxLinesPerInvoice: 5000 },
    companies: [{
      id: 'acme', nip: '9999999999', name: 'Demo', address: { line1: 'ul. Przykładowa 1' }, token: { env: 'NO_TOKEN_NEEDED' },
      inboxes: [{ id: 'other', mapping: 'other.json', files: '*.xml' }, { id: 'optima', mapping: MAPPING, files: '*.csv', limits: { maxLinesPerInvoice: 100 } }],
    }],
  }));
  const configured = await preview(csv, { config });
  assert.equal(configured.code, 1);
  assert.match(configured.err, /row 101.*more than 100 lines .*maxLinesPerInvoice = 100\b.*\[LIMIT_LINES_PER_INVOICE\]/);
});
