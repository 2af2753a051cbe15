import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat, appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';
import { FsyncJsonFile } from '../../src/store/fsync-json-file.ts';
import { HistoryLog } from '../../src/store/history-log.ts';
import { localDay } from '../../src/core/local-day.ts';
import type { InboxFile } from '../../src/core/records.ts';
import type { AgentError } from '../../src/core/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('store-', fn);

const T0 = Date.parse('2026-03-02T10:00:00Z');
const inbox = (n: number, sha = `sha-${n}`): InboxFile => ({
  companyId: 'acme', inboxId: 'csv', sourceName: `f${n}.csv`, path: `/w/claimed/20260302-${n}__f${n}.csv`, size: 10, sha256: sha, claimedAt: new Date(T0).toISOString(),
});
const inv = (n: string) => ({ number: n, kind: 'VAT', sellerNip: '5265877635', hash: `h-${n}` });

test('state survives reopen: files, in-flight invoices and lookups', async () => {
  await withDir(async (dir) => {
    const s1 = new LowdbStateStore({ dir, now: () => T0 });
    await s1.open();
    const f = await s1.recordClaim(inbox(1));
    assert.equal(f.id, '20260302-1__f1.csv');
    const [a, b, c] = await s1.planInvoices(f.id, [inv('FV/1'), inv('FV/2'), inv('FV/3')]);
    await s1.transition(a!.id, 'intent-recorded', { sessionKind: 'online', sessionReferenceNumber: 'S-1' });
    await s1.transition(b!.id, 'intent-recorded', { sessionKind: 'online', sessionReferenceNumber: 'S-1' });
    await s1.transition(b!.id, 'sent', { invoiceReferenceNumber: 'I-2' });
    await s1.close();

    const s2 = new LowdbStateStore({ dir, now: () => T0 });
    await s2.open();
    assert.equal(s2.getFile(f.id)?.state, 'mapped');
    assert.deepEqual(s2.inFlight().map((i) => [i.number, i.state, i.sessionReferenceNumber, i.invoiceReferenceNumber ?? null]), [
      ['FV/1', 'intent-recorded', 'S-1', null],
      ['FV/2', 'sent', 'S-1', 'I-2'],
    ]);
    assert.deepEqual(s2.planned().map((i) => i.id), [c!.id]);
    assert.deepEqual(s2.filesByHash('acme', 'sha-1').map((x) => x.id), [f.id]);
    assert.deepEqual(s2.filesByHash('other', 'sha-1'), []);
    await s2.transition(b!.id, 'accepted', { ksefNumber: '5265877635-20260302-0100000000AB-CD', acquisitionDate: '2026-03-02T10:00:01Z' });
    assert.equal(s2.findAccepted('5265877635', 'VAT', 'FV/2')?.ksefNumber, '5265877635-20260302-0100000000AB-CD');
    assert.equal(s2.findAccepted('5265877635', 'KOR', 'FV/2'), undefined);
    const counts = s2.counts('2026-03-02');
    assert.deepEqual(counts.invoicesByState, { planned: 1, 'intent-recorded': 1, sent: 0, accepted: 1, rejected: 0, failed: 0 });
    assert.equal(counts.acceptedOnDay, localDay(T0) === '2026-03-02' ? 1 : 0);
    assert.equal(counts.activeFiles, 1);
  });
});

test('illegal transitions and unfinished files are refused with codes', async () => {
  await withDir(async (dir) => {
    const s = new LowdbStateStore({ dir, now: () => T0 });
    await s.open();
    const f = await s.recordClaim(inbox(1));
    await assert.rejects(s.finishFile(f.id), (e: AgentError) => e.code === 'STORE_NOT_FINISHED');
    const [a] = await s.planInvoices(f.id, [inv('FV/1')]);
    await assert.rejects(s.transition(a!.id, 'sent'), (e: AgentError) => e.code === 'STORE_BAD_TRANSITION' && e.message === `invoice FV/1 (${a!.id}) cannot go from planned to sent`);
    await assert.rejects(s.finishFile(f.id), (e: AgentError) => e.code === 'STORE_NOT_FINISHED' && /1 invoice\(s\) still in flight/.test(e.message));
    await s.transition(a!.id, 'rejected', { error: { code: 'KSEF_450', message: 'bad' } });
    await assert.rejects(s.transition(a!.id, 'accepted'), (e: AgentError) => e.code === 'STORE_BAD_TRANSITION');
    await s.finishFile(f.id);
    assert.deepEqual(s.activeFiles(), []);
    assert.equal(s.getFile(f.id)?.state, 'done');
    await assert.rejects(s.planInvoices('nope', []), (e: AgentError) => e.code === 'STORE_UNKNOWN_FILE');
  });
});

