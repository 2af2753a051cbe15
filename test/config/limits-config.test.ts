// The `limits` section (issue 9, item 3): defaults when absent, top-level values for every inbox,
// an inbox's own limits override them one by one, and a value above FA's 10,000 lines is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { AgentError } from '../../src/core/errors.ts';
import { DEFAULT_LIMITS } from '../../src/core/limits.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const company = (inboxes: unknown[]) => ({
  id: 'acme', nip: '5265877635', name: 'ACME Sp. z o.o.', address: { line1: 'ul. Prosta 1' }, token: { env: 'ACME_TOKEN' }, inboxes,
});

async function load(dir: string, cfg: unknown) {
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(cfg));
  return loadConfig(file);
}

test('limits: defaults, top-level values, per-inbox overrides', async () => {
  await withTempDir('cfg-limits-', async (dir) => {
    const plain = await load(dir, { environment: 'sim', companies: [company([{ id: 'a', mapping: 'a.json' }])] });
    assert.deepEqual(plain.limits, DEFAULT_LIMITS);
    const cfg = await load(dir, {
      environment: 'sim',
      limits: { maxFileBytes: 1000, maxLinesPerInvoice: 500 },
      companies: [company([{ id: 'a', mapping: 'a.json', files: '*.csv' }, { id: 'b', mapping: 'b.json', files: '*.xml', limits: { maxLinesPerInvoice: 20, maxRecordsPerFile: 99 } }])],
    });
    assert.deepEqual(cfg.limits, { ...DEFAULT_LIMITS, maxFileBytes: 1000, maxLinesPerInvoice: 500 });
    assert.deepEqual(cfg.companies[0]!.inboxes[0]!.limits, { ...DEFAULT_LIMITS, maxFileBytes: 1000, maxLinesPerInvoice: 500 });
    assert.deepEqual(cfg.companies[0]!.inboxes[1]!.limits, { ...DEFAULT_LIMITS, maxFileBytes: 1000, maxLinesPerInvoice: 20, maxRecordsPerFile: 99 });
  });
});

test('limits: more than 10,000 lines per invoice, or an unknown limit, is a configuration error with its path', async () => {
  await withTempDir('cfg-limits-', async (dir) => {
    const e = await load(dir, {
      environment: 'sim',
      limits: { maxLinesPerInvoice: 20000 },
      companies: [company([{ id: 'a', mapping: 'a.json', limits: { maxBytes: 1 } }])],
    }).then(() => assert.fail('accepted'), (x: unknown) => x as AgentError);
    assert.equal(e.code, 'CFG_INVALID');
    assert.ok(e.details!.some((d) => d.startsWith('$.limits.maxLinesPerInvoice: must be <= 10000')), e.details!.join('\n'));
    assert.ok(e.details!.some((d) => d.startsWith('$.companies[0].inboxes[0].limits.maxBytes: unknown property')), e.details!.join('\n'));
  });
});
