/**
 * The reporter builds and writes a file's result only when the store's records of that file
 * changed: a pass over files waiting for KSeF writes nothing, a change is written at once, and a
 * finished file leaves the reporter's memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompanyConfig } from '../../src/config/agent-config.ts';
import { EventBus } from '../../src/core/events.ts';
import { FileReporter } from '../../src/pipeline/report-file.ts';
import type { PipelineContext } from '../../src/pipeline/pipeline-context.ts';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';

test('unchanged pending files are not reported again; a change is; a finished file is archived', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-report-unchanged-'));
  try {
    const work = join(dir, 'work');
    await mkdir(join(work, 'claimed'), { recursive: true });
    const claimed = join(work, 'claimed', '20261121T090000Z-1-a.csv');
    await writeFile(claimed, 'x;y\n');
    const store = new LowdbStateStore({ dir: join(dir, 'state'), now: () => Date.parse('2026-11-21T09:00:00Z') });
    await store.open();
    const company = {
      id: 'acme', nip: '9999999999', name: 'Acme', address: { country: 'PL', line1: 'ul. 1' }, token: { env: 'T' }, schema: 'FA(3)',
      folders: { inbox: join(dir, 'inbox'), outbox: join(dir, 'outbox'), archive: join(dir, 'archive'), work },
      inboxes: [{ id: 'csv', folder: join(dir, 'inbox'), mapping: 'unused.json' }],
    } as unknown as CompanyConfig;
    const bus = new EventBus();
    const done: unknown[] = [];
    // each result built asks for the time once
    let built = 0;
    bus.on('file.done', (e) => done.push(e));
    const ctx = {
      company, profile: { nip: '9999999999', name: 'Acme', address: { country: 'PL', line1: 'ul. 1' } }, store, bus,
      resultsCsv: { enabled: false, columns: [], delimiter: ';', header: true },
      today: () => '2026-11-21', now: () => (built++, new Date('2026-11-21T09:00:00Z')),
    } as unknown as PipelineContext;
    const f = await store.recordClaim({ companyId: 'acme', inboxId: 'csv', sourceName: 'a.csv', path: claimed, size: 4, sha256: 'sha-a', claimedAt: '2026-11-21T09:00:00Z' });
    const [a, b] = await store.planInvoices(f.id, [
      { number: 'FV/1', kind: 'VAT', sellerNip: '9999999999', hash: 'h1' },
      { number: 'FV/2', kind: 'VAT', sellerNip: '9999999999', hash: 'h2' },
    ]);
    const reporter = new FileReporter();
    const resultPath = join(dir, 'outbox', 'results', 'a.csv.result.json');
    const pass = async () => assert.deepEqual(await reporter.reportAll(ctx, store.activeFiles()), []);
    const statuses = async () => (JSON.parse(await readFile(resultPath, 'utf8')) as { invoices: { status: string }[] }).invoices.map((i) => i.status);

    await pass();
    assert.deepEqual(await statuses(), ['pending', 'pending']);
    // nothing changed: the result file is not written again (removed, it stays away)
    await rm(resultPath);
    built = 0;
    await pass();
    await assert.rejects(stat(resultPath), { code: 'ENOENT' });
    assert.equal(built, 0);

    await store.transition(a!.id, 'rejected', { error: { code: 'KSEF_450', message: 'bad' } });
    await pass();
    assert.deepEqual(await statuses(), ['rejected', 'pending']);
    assert.equal(store.getFile(f.id)?.state, 'mapped');

    await store.transition(b!.id, 'accepted', { ksefNumber: 'K-2' });
    await pass();
    assert.deepEqual(await statuses(), ['rejected', 'accepted']);
    assert.equal(store.getFile(f.id)?.finishedAt !== undefined, true);
    assert.equal(done.length, 1);
    await assert.rejects(stat(claimed), { code: 'ENOENT' });
    assert.deepEqual(store.activeFiles(), []);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