test('history segmentation: after 5,000 finished files a change still writes a small hot file', async () => {
  await withDir(async (dir) => {
    const s = new LowdbStateStore({ dir, now: () => T0 });
    await s.open();
    for (let round = 0; round < 10; round++) {
      await s.batch((tx) => {
        for (let k = 0; k < 500; k++) {
          const n = round * 500 + k;
          const f = tx.recordClaim(inbox(n));
          const [i] = tx.planInvoices(f.id, [inv(`FV/${n}`)]);
          tx.transition(i!.id, 'intent-recorded', { sessionKind: 'batch', sessionReferenceNumber: `S-${round}` });
          tx.transition(i!.id, 'sent', { invoiceReferenceNumber: `I-${n}` });
          tx.transition(i!.id, 'accepted', { ksefNumber: `K-${n}` });
          tx.finishFile(f.id);
        }
      });
    }
    const f = await s.recordClaim(inbox(99999));
    assert.ok(s.lastWriteBytes < 1000, `hot write was ${s.lastWriteBytes} bytes`);
    assert.ok((await stat(join(dir, 'state.json'))).size < 1000);
    const segments = await readdir(join(dir, 'history'));
    assert.deepEqual(segments, [`${localDay(T0)}.jsonl`]);
    const lines = (await readFile(join(dir, 'history', segments[0]!), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 5000);
    assert.equal(JSON.parse(lines[4999]!).invoices[0].ksefNumber, 'K-4999');
    await s.close();

    const r = new LowdbStateStore({ dir, now: () => T0 });
    await r.open();
    assert.equal(r.findAccepted('5265877635', 'VAT', 'FV/1234')?.ksefNumber, 'K-1234');
    assert.equal(r.filesByHash('acme', 'sha-4321')[0]?.state, 'done');
    assert.equal(r.counts(localDay(T0)).acceptedOnDay, 5000);
    assert.deepEqual(r.activeFiles().map((x) => x.id), [f.id]);
  });
});

test('crash between history append and hot write: history wins on open; a torn history line is cut off', async () => {
  await withDir(async (dir) => {
    const s = new LowdbStateStore({ dir, now: () => T0 });
    await s.open();
    const f = await s.recordClaim(inbox(1));
    const [i] = await s.planInvoices(f.id, [inv('FV/1')]);
    const acc = await s.transition(i!.id, 'accepted', { ksefNumber: 'K-1' });
    await s.close();
    // the append happened, the hot write did not; then a later append was torn mid-line
    const h = new HistoryLog(join(dir, 'history'));
    await h.append([{ file: { ...s.getFile(f.id)!, state: 'done' }, invoices: [acc] }], '2026-03-02');
    await appendFile(join(dir, 'history', '2026-03-02.jsonl'), '{"file":{"id":"x"');
    const r = new LowdbStateStore({ dir, now: () => T0 });
    await r.open();
    assert.deepEqual(r.activeFiles(), []);
    assert.equal(r.findAccepted('5265877635', 'VAT', 'FV/1')?.ksefNumber, 'K-1');
    const hot = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    assert.deepEqual(hot, { version: 1, files: {}, invoices: {} });
    assert.ok((await readFile(join(dir, 'history', '2026-03-02.jsonl'), 'utf8')).endsWith('}\n'));
  });
});

test('fsync adapter: serialised writes, last one wins, no temp files left, readers never see a partial file', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.json');
    const a = new FsyncJsonFile<{ n: number; pad: string }>(path);
    assert.equal(await a.read(), null);
    const pad = 'x'.repeat(200_000);
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        try {
          const v = JSON.parse(await readFile(path, 'utf8')) as { pad: string };
          assert.equal(v.pad.length, 200_000);
          reads++;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    })();
    await Promise.all(Array.from({ length: 30 }, (_, n) => a.write({ n, pad })));
    stop = true;
    await reader;
    assert.ok(reads > 0);
    assert.equal((await a.read())?.n, 29);
    assert.deepEqual(await readdir(dir), ['state.json']);
    const bad = new FsyncJsonFile<number>(join(dir, 'missing-dir', 'x.json'));
    await assert.rejects(bad.write(1), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    await writeFile(path, '{broken');
    await assert.rejects(a.read(), SyntaxError);
  });
});

test('finished files after reopen: their invoices from the history, and every file of a source name', async () => {
  await withDir(async (dir) => {
    let now = T0;
    const s1 = new LowdbStateStore({ dir, now: () => now });
    await s1.open();
    const f1 = await s1.recordClaim(inbox(1));
    const [a, b] = await s1.planInvoices(f1.id, [inv('FV/1'), inv('FV/2')]);
    await s1.transition(a!.id, 'accepted', { ksefNumber: 'K-1' });
    await s1.transition(b!.id, 'rejected', { error: { code: 'KSEF_450', message: 'bad' } });
    await s1.finishFile(f1.id);
    now = T0 + 86_400_000; // other work finishes on the next day, in another segment
    const f2 = await s1.recordClaim({ ...inbox(2), sourceName: 'f1.csv', path: '/w/claimed/20260303-2__f1.csv' });
    await s1.planInvoices(f2.id, []);
    await s1.finishFile(f2.id);
    assert.deepEqual((await s1.finishedInvoicesOf(f1.id)).map((i) => [i.number, i.state, i.ksefNumber ?? i.error?.code]), [['FV/1', 'accepted', 'K-1'], ['FV/2', 'rejected', 'KSEF_450']]);
    await s1.close();

    const s2 = new LowdbStateStore({ dir, now: () => now });
    await s2.open();
    assert.deepEqual((await s2.finishedInvoicesOf(f1.id)).map((i) => i.number), ['FV/1', 'FV/2']);
    assert.deepEqual(await s2.finishedInvoicesOf(f2.id), []);
    assert.deepEqual(await s2.finishedInvoicesOf('no-such-file'), []);
    assert.deepEqual(s2.filesBySourceName('acme', 'f1.csv').map((x) => x.id).sort(), [f1.id, f2.id]);
    assert.deepEqual(s2.filesBySourceName('other', 'f1.csv'), []);
  });
});
