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
import { WATCHER_POLICY, watcherFixture } from '../helpers/watcher-fixture.ts';
import { REPO } from '../helpers/agent-env.ts';
import { AgentError } from '../../src/core/errors.ts';
import { pairOf } from '../../src/pipeline/read-pair.ts';
import { NO_MAPPING_APPLIES } from '../../src/inbox/mapping-snapshot.ts';
import { chooseMapping, inboxPairRules, mappingCandidates, mappingVersionChooser } from '../../src/pipeline/choose-mapping.ts';

const COMPANION = { files: '{stem}_poz.csv', stem: '^(.*)_nag\\.csv$', type: 'line', ownType: 'invoice', waitSeconds: 60 };

const policy = { ...WATCHER_POLICY, stabilityWindowMs: 1000 };
const setup = (dir: string) => watcherFixture(dir, { inboxId: 'pairs', mapping: { name: 'pairs', input: { format: 'csv', companion: COMPANION } }, policy: { stabilityWindowMs: 1000 } });

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

// Issue 11: `applies` routing and pairs together. One inbox with two mappings, the pair mapping
// (two-files-csv.json, applies.files "*_nag.csv") listed second: each file's companion rule is the
// one of the mapping chosen for it, and a lines file (which matches no applies.files) belongs to
// the pair mapping by the shape of its name, never to INBOX_NO_MAPPING.
async function routedInbox(dir: string, order: 'shop-first' | 'pairs-first' = 'shop-first') {
  let t = 1_000_000;
  const folder = join(dir, 'inbox');
  await mkdir(folder);
  const pairs = join(dir, 'two-files.json');
  const shop = join(dir, 'shop.json');
  const m = JSON.parse(await readFile(join(REPO, 'mappings', 'two-files-csv.json'), 'utf8'));
  m.input.companion.waitSeconds = 60;
  await writeFile(pairs, JSON.stringify(m));
  await writeFile(shop, await readFile(join(REPO, 'mappings', 'shop-json.json')));
  const mappings = order === 'shop-first' ? [shop, pairs] : [pairs, join(dir, 'optima.json')];
  if (order === 'pairs-first') await writeFile(mappings[1]!, await readFile(join(REPO, 'mappings', 'optima-csv.json')));
  const inbox = { id: 'two-files', folder, mapping: mappings[0]!, mappings };
  const workDir = join(dir, 'work');
  const w = new InboxWatcher({
    companyId: 'acme', inboxId: inbox.id, folder, workDir, mapping: inbox.mapping, bus: new EventBus(), now: () => t, policy,
    chooseMappingVersion: mappingVersionChooser(workDir, inbox), pairRules: () => inboxPairRules(inbox),
  });
  const versionOf = (f: { path: string }): string => basename(dirname(f.path));
  return { w, folder, inbox, pairs, shop, mappings, advance: (ms: number) => (t += ms), versionOf, sha: async (p: string) => sha(await readFile(p, 'utf8')) };
}

test('routing and pairs: with the pair mapping second of two, the header takes its lines file, the other kinds go to their own mapping, a lone lines file waits and is claimed under the pair mapping', async () => {
  await withTempDir('pairs-route-', async (dir) => {
    const { w, folder, pairs, shop, advance, versionOf, sha: shaOf } = await routedInbox(dir);
    await writeFile(join(folder, 'FS_21_nag.csv'), 'H\n');
    await writeFile(join(folder, 'FS_21_poz.csv'), 'L\n');
    await writeFile(join(folder, 'FS_22_poz.csv'), 'L alone\n');
    await writeFile(join(folder, 'orders.json'), '{}\n');
    await writeFile(join(folder, 'notes.txt'), 'x\n');
    assert.deepEqual(await w.scanOnce(), []);
    advance(1000);
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName).sort(), ['FS_21_nag.csv', 'notes.txt', 'orders.json']);
    const header = got.find((f) => f.sourceName === 'FS_21_nag.csv')!;
    assert.equal(header.sha256, sha(`pair\n${sha('H\n')}\n${sha('L\n')}\n`), 'claimed with its lines file');
    assert.equal(versionOf(header), await shaOf(pairs));
    assert.equal(versionOf(got.find((f) => f.sourceName === 'orders.json')!), await shaOf(shop));
    assert.equal(versionOf(got.find((f) => f.sourceName === 'notes.txt')!), NO_MAPPING_APPLIES);
    assert.deepEqual(await readdir(folder), ['FS_22_poz.csv'], 'the lone lines file waits for its header');
    advance(60_000);
    const alone = await w.scanOnce();
    assert.deepEqual(alone.map((f) => f.sourceName), ['FS_22_poz.csv']);
    assert.equal(versionOf(alone[0]!), await shaOf(pairs), 'claimed under the pair mapping (refused at intake as INBOX_COMPANION_ALONE), not as unmatched');
  });
});

