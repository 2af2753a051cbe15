import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CompanyConfig } from '../../src/config/agent-config.ts';
import { EventBus } from '../../src/core/events.ts';
import { FileReporter } from '../../src/pipeline/report-file.ts';
import type { PipelineContext } from '../../src/pipeline/pipeline-context.ts';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';

/*
 * What the ERP reads in outbox/results/ when files share a name or repeat content: the plain
 * result name always belongs to the newest file of that name, and a duplicate's result follows
 * its original from the state, never from a source file that may be gone.
 */

interface Line { invoiceNumber: string; status: string; ksefNumber: string | null; errors: { code: string; message: string }[] }
interface Result { source: string; sha256: string; status: string; summary: Record<string, number>; invoices: Line[] }

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'report-results-'));
  const work = join(dir, 'work');
  await mkdir(join(work, 'claimed'), { recursive: true });
  const store = new LowdbStateStore({ dir: join(work, 'state'), now: () => Date.parse('2026-11-21T09:00:00Z') });
  await store.open();
  const company = {
    id: 'acme', nip: '9999999999', name: 'Acme', address: { country: 'PL', line1: 'ul. 1' }, token: { env: 'T' }, schema: 'FA(3)',
    folders: { inbox: join(dir, 'inbox'), outbox: join(dir, 'outbox'), archive: join(dir, 'archive'), work },
    inboxes: [{ id: 'csv', folder: join(dir, 'inbox'), mapping: resolve('mappings/optima-csv.json') }],
  } as unknown as CompanyConfig;
  const ctx = {
    company, store, bus: new EventBus(),
    resultsCsv: { enabled: true, columns: ['source', 'invoiceNumber', 'status', 'ksefNumber'], delimiter: ';', header: false, encoding: 'utf-8' },
    today: () => '2026-11-21', now: () => new Date('2026-11-21T09:00:00Z'),
  } as unknown as PipelineContext;
  const claim = async (id: string, sourceName: string, sha: string, claimedAt: string, content?: string) => {
    const p = join(work, 'claimed', id);
    if (content === undefined) await copyFile(resolve('inbox-example/optima/faktury-2026-11.csv'), p);
    else await writeFile(p, content);
    return store.recordClaim({ companyId: 'acme', inboxId: 'csv', sourceName, path: p, size: 1, sha256: sha, claimedAt });
  };
  const results = join(dir, 'outbox', 'results');
  const result = async (name: string): Promise<Result> => JSON.parse(await readFile(join(results, name), 'utf8')) as Result;
  const cleanup = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, store, ctx, claim, result, results, cleanup };
}

const inv = (number: string, hash: string) => ({ number, kind: 'VAT', sellerNip: '9999999999', hash });
const statuses = (r: Result) => r.invoices.map((i) => [i.invoiceNumber, i.status, i.ksefNumber]);

test('duplicate: a retry after a failed finish rewrites the same lines, though the source was archived', async () => {
  const { store, ctx, claim, result, cleanup } = await setup();
  try {
    const o = await claim('20261121080000000-000000__orig.csv', 'orig.csv', 'S', '2026-11-21T08:00:00.000Z');
    const [x, y] = await store.planInvoices(o.id, [inv('FA/231/2026', 'h1'), inv('FA/232/2026', 'h2')]);
    await store.transition(x!.id, 'accepted', { ksefNumber: 'K-231' });
    await store.transition(y!.id, 'rejected', { error: { code: 'KSEF_450', message: 'Błąd weryfikacji semantyki dokumentu faktury' } });
    await store.finishFile(o.id);
    const d = await claim('20261121090000000-111111__faktury.csv', 'faktury.csv', 'S', '2026-11-21T09:00:00.000Z');
    await store.markDuplicateFile(d.id, o.id);
    const r = new FileReporter();
    const batch = store.batch.bind(store);
    let fail = true;
    (store as unknown as { batch: typeof batch }).batch = (fn) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('disk full'));
      }
      return batch(fn);
    };
    await assert.rejects(r.reportAll(ctx, store.activeFiles()), /disk full/);
    const first = await result('faktury.csv.result.json');
    assert.equal(store.getFile(d.id)?.finishedAt, undefined, 'finishing failed once');
    await r.reportAll(ctx, store.activeFiles());
    const second = await result('faktury.csv.result.json');
    assert.notEqual(store.getFile(d.id)?.finishedAt, undefined);
    assert.deepEqual(second.invoices, first.invoices, 'the retry writes the same lines');
    assert.equal(second.status, 'duplicate');
    assert.deepEqual(second.summary, { accepted: 1, rejected: 1, failed: 0, pending: 0 });
    assert.deepEqual(statuses(second), [['FA/231/2026', 'accepted', 'K-231'], ['FA/232/2026', 'rejected', null]]);
    assert.deepEqual(second.invoices.map((i) => i.errors.map((e) => e.code)), [['PIPELINE_DUPLICATE_FILE'], ['KSEF_450', 'PIPELINE_DUPLICATE_FILE']]);
  } finally {
    await cleanup();
  }
});

test('duplicate of a file still waiting for KSeF: its result follows the original until it settles, then finishes', async () => {
  const { store, ctx, claim, result, cleanup } = await setup();
  try {
    const o = await claim('20261121080000000-000000__orig.csv', 'orig.csv', 'S', '2026-11-21T08:00:00.000Z', 'x\n');
    const [i] = await store.planInvoices(o.id, [inv('FV/1', 'h1')]);
    const d = await claim('20261121090000000-111111__copy.csv', 'copy.csv', 'S', '2026-11-21T09:00:00.000Z');
    await store.markDuplicateFile(d.id, o.id);
    const r = new FileReporter();
    await r.reportAll(ctx, store.activeFiles());
    const waiting = await result('copy.csv.result.json');
    assert.equal(waiting.status, 'pending', 'a duplicate of a waiting file waits with it');
    assert.deepEqual(statuses(waiting), [['FV/1', 'pending', null]]);
    assert.equal(store.getFile(d.id)?.finishedAt, undefined, 'not finished while its original waits');

    await store.transition(i!.id, 'accepted', { ksefNumber: 'K-1' });
    await r.reportAll(ctx, store.activeFiles());
    const dup = await result('copy.csv.result.json');
    const orig = await result('orig.csv.result.json');
    assert.deepEqual(statuses(orig), [['FV/1', 'accepted', 'K-1']]);
    assert.equal(dup.status, 'duplicate');
    assert.deepEqual(dup.summary, { accepted: 1, rejected: 0, failed: 0, pending: 0 });
    assert.deepEqual(statuses(dup), [['FV/1', 'accepted', 'K-1']]);
    assert.notEqual(store.getFile(d.id)?.finishedAt, undefined, 'finished once its original settled');
  } finally {
    await cleanup();
  }
});
