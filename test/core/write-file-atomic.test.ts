import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/write-file-atomic.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('atomic-', fn);

test('atomic writes never show a partial file to a concurrent reader', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'results', 'big.result.json');
    const a = 'A'.repeat(1_000_000);
    const b = 'B'.repeat(1_500_000);
    await writeFileAtomic(path, a);
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(path, 'utf8');
        assert.ok(text === a || text === b, `partial read of ${text.length} characters`);
        reads++;
      }
    })();
    for (let k = 0; k < 20; k++) await writeFileAtomic(path, k % 2 ? a : b);
    stop = true;
    await reader;
    assert.ok(reads > 0);
    assert.deepEqual(await readdir(join(dir, 'results')), ['big.result.json']);
  });
});

test('a failed rename leaves the target as it was and no temp file behind', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'taken'));
    await mkdir(join(dir, 'taken', 'inside'));
    await assert.rejects(writeFileAtomic(join(dir, 'taken'), 'x'), (e: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(e.code ?? ''));
    assert.deepEqual(await readdir(dir), ['taken']);
    assert.deepEqual(await readdir(join(dir, 'taken')), ['inside']);
  });
});

test('bytes are written as given (BOM, binary) and a second write replaces the first', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'a', 'b', 'f.bin');
    await writeFileAtomic(path, new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0xff]));
    assert.deepEqual([...(await readFile(path))], [0xef, 0xbb, 0xbf, 0x00, 0xff]);
    await writeFileAtomic(path, 'zażółć');
    assert.equal(await readFile(path, 'utf8'), 'zażółć');
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['f.bin']);
  });
});