test('routing and pairs: the pair mapping first and a "*.csv" mapping after it: the lines file still goes with its header, not to the later mapping', async () => {
  await withTempDir('pairs-route-', async (dir) => {
    const { w, folder, pairs, mappings, advance, versionOf, sha: shaOf } = await routedInbox(dir, 'pairs-first');
    await writeFile(join(folder, 'FS_23_nag.csv'), 'H\n');
    await writeFile(join(folder, 'FS_23_poz.csv'), 'L\n');
    await writeFile(join(folder, 'faktury.csv'), 'x\n');
    await w.scanOnce();
    advance(1000);
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName).sort(), ['FS_23_nag.csv', 'faktury.csv']);
    assert.equal(versionOf(got.find((f) => f.sourceName === 'FS_23_nag.csv')!), await shaOf(pairs));
    assert.equal(versionOf(got.find((f) => f.sourceName === 'faktury.csv')!), await shaOf(mappings[1]!));
  });
});

test('chooseMapping: a lines file of a pair mapping is that mapping\'s, saying why; INBOX_NO_MAPPING names the companion patterns too', async () => {
  await withTempDir('pairs-route-', async (dir) => {
    const { inbox, pairs, shop } = await routedInbox(dir);
    const candidates = await mappingCandidates(inbox);
    const lines = chooseMapping(inbox.id, candidates, 'FS_9_POZ.csv');
    assert.equal(lines.chosen, pairs);
    assert.match((lines as { why: string }).why, /^mapping 2 of 2 of inbox "two-files" reads pairs of files \(input\.companion\), and "FS_9_POZ\.csv" has the name of a companion file \("\{stem\}_poz\.csv"\): it is read with its header file/);
    const none = chooseMapping(inbox.id, candidates, 'notes.txt');
    assert.equal(none.chosen, undefined);
    assert.match(none.problem!.message, new RegExp(`${shop.replace(/[.\\]/g, '\\$&')} takes "\\*\\.json"; ${pairs.replace(/[.\\]/g, '\\$&')} takes "\\*_nag\\.csv" with their companion files "\\{stem\\}_poz\\.csv"\\.`));
  });
});

test('INBOX_COMPANION_* name the mapping whose pair rule made the file wait (an inbox may have several mappings)', async () => {
  await withTempDir('pairs-route-', async (dir) => {
    const rule = companionRuleOf({ ...COMPANION, waitSeconds: 60 })!;
    await writeFile(join(dir, 'FS_31_poz.csv'), 'L\n');
    await writeFile(join(dir, 'FS_32_nag.csv'), 'H\n');
    const alone = await pairOf(join(dir, 'FS_31_poz.csv'), 'FS_31_poz.csv', rule, undefined, '/cfg/two-files.json');
    assert.ok(alone instanceof AgentError);
    assert.equal(alone.code, 'INBOX_COMPANION_ALONE');
    assert.match(alone.message, /^FS_31_poz\.csv is the second file of a pair \(input\.companion\.files "\{stem\}_poz\.csv" of mapping \/cfg\/two-files\.json\)/);
    assert.equal(alone.where.mapping, '/cfg/two-files.json#/input/companion');
    const missing = await pairOf(join(dir, 'FS_32_nag.csv'), 'FS_32_nag.csv', rule, undefined, '/cfg/two-files.json');
    assert.ok(missing instanceof AgentError);
    assert.equal(missing.code, 'INBOX_COMPANION_MISSING');
    assert.match(missing.message, /^its companion file FS_32_poz\.csv did not come within 1 minute \(input\.companion\.waitSeconds of mapping \/cfg\/two-files\.json\)/);
    assert.equal(missing.where.mapping, '/cfg/two-files.json#/input/companion');
  });
});

test('two pair mappings whose lines files share a name pattern: each header file takes its own lines file, under its own mapping', async () => {
  await withTempDir('pairs-route-', async (dir) => {
    let t = 1_000_000;
    const folder = join(dir, 'inbox');
    await mkdir(folder);
    const m = JSON.parse(await readFile(join(REPO, 'mappings', 'two-files-csv.json'), 'utf8'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(a, JSON.stringify(m));
    await writeFile(b, JSON.stringify({ ...m, applies: { files: '*_hdr.csv' }, input: { ...m.input, companion: { ...m.input.companion, stem: '^(.*)_hdr\\.csv$' } } }));
    const inbox = { id: 'two-files', folder, mapping: a, mappings: [a, b] };
    const workDir = join(dir, 'work');
    const w = new InboxWatcher({
      companyId: 'acme', inboxId: inbox.id, folder, workDir, mapping: a, bus: new EventBus(), now: () => t, policy,
      chooseMappingVersion: mappingVersionChooser(workDir, inbox), pairRules: () => inboxPairRules(inbox),
    });
    await writeFile(join(folder, 'X_hdr.csv'), 'H\n');
    await writeFile(join(folder, 'X_poz.csv'), 'L\n');
    await w.scanOnce();
    t += 1000;
    const got = await w.scanOnce();
    assert.deepEqual(got.map((f) => f.sourceName), ['X_hdr.csv']);
    assert.equal(got[0]!.sha256, sha(`pair\n${sha('H\n')}\n${sha('L\n')}\n`), 'claimed with its lines file');
    assert.equal(basename(dirname(got[0]!.path)), sha(await readFile(b, 'utf8')));
    assert.deepEqual(await readdir(folder), []);
  });
});
