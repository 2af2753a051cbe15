// The claim area: where a claim goes, what listing finds (full names from sidecars, old layout),
// and what the start-up tidy-up removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claimFile, claimLayoutOf } from '../../src/inbox/claim-file.ts';
import { listClaimed, sweepClaimArea } from '../../src/inbox/list-claimed.ts';
import { listTree } from '../helpers/agent-env.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

test('a claim records inbox and mapping version in its folder and keeps the mapping bytes; a long name is kept whole', async () => {
  await withTempDir('claim-', async (dir) => {
    const workDir = join(dir, 'work');
    const mapping = join(dir, 'm.json');
    await writeFile(mapping, '{"v":1}');
    const sha = createHash('sha256').update('{"v":1}').digest('hex');
    const long = 'ą'.repeat(120) + '.csv';
    await writeFile(join(dir, long), 'a');
    await writeFile(join(dir, 'short.csv'), 'b');
    const target = { companyId: 'acme', inboxId: 'sales', workDir, mapping };
    const a = await claimFile(join(dir, long), long, target);
    await writeFile(mapping, '{"v":2}'); // edited between two claims
    const b = await claimFile(join(dir, 'short.csv'), 'short.csv', target);
    assert.ok(a.status === 'claimed' && b.status === 'claimed');
    assert.deepEqual(claimLayoutOf(workDir, a.file.path), { inboxId: 'sales', mappingVersion: sha });
    assert.notEqual(claimLayoutOf(workDir, b.file.path)!.mappingVersion, sha);
    assert.equal(await readFile(join(workDir, 'mappings', `${sha}.json`), 'utf8'), '{"v":1}');
    const listed = await listClaimed(workDir);
    assert.deepEqual(listed.map((c) => [c.sourceName, c.inboxId]), [[long, 'sales'], ['short.csv', 'sales']]);
    // old layout: listed without an inbox
    await writeFile(join(workDir, 'claimed', '20200101000000000-aaaaaa__old.csv'), 'c');
    const old = (await listClaimed(workDir)).find((c) => c.sourceName === 'old.csv')!;
    assert.equal(old.inboxId, undefined);
    assert.equal(claimLayoutOf(workDir, old.path), undefined);
  });
});

test('start-up tidy-up: orphan sidecars, empty claim folders and mapping versions no claim names go; the rest stays', async () => {
  await withTempDir('claim-', async (dir) => {
    const workDir = join(dir, 'work');
    const keep = join(workDir, 'claimed', 'sales', 'aaa');
    const empty = join(workDir, 'claimed', 'gone', 'bbb');
    await mkdir(keep, { recursive: true });
    await mkdir(empty, { recursive: true });
    await mkdir(join(workDir, 'mappings'), { recursive: true });
    await writeFile(join(keep, '20260101000000000-aaaaaa__x.csv'), 'x');
    await writeFile(join(keep, '.20260101000000000-aaaaaa__x.csv.source'), 'x-long.csv');
    await writeFile(join(keep, '.20260101000000000-bbbbbb__y.csv.source'), 'orphan');
    await writeFile(join(workDir, 'mappings', 'aaa.json'), '{}');
    await writeFile(join(workDir, 'mappings', 'bbb.json'), '{}');
    await sweepClaimArea(workDir, () => true);
    assert.deepEqual(await listTree(workDir), [
      'claimed/sales/aaa/.20260101000000000-aaaaaa__x.csv.source',
      'claimed/sales/aaa/20260101000000000-aaaaaa__x.csv',
      'mappings/aaa.json',
    ]);
    assert.deepEqual(await readdir(join(workDir, 'claimed')), ['sales']);
    // once the state holds the name, the sidecar goes too
    await sweepClaimArea(workDir, () => false);
    assert.deepEqual(await listTree(join(workDir, 'claimed')), ['sales/aaa/20260101000000000-aaaaaa__x.csv']);
  });
});
