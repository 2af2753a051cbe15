import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, appendFile, mkdir, rename, readdir, readFile, utimes, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EventBus } from '../../src/core/events.ts';
import type { AgentEvents } from '../../src/core/events.ts';
import type { InboxFile } from '../../src/core/records.ts';
import { InboxWatcher } from '../../src/inbox/inbox-watcher.ts';
import type { InboxWatcherOptions } from '../../src/inbox/inbox-watcher.ts';
import { scanInboxFolder } from '../../src/inbox/scan-inbox.ts';
import { claimFile } from '../../src/inbox/claim-file.ts';
import { listClaimed } from '../../src/inbox/list-claimed.ts';
import { isIgnoredName } from '../../src/inbox/name-filter.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('inbox-', fn);

const policy = { usePolling: false, intervalMs: 100, stabilityWindowMs: 2000, scanIntervalMs: 60000, doneMarker: 'none', ignore: [] as string[], maxFilesPerScan: 100 };

function setup(dir: string, over: Omit<Partial<InboxWatcherOptions>, 'policy'> & { policy?: Partial<typeof policy> } = {}) {
  let t = 1_000_000;
  const bus = new EventBus();
  const events: [string, unknown][] = [];
  bus.onAny((name, payload) => events.push([name, payload]));
  const folder = join(dir, 'inbox');
  const workDir = join(dir, 'work');
  const mapping = join(dir, 'mapping.json');
  const w = new InboxWatcher({ companyId: 'acme', inboxId: 'csv', folder, workDir, mapping, bus, now: () => t, ...over, policy: { ...policy, ...over.policy } });
  return { w, bus, events, folder, workDir, advance: (ms: number) => (t += ms) };
}

test('a file written slowly in chunks is not taken before size and mtime are stable for the window', async () => {
  await withDir(async (dir) => {
    const { w, folder, workDir, advance, events } = setup(dir);
    await mkdir(folder);
    const f = join(folder, 'faktury.csv');
    await writeFile(f, 'a;b\n');
    assert.deepEqual(await w.scanOnce(), []);
    advance(1500);
    await appendFile(f, '1;2\n'); // size changes
    assert.deepEqual(await w.scanOnce(), []);
    advance(1999);
    assert.deepEqual(await w.scanOnce(), []);
    // pre-allocated copy: same size, new mtime → the window starts again
    const s = await stat(f);
    await utimes(f, s.atime, new Date(s.mtimeMs + 5000));
    advance(1);
    assert.deepEqual(await w.scanOnce(), []);
    advance(1999);
    assert.deepEqual(await w.scanOnce(), []);
    advance(1);
    const got = await w.scanOnce();
    assert.equal(got.length, 1);
    const file = got[0]!;
    assert.equal(file.sourceName, 'faktury.csv');
    assert.equal(file.companyId, 'acme');
    assert.equal(file.inboxId, 'csv');
    assert.equal(file.size, 8);
    assert.equal(file.sha256, createHash('sha256').update('a;b\n1;2\n').digest('hex'));
    // claimed into claimed/<inbox>/<mapping version>/ (no mapping file here: version "none")
    assert.ok(file.path.startsWith(join(workDir, 'claimed', 'csv', 'none') + '/'), file.path);
    assert.equal(await readFile(file.path, 'utf8'), 'a;b\n1;2\n');
    assert.deepEqual(await readdir(folder), []);
    assert.deepEqual(events.map(([n]) => n), ['inbox.ready', 'inbox.claimed']);
    assert.deepEqual(await listClaimed(workDir), [{ name: file.path.split('/').pop(), path: file.path, sourceName: 'faktury.csv', inboxId: 'csv', mappingVersion: 'none' }]);
  });
});

test('temporary, hidden and configured names are ignored; files glob selects', async () => {
  await withDir(async (dir) => {
    for (const n of ['a.tmp', 'b.PART', '~$book.xlsx', '.hidden', 'x.bak', 'ok.csv', 'other.xml']) await writeFile(join(dir, n), 'x');
    await mkdir(join(dir, 'sub.csv'));
    const names = (await scanInboxFolder(dir, { ignore: ['*.bak'], doneMarker: 'none', files: '*.CSV' })).candidates.map((c) => c.name);
    assert.deepEqual(names, ['ok.csv']);
    const all = (await scanInboxFolder(dir, { ignore: [], doneMarker: 'none' })).candidates.map((c) => c.name).sort();
    assert.deepEqual(all, ['ok.csv', 'other.xml', 'x.bak']);
    assert.equal(isIgnoredName('Invoice.TMP'), true);
    assert.equal(isIgnoredName('invoice.tmp.csv'), false);
  });
});

test('done markers: a file is taken only with its marker, and the marker is removed after the claim', async () => {
  await withDir(async (dir) => {
    const { w, folder, advance } = setup(dir, { policy: { doneMarker: '.done', stabilityWindowMs: 0 } });
    await mkdir(folder);
    await writeFile(join(folder, 'a.xml'), '<a/>');
    await writeFile(join(folder, 'b.done'), ''); // a marker alone is not a file to take
    assert.deepEqual(await w.scanOnce(), []);
    await writeFile(join(folder, 'a.xml.done'), '');
    advance(10);
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName), ['a.xml']);
    assert.deepEqual((await readdir(folder)).sort(), ['b.done']);
  });
});

