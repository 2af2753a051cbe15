// Pairs of files (input.companion) at the inbox: real folders, the real watcher, an injected clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { EventBus } from '../../src/core/events.ts';
import { InboxWatcher } from '../../src/inbox/inbox-watcher.ts';
import { companionDataName, companionNameFile } from '../../src/inbox/claimed-companion.ts';
import { companionNameFor, companionProblems, isCompanionName, companionRuleOf } from '../../src/inbox/companion-rule.ts';
import { checkMappingText } from '../../src/mapping/load-mapping.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const policy = { usePolling: false, intervalMs: 100, stabilityWindowMs: 1000, scanIntervalMs: 60000, doneMarker: 'none', ignore: [] as string[], maxFilesPerScan: 100 };
const COMPANION = { files: '{stem}_poz.csv', stem: '^(.*)_nag\\.csv$', type: 'line', ownType: 'invoice', waitSeconds: 60 };

async function setup(dir: string) {
  let t = 1_000_000;
  const folder = join(dir, 'inbox');
  const mapping = join(dir, 'mapping.json');
  await mkdir(folder);
  await writeFile(mapping, JSON.stringify({ name: 'pairs', input: { format: 'csv', companion: COMPANION } }));
  const w = new InboxWatcher({ companyId: 'acme', inboxId: 'pairs', folder, workDir: join(dir, 'work'), mapping, bus: new EventBus(), now: () => t, policy });
  return { w, folder, advance: (ms: number) => (t += ms) };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test('companion names: the stem of the primary, case-insensitive; the lines file is recognised by its pattern', () => {
  const rule = companionRuleOf(COMPANION)!;
  assert.equal(companionNameFor(rule, 'FS_11_NAG.CSV'), 'FS_11_poz.csv');
  assert.equal(companionNameFor(rule, 'FS_11_poz.csv'), undefined);
  assert.ok(isCompanionName(rule, 'fs_11_POZ.csv'));
  assert.ok(!isCompanionName(rule, 'FS_11_nag.csv'));
  assert.equal(rule.waitMs, 60_000);
  assert.equal(companionRuleOf({ ...COMPANION, waitSeconds: undefined })!.waitMs, 600_000, 'default wait 10 minutes');
  assert.deepEqual(companionProblems({ files: 'lines.csv', stem: '^.*_nag\\.csv$' }).map((p) => p.key), ['files', 'stem']);
});

test('a mapping whose companion names no {stem} or whose stem has no group is refused at load with MAP_COMPANION', () => {
  const base = { name: 'x', input: { format: 'csv', companion: { ...COMPANION, files: 'lines.csv', stem: '_nag\\.csv$' } }, invoices: { per: 'join', header: 'invoice', line: 'line', key: 'Numer', lineKey: 'Faktura' }, invoice: { number: { column: 'Numer' }, issueDate: { column: 'D' }, buyer: { name: { column: 'N' } } }, line: { description: { column: 'Nazwa' }, quantity: { column: 'Q' }, unitNetPrice: { column: 'C' }, vatRate: { column: 'V' } } };
  const r = checkMappingText(JSON.stringify(base), 'pairs.json');
  const codes = r.errors.filter((e) => e.code === 'MAP_COMPANION');
  assert.equal(codes.length, 2, r.errors.map((e) => e.message).join('\n'));
  assert.match(codes[0]!.message, /must contain \{stem\}/);
  assert.match(codes[1]!.message, /no group in parentheses/);
  // per join by the two files' types is accepted: the types come from input.companion
  assert.ok(!r.errors.some((e) => e.code === 'MAP_GROUPING' || e.code === 'MAP_UNKNOWN_RECORD_TYPE'), r.errors.map((e) => e.code).join(','));
});

test('the header and lines files are claimed together once both are stable; the lines file is hidden beside the claim and counts in the hash', async () => {
  await withTempDir('pairs-', async (dir) => {
    const { w, folder, advance } = await setup(dir);
    await writeFile(join(folder, 'FS_11_nag.csv'), 'H\n');
    await writeFile(join(folder, 'FS_11_poz.csv'), 'L\n');
    assert.deepEqual(await w.scanOnce(), []);
    advance(500);
    // the lines file still grows: neither is taken
    await appendFile(join(folder, 'FS_11_poz.csv'), 'L2\n');
    assert.deepEqual(await w.scanOnce(), []);
    advance(600);
    assert.deepEqual(await w.scanOnce(), [], 'the header is stable, its lines file not yet');
    advance(500);
    const got = await w.scanOnce();
    assert.equal(got.length, 1);
    const f = got[0]!;
    assert.equal(f.sourceName, 'FS_11_nag.csv');
    assert.deepEqual(await readdir(folder), []);
    const claimDir = dirname(f.path);
    assert.equal(await readFile(join(claimDir, companionDataName(basename(f.path))), 'utf8'), 'L\nL2\n');
    assert.equal(await readFile(join(claimDir, companionNameFile(basename(f.path))), 'utf8'), 'FS_11_poz.csv');
    assert.equal(f.size, 2 + 5);
    assert.equal(f.sha256, sha(`pair\n${sha('H\n')}\n${sha('L\nL2\n')}\n`));
  });
});

test('a lone lines file is never taken while it waits; after the wait it is taken alone (and refused at intake); a lone header likewise', async () => {
  await withTempDir('pairs-', async (dir) => {
    const { w, folder, advance } = await setup(dir);
    await writeFile(join(folder, 'FS_12_poz.csv'), 'L\n');
    await writeFile(join(folder, 'FS_13_nag.csv'), 'H\n');
    assert.deepEqual(await w.scanOnce(), []);
    advance(1000);
    assert.deepEqual(await w.scanOnce(), [], 'stable, waiting for the other half');
    advance(59_999);
    assert.deepEqual(await w.scanOnce(), [], 'one millisecond before the end of the wait');
    advance(1);
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName).sort(), ['FS_12_poz.csv', 'FS_13_nag.csv']);
    assert.equal(got.find((f) => f.sourceName === 'FS_13_nag.csv')!.sha256, sha('H\n'), 'claimed alone: its own hash');
  });
});

