// A pair of files (input.companion) whose lines file cannot be moved into the work area for a
// reason other than being gone: the pair stays in the inbox, whole, and the report says which file
// and which OS error. Real folders and the real watcher; the rename fails through the fs seam
// (root moves anything, so permissions cannot make it fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AgentEvents } from '../../src/core/events.ts';
import { claimFile } from '../../src/inbox/claim-file.ts';
import { completeClaimedPair } from '../../src/inbox/claimed-companion.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { watcherFixture } from '../helpers/watcher-fixture.ts';

const COMPANION = { files: '{stem}_poz.csv', stem: '^(.*)_nag\\.csv$', type: 'line', ownType: 'invoice', waitSeconds: 60 };
const H = 'FS_11_nag.csv';
const L = 'FS_11_poz.csv';

const osError = (code: string, from: string, to: string): Error =>
  Object.assign(new Error(`${code}: ${code === 'EIO' ? 'i/o error' : 'operation refused'}, rename '${from}' -> '${to}'`), { code, syscall: 'rename' });

/** A rename that fails with `code` while `fail` says so for the move (the real rename otherwise). */
function failingRename(code: string, fail: (from: string) => boolean) {
  return async (from: string, to: string): Promise<void> => {
    if (fail(from)) throw osError(code, from, to);
    await rename(from, to);
  };
}

async function setup(dir: string, fsRename?: (from: string, to: string) => Promise<void>, doneMarker = 'none') {
  const f = await watcherFixture(dir, { inboxId: 'pairs', mapping: { name: 'pairs', input: { format: 'csv', companion: COMPANION } }, policy: { doneMarker }, over: fsRename ? { fsRename } : {} });
  await writeFile(join(f.folder, H), 'H\n');
  await writeFile(join(f.folder, L), 'L\n');
  return f;
}

/** Every file below the claim area (hidden records included), relative to it. */
async function claimArea(workDir: string): Promise<string[]> {
  const root = join(workDir, 'claimed');
  const all = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return all.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}

for (const { code, outcome } of [
  { code: 'EACCES', outcome: 'busy' },
  { code: 'EBUSY', outcome: 'busy' },
  { code: 'EPERM', outcome: 'busy' },
  { code: 'EIO', outcome: 'INBOX_CLAIM_FAILED' },
  { code: 'EXDEV', outcome: 'INBOX_CROSS_DEVICE' },
]) {
  test(`a lines file that cannot be moved (${code}): the header goes back, both stay in the inbox, nothing half-claimed, reported as for a single file (${outcome}), naming the lines file`, async () => {
    await withTempDir('pair-faults-', async (dir) => {
      let broken = true;
      const s = await setup(dir, failingRename(code, (from) => broken && from.endsWith(L)));
      assert.deepEqual(await s.w.scanOnce(), [], 'nothing claimed');
      assert.deepEqual((await readdir(s.folder)).sort(), [H, L], 'both files still in the inbox');
      assert.equal(await readFile(join(s.folder, H), 'utf8'), 'H\n');
      assert.deepEqual(await claimArea(s.workDir), [], 'no claim, no pair record, no sidecar left in the claim area');
      if (outcome === 'busy') {
        const busy = s.events.filter(([n]) => n === 'inbox.busy').map(([, p]) => p as AgentEvents['inbox.busy']);
        assert.deepEqual(busy.map((b) => [b.name, b.code, b.companionOf]), [[L, code, H]]);
        assert.deepEqual(s.events.filter(([n]) => n === 'inbox.error'), []);
      } else {
        const errs = s.events.filter(([n]) => n === 'inbox.error').map(([, p]) => p as AgentEvents['inbox.error']);
        assert.equal(errs.length, 1, JSON.stringify(errs));
        assert.equal(errs[0]!.code, outcome);
        assert.equal(errs[0]!.name, H);
        assert.equal(errs[0]!.systemCode, code);
        assert.match(errs[0]!.message, new RegExp(`companion file ${L}`));
        assert.match(errs[0]!.message, new RegExp(`${code}: ${code === 'EIO' ? 'i/o error' : 'operation refused'}`), 'the OS error code and its message');
        // like a single file whose claim failed: it waits for a person, so once does not wait for the pair
        assert.equal(await s.w.hasWaitingFiles(), false);
      }
      // once the lines file can be moved, the pair is claimed together at a later scan
      broken = false;
      s.advance(1000);
      const got = await s.w.scanOnce();
      assert.deepEqual(got.map((f) => f.sourceName), [H]);
      assert.deepEqual(await readdir(s.folder), []);
      assert.equal(got[0]!.size, 4, 'both files counted: the pair is whole');
    });
  });
}

