// Files the inbox cannot simply take: names too long for a claim prefix, claims that keep failing,
// unreadable files, and entries that are not files. Real folders, injected clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { AgentEvents } from '../../src/core/events.ts';
import type { InboxWatcherOptions } from '../../src/inbox/inbox-watcher.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { watcherFixture } from '../helpers/watcher-fixture.ts';
import type { AgentError } from '../../src/core/errors.ts';


async function setup(dir: string, over: Omit<Partial<InboxWatcherOptions>, 'policy'> = {}) {
  const f = await watcherFixture(dir, { over });
  const errors = (code: string) => f.events.filter(([n, p]) => n === 'inbox.error' && p.code === code).map(([, p]) => p as AgentEvents['inbox.error']);
  return { ...f, errors };
}

test('a legal name too long for the claim prefix is claimed, its full name kept, and no claim failure is reported', async () => {
  await withTempDir('inbox-', async (dir) => {
    const s = await setup(dir);
    // 255 bytes: the longest legal name on Linux, ASCII and Polish letters (2 bytes each)
    const ascii = 'faktura-' + 'x'.repeat(243) + '.csv';
    const polish = 'ż'.repeat(125) + '.csv';
    for (const n of [ascii, polish]) await writeFile(join(s.folder, n), n);
    assert.equal(Buffer.byteLength(ascii), 255);
    assert.ok(Buffer.byteLength(polish) <= 255);
    const got = await s.w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName).sort(), [ascii, polish].sort());
    for (const f of got) {
      assert.ok(Buffer.byteLength(basename(f.path)) <= 200, basename(f.path));
      assert.ok(basename(f.path).endsWith('.csv'));
      assert.equal(await readFile(f.path, 'utf8'), f.sourceName);
    }
    assert.deepEqual(await readdir(s.folder), []);
    assert.deepEqual(s.errors('INBOX_CLAIM_FAILED'), []);
  });
});

test('a claim that keeps failing is reported once and retried with growing pauses, never in a loop; `once` does not wait for it', async () => {
  await withTempDir('inbox-', async (dir) => {
    let attempts = 0;
    const s = await setup(dir, {
      fsRename: async () => {
        attempts++;
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      },
    });
    await writeFile(join(s.folder, 'a.csv'), 'x');
    for (let i = 0; i < 20; i++) await s.w.scanOnce(); // no time passes: one attempt only
    assert.equal(attempts, 1);
    const times: number[] = [];
    let now = 0;
    for (let ms = 0; ms < 20 * 60_000; ms += 250) {
      s.advance(250);
      now += 250;
      const before = attempts;
      await s.w.scanOnce();
      if (attempts > before) times.push(now);
    }
    // pauses 1 s, 2 s, 4 s … capped at 5 minutes
    const gaps = times.map((t, k) => t - (k ? times[k - 1]! : 0));
    assert.deepEqual(gaps.slice(0, 9), [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000]);
    assert.ok(gaps.slice(9).every((g) => g === 300_000), String(gaps));
    const reported = s.errors('INBOX_CLAIM_FAILED');
    assert.equal(reported.length, 1, 'reported once');
    assert.equal(reported[0]!.name, 'a.csv');
    assert.equal(reported[0]!.systemCode, 'EIO');
    assert.match(reported[0]!.message, /cannot claim a\.csv .* it stays in the inbox and is tried again after growing pauses \(up to 5 minutes\)/);
    assert.equal(await s.w.hasWaitingFiles(), false, 'a reported failing file does not keep `once` running');
    assert.deepEqual(await readdir(s.folder), ['a.csv']);
  });
});

test('a file that cannot be read after the claim is claimed with its problem (it goes to errors), never reported as staying in the inbox', async () => {
  await withTempDir('inbox-', async (dir) => {
    const s = await setup(dir, {
      hashFile: async (p) => {
        if (p.endsWith('secret.csv')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return 'h';
      },
    });
    await writeFile(join(s.folder, 'secret.csv'), 'x');
    await writeFile(join(s.folder, 'ok.csv'), 'y');
    const got = await s.w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName).sort(), ['ok.csv', 'secret.csv']);
    const bad = got.find((f) => f.sourceName === 'secret.csv')!;
    assert.equal(bad.problem?.code, 'INBOX_FILE_UNREADABLE');
    assert.match(bad.problem!.message, /cannot be read \(EACCES\)/);
    assert.equal(got.find((f) => f.sourceName === 'ok.csv')!.problem, undefined);
    assert.deepEqual(s.errors('INBOX_CLAIM_FAILED'), []);
    assert.deepEqual(await readdir(s.folder), []);
  });
});