test('a lines file that waited is taken with its header as soon as the header comes', async () => {
  await withTempDir('pairs-', async (dir) => {
    const { w, folder, advance } = await setup(dir);
    await writeFile(join(folder, 'FS_14_poz.csv'), 'L\n');
    await w.scanOnce();
    advance(30_000);
    assert.deepEqual(await w.scanOnce(), []);
    await writeFile(join(folder, 'FS_14_nag.csv'), 'H\n');
    await w.scanOnce();
    advance(1000);
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName), ['FS_14_nag.csv']);
    assert.deepEqual(await readdir(folder), []);
  });
});

test('an inbox whose file pattern names only the header files still takes their lines files with them', async () => {
  await withTempDir('pairs-', async (dir) => {
    let t = 1_000_000;
    const folder = join(dir, 'inbox');
    const mapping = join(dir, 'mapping.json');
    await mkdir(folder);
    await writeFile(mapping, JSON.stringify({ name: 'pairs', input: { format: 'csv', companion: COMPANION } }));
    const w = new InboxWatcher({ companyId: 'acme', inboxId: 'pairs', folder, workDir: join(dir, 'work'), mapping, files: '*_nag.csv', bus: new EventBus(), now: () => t, policy });
    await writeFile(join(folder, 'FS_15_nag.csv'), 'H\n');
    await writeFile(join(folder, 'FS_15_poz.csv'), 'L\n');
    await writeFile(join(folder, 'other.txt'), 'x\n');
    await w.scanOnce();
    t += 1000;
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName), ['FS_15_nag.csv']);
    assert.equal(got[0]!.sha256, sha(`pair\n${sha('H\n')}\n${sha('L\n')}\n`));
    assert.deepEqual(await readdir(folder), ['other.txt'], 'a file the pattern does not name is still left alone');
  });
});