test('with done markers: a header put back keeps its marker (it is still "done"), and both markers go once the pair is claimed', async () => {
  await withTempDir('pair-faults-', async (dir) => {
    let broken = true;
    const s = await setup(dir, failingRename('EBUSY', (from) => broken && from.endsWith(L)), '.done');
    await writeFile(join(s.folder, `${H}.done`), '');
    await writeFile(join(s.folder, `${L}.done`), '');
    assert.deepEqual(await s.w.scanOnce(), []);
    assert.deepEqual((await readdir(s.folder)).sort(), [H, `${H}.done`, L, `${L}.done`]);
    broken = false;
    s.advance(1000);
    assert.deepEqual((await s.w.scanOnce()).map((f) => f.sourceName), [H]);
    assert.deepEqual(await readdir(s.folder), []);
  });
});

test('a lines file that cannot be moved while a new header of the same name arrived: the claimed header is not put back over it; it goes to errors with INBOX_COMPANION_CLAIM_FAILED naming the lines file and the OS error', async () => {
  await withTempDir('pair-faults-', async (dir) => {
    const s = await setup(dir);
    const claim = await claimFile(join(s.folder, H), H, { companyId: 'acme', inboxId: 'pairs', workDir: s.workDir, mapping: s.mapping }, {
      companion: { path: join(s.folder, L), name: L },
      fsRename: async (from, to) => {
        if (from.endsWith(L)) {
          // the ERP writes the header again in the moment between the two moves
          await writeFile(join(s.folder, H), 'H2\n');
          throw osError('EIO', from, to);
        }
        await rename(from, to);
      },
    });
    assert.equal(claim.status, 'claimed');
    if (claim.status !== 'claimed') return;
    assert.equal(await readFile(join(s.folder, H), 'utf8'), 'H2\n', 'the new header is untouched');
    assert.equal(await readFile(join(s.folder, L), 'utf8'), 'L\n', 'the lines file is still in the inbox');
    assert.equal(await readFile(claim.file.path, 'utf8'), 'H\n', 'the first header stays claimed (and goes to errors with its report)');
    const p = claim.file.problem;
    assert.ok(p, 'the claimed header carries its problem');
    assert.equal(p.code, 'INBOX_COMPANION_CLAIM_FAILED');
    assert.equal(p.where.file, H);
    assert.match(p.message, new RegExp(`companion file ${L} could not be moved out of the inbox \\(EIO: i/o error`));
    assert.doesNotMatch(p.message, /removed, or held by another program/);
  });
});

test('restart after a stop between the two moves, the lines file cannot be moved now (EACCES): the header goes back to the inbox and the pair is claimed again later; nothing is taken apart', async () => {
  await withTempDir('pair-faults-', async (dir) => {
    const s = await setup(dir);
    // the state a stop between the two renames leaves: the header claimed with its pair record, the lines file in the inbox
    const claim = await claimFile(join(s.folder, H), H, { companyId: 'acme', inboxId: 'pairs', workDir: s.workDir, mapping: s.mapping }, {
      companion: { path: join(s.folder, 'not-yet.csv'), name: L },
    });
    assert.equal(claim.status, 'claimed');
    if (claim.status !== 'claimed') return;
    assert.deepEqual((await readdir(s.folder)).sort(), [L]);
    const r = await completeClaimedPair(claim.file, s.folder, { fsRename: failingRename('EACCES', (from) => from.endsWith(L)) });
    assert.equal(r.status, 'returned');
    assert.ok(r.status === 'returned');
    assert.match(r.message, new RegExp(`companion file ${L} .*EACCES: operation refused`));
    assert.match(r.message, new RegExp(`${H} was put back into the inbox`));
    assert.deepEqual((await readdir(s.folder)).sort(), [H, L], 'both in the inbox again');
    assert.deepEqual(await claimArea(s.workDir), [], 'no claim left to take in alone');
  });
});

test('restart after a stop between the two moves, the lines file can be moved: the pair is completed in the claim area', async () => {
  await withTempDir('pair-faults-', async (dir) => {
    const s = await setup(dir);
    const claim = await claimFile(join(s.folder, H), H, { companyId: 'acme', inboxId: 'pairs', workDir: s.workDir, mapping: s.mapping }, {
      companion: { path: join(s.folder, 'not-yet.csv'), name: L },
    });
    assert.ok(claim.status === 'claimed');
    const r = await completeClaimedPair(claim.file, s.folder);
    assert.equal(r.status, 'complete');
    assert.deepEqual(await readdir(s.folder), []);
  });
});