test('a file renamed into the inbox is taken once, even by two watchers racing', async () => {
  await withDir(async (dir) => {
    const a = setup(dir, { policy: { stabilityWindowMs: 0 } });
    const b = setup(dir, { policy: { stabilityWindowMs: 0 } });
    await mkdir(a.folder);
    for (let i = 0; i < 20; i++) {
      await writeFile(join(dir, `staging-${i}.json`), `{"i":${i}}`);
      await rename(join(dir, `staging-${i}.json`), join(a.folder, `order-${i}.json`));
    }
    const [ra, rb] = await Promise.all([a.w.scanOnce(), b.w.scanOnce()]);
    const names = [...ra, ...rb].map((f) => f.sourceName).sort();
    assert.equal(names.length, 20);
    assert.equal(new Set(names).size, 20);
    assert.deepEqual(await a.w.scanOnce(), []);
    assert.equal((await listClaimed(a.workDir)).length, 20);
  });
});

test('claim: a vanished file is "gone", a held file is "busy" and stays in the inbox', async () => {
  await withDir(async (dir) => {
    const target = { companyId: 'acme', inboxId: 'csv', workDir: join(dir, 'work'), mapping: join(dir, 'mapping.json') };
    assert.deepEqual(await claimFile(join(dir, 'nope.csv'), 'nope.csv', target), { status: 'gone' });
    await writeFile(join(dir, 'held.csv'), 'x');
    for (const code of ['EBUSY', 'EPERM', 'EACCES']) {
      const fsRename = async () => {
        throw Object.assign(new Error(code), { code });
      };
      assert.deepEqual(await claimFile(join(dir, 'held.csv'), 'held.csv', target, { fsRename }), { status: 'busy', code });
    }
    assert.equal(await readFile(join(dir, 'held.csv'), 'utf8'), 'x');
    await assert.rejects(
      claimFile(join(dir, 'held.csv'), 'held.csv', target, { fsRename: async () => Promise.reject(Object.assign(new Error('x'), { code: 'EXDEV' })) }),
      (e: { code: string; kind: string }) => e.code === 'INBOX_CROSS_DEVICE' && e.kind === 'config',
    );
  });
});

test('the watcher reports busy files and takes them on a later scan; a missing folder is an inbox.error', async () => {
  await withDir(async (dir) => {
    let busy = true;
    const s = setup(dir, {
      policy: { stabilityWindowMs: 0 },
      fsRename: async (from, to) => {
        if (busy) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
        await rename(from, to);
      },
    });
    const missing = await s.w.scanOnce();
    assert.deepEqual(missing, []);
    assert.equal(s.events[0]![0], 'inbox.error');
    const e = s.events[0]![1] as AgentEvents['inbox.error'];
    assert.equal(e.code, 'INBOX_FOLDER_MISSING');
    assert.equal(e.systemCode, 'ENOENT');
    assert.equal(e.message, `inbox folder ${s.folder} does not exist (deleted, or a share not mounted); its files wait until it is back`);
    // reported once, not on every scan
    await s.w.scanOnce();
    await s.w.scanOnce();
    assert.equal(s.events.filter(([n]) => n === 'inbox.error').length, 1);
    await mkdir(s.folder);
    await writeFile(join(s.folder, 'x.csv'), 'x');
    assert.deepEqual(await s.w.scanOnce(), []);
    assert.ok(s.events.some(([n, p]) => n === 'inbox.recovered' && (p as AgentEvents['inbox.recovered']).folder === s.folder), 'recovery reported');
    assert.deepEqual(s.events[s.events.length - 1], ['inbox.busy', { companyId: 'acme', inboxId: 'csv', name: 'x.csv', code: 'EBUSY' }]);
    busy = false;
    assert.deepEqual((await s.w.scanOnce()).map((f) => f.sourceName), ['x.csv']);
  });
});

test('maxFilesPerScan bounds one scan', async () => {
  await withDir(async (dir) => {
    const s = setup(dir, { policy: { stabilityWindowMs: 0, maxFilesPerScan: 3 } });
    await mkdir(s.folder);
    for (let i = 0; i < 5; i++) await writeFile(join(s.folder, `f${i}.csv`), String(i));
    assert.equal((await s.w.scanOnce()).length, 3);
    assert.equal((await s.w.scanOnce()).length, 2);
  });
});

test('started watcher: chokidar hint + stability window claim a dropped file once, with the real clock', async () => {
  await withDir(async (dir) => {
    const bus = new EventBus();
    const claimed: InboxFile[] = [];
    const folder = join(dir, 'inbox');
    const w = new InboxWatcher({
      companyId: 'acme', inboxId: 'csv', folder, workDir: join(dir, 'work'), mapping: join(dir, 'mapping.json'), bus,
      policy: { ...policy, stabilityWindowMs: 150, scanIntervalMs: 60000 },
      onClaimed: (f) => claimed.push(f),
    });
    await w.start();
    try {
      const got = new Promise<AgentEvents['inbox.claimed']>((resolve) => bus.on('inbox.claimed', resolve));
      const t0 = Date.now();
      await writeFile(join(dir, 'x.part'), 'data');
      await rename(join(dir, 'x.part'), join(folder, 'dropped.xml'));
      const ev = await got;
      assert.equal(ev.file.sourceName, 'dropped.xml');
      assert.ok(Date.now() - t0 < 3000);
      await w.scanOnce();
      assert.deepEqual(claimed.map((f) => f.sourceName), ['dropped.xml']);
    } finally {
      await w.stop();
    }
  });
});
