import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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

test('same name: the older file finishing last never replaces the newer file\'s result; its own result gets the claim in its name', async () => {
  const { store, ctx, claim, result, results, cleanup } = await setup();
  try {
    const r = new FileReporter();
    const f1 = await claim('20261121090000000-aaaaaa__export.csv', 'export.csv', 'sha1', '2026-11-21T09:00:00.000Z', 'a\n');
    const [a] = await store.planInvoices(f1.id, [inv('FV/OLD', 'h1')]);
    await r.reportAll(ctx, store.activeFiles());
    assert.deepEqual(statuses(await result('export.csv.result.json')), [['FV/OLD', 'pending', null]], 'the only file of its name has the plain name');

    const f2 = await claim('20261121100000000-bbbbbb__export.csv', 'export.csv', 'sha2', '2026-11-21T10:00:00.000Z', 'b\n');
    const [b] = await store.planInvoices(f2.id, [inv('FV/NEW', 'h2')]);
    await store.transition(b!.id, 'accepted', { ksefNumber: 'K-NEW' });
    await r.reportAll(ctx, store.activeFiles());
    assert.equal(store.getFile(f2.id)?.finishedAt !== undefined, true, 'the newer file finished first');
    assert.deepEqual(statuses(await result('export.csv.result.json')), [['FV/NEW', 'accepted', 'K-NEW']]);
    const older = 'export.csv (20261121090000000-aaaaaa).result.json';
    assert.deepEqual(statuses(await result(older)), [['FV/OLD', 'pending', null]], 'the older file, still waiting, has its result under its claim');

    await store.transition(a!.id, 'rejected', { error: { code: 'KSEF_450', message: 'bad' } });
    await r.reportAll(ctx, store.activeFiles());
    const plain = await result('export.csv.result.json');
    assert.equal(plain.sha256, 'sha2', 'the plain name still holds the newest file');
    assert.deepEqual(statuses(plain), [['FV/NEW', 'accepted', 'K-NEW']]);
    const old = await result(older);
    assert.equal(old.sha256, 'sha1');
    assert.equal(old.status, 'complete');
    assert.deepEqual(statuses(old), [['FV/OLD', 'rejected', null]]);
    assert.deepEqual((await readdir(results)).sort(), [
      'export.csv (20261121090000000-aaaaaa).result.csv', 'export.csv (20261121090000000-aaaaaa).result.json',
      'export.csv.result.csv', 'export.csv.result.json',
    ]);
    assert.equal(await readFile(join(results, 'export.csv.result.csv'), 'utf8'), 'export.csv;FV/NEW;accepted;K-NEW\r\n');
  } finally {
    await cleanup();
  }
});

test('same name: a finished older file\'s result is kept under its claim when a newer file takes the plain name', async () => {
  const { store, ctx, claim, result, results, cleanup } = await setup();
  try {
    const r = new FileReporter();
    const f1 = await claim('20261120090000000-aaaaaa__export.csv', 'export.csv', 'sha1', '2026-11-20T09:00:00.000Z', 'a\n');
    const [a] = await store.planInvoices(f1.id, [inv('FV/1', 'h1')]);
    await store.transition(a!.id, 'accepted', { ksefNumber: 'K-1' });
    await r.reportAll(ctx, store.activeFiles());
    assert.equal(store.getFile(f1.id)?.finishedAt !== undefined, true);

    const f2 = await claim('20261121090000000-bbbbbb__export.csv', 'export.csv', 'sha2', '2026-11-21T09:00:00.000Z', 'b\n');
    await store.planInvoices(f2.id, [inv('FV/2', 'h2')]);
    await r.reportAll(ctx, store.activeFiles());
    assert.deepEqual(statuses(await result('export.csv.result.json')), [['FV/2', 'pending', null]]);
    assert.deepEqual(statuses(await result('export.csv (20261120090000000-aaaaaa).result.json')), [['FV/1', 'accepted', 'K-1']]);
    assert.equal(await readFile(join(results, 'export.csv (20261120090000000-aaaaaa).result.csv'), 'utf8'), 'export.csv;FV/1;accepted;K-1\r\n');
  } finally {
    await cleanup();
  }
});

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