test('links, folders and named pipes are never taken and reported once each (INBOX_NOT_A_FILE); files next to them flow', async () => {
  await withTempDir('inbox-', async (dir) => {
    const s = await setup(dir);
    await writeFile(join(dir, 'outside.csv'), 'x');
    await symlink(join(dir, 'outside.csv'), join(s.folder, 'link.csv'));
    await symlink(join(dir, 'nowhere.csv'), join(s.folder, 'dangling.csv'));
    await mkdir(join(s.folder, 'sub.csv'));
    execFileSync('mkfifo', [join(s.folder, 'pipe.csv')]);
    await writeFile(join(s.folder, 'good.csv'), 'y');
    await writeFile(join(s.folder, '.hidden.csv'), 'ignored by rule, not reported');
    assert.deepEqual((await s.w.scanOnce()).map((f) => f.sourceName), ['good.csv']);
    for (let i = 0; i < 3; i++) {
      s.advance(1000);
      await s.w.scanOnce();
    }
    const reported = s.errors('INBOX_NOT_A_FILE');
    assert.deepEqual(reported.map((e) => e.name).sort(), ['dangling.csv', 'link.csv', 'pipe.csv', 'sub.csv']);
    const msg = (n: string) => reported.find((e) => e.name === n)!.message;
    assert.match(msg('link.csv'), /is a symbolic link; links are never followed/);
    assert.match(msg('dangling.csv'), /symbolic link to something that does not exist/);
    assert.match(msg('sub.csv'), /is a folder; sub-folders of an inbox are not read/);
    assert.match(msg('pipe.csv'), /is a named pipe/);
    assert.equal(await s.w.hasWaitingFiles(), false, 'what is not a file does not keep `once` running');
    assert.equal(await readFile(join(dir, 'outside.csv'), 'utf8'), 'x', 'the link target is untouched');
  });
});

test('an inbox that cannot be listed is not "no files waiting": hasWaitingFiles fails with the folder problem (missing, not a folder), so once cannot finish as if it were empty', async () => {
  await withTempDir('inbox-', async (dir) => {
    const s = await setup(dir);
    await writeFile(join(s.folder, 'a.csv'), 'x');
    assert.equal(await s.w.hasWaitingFiles(), true);
    // a share that went away: the folder (with its file) is no longer where the inbox is
    await rename(s.folder, join(dir, 'away'));
    await assert.rejects(s.w.hasWaitingFiles(), (e: AgentError) => {
      assert.equal(e.code, 'INBOX_FOLDER_MISSING');
      assert.match(e.message, /inbox folder .*inbox does not exist .*its files wait until it is back/);
      return true;
    });
    // the inbox path is a file now
    await writeFile(s.folder, 'not a folder');
    await assert.rejects(s.w.hasWaitingFiles(), (e: AgentError) => e.code === 'INBOX_FOLDER_MISSING' && /is not a folder/.test(e.message));
    // back: listed again
    await rm(s.folder);
    await rename(join(dir, 'away'), s.folder);
    assert.equal(await s.w.hasWaitingFiles(), true);
  });
});

test('a failing claim that is busy for a while stays on record: its reason, its first time, reported once', async () => {
  await withTempDir('inbox-', async (dir) => {
    let code = 'EIO';
    const s = await setup(dir, {
      fsRename: async () => {
        throw Object.assign(new Error(`${code}: rename`), { code });
      },
    });
    await writeFile(join(s.folder, 'a.csv'), 'x');
    await s.w.scanOnce();
    const first = s.w.claimFailures().map((f) => [f.name, f.code, f.since]);
    assert.deepEqual(first.map(([n, c]) => [n, c]), [['a.csv', 'INBOX_CLAIM_FAILED']]);
    code = 'EBUSY';
    s.advance(5_000);
    await s.w.scanOnce();
    assert.deepEqual(s.w.claimFailures().map((f) => [f.name, f.code, f.since]), first, 'busy is not a success: the failure stays');
    code = 'EIO';
    s.advance(60_000);
    await s.w.scanOnce();
    assert.deepEqual(s.w.claimFailures().map((f) => [f.name, f.code, f.since]), first);
    assert.equal(s.errors('INBOX_CLAIM_FAILED').length, 1, 'reported once');
  });
});
