// Windows-friendly outputs: replacing a file another program holds open (a result CSV open in
// Excel) is retried with a bounded backoff; the result CSV's bytes follow resultsCsv.encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rename, unlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUSY_RETRY_DELAYS_MS, writeFileAtomic } from '../../src/core/write-file-atomic.ts';
import { moveNoOverwrite } from '../../src/outbox/move-no-overwrite.ts';
import { buildResultFile } from '../../src/outbox/result-file.ts';
import { encodeResultCsv, writeResultCsv } from '../../src/outbox/result-csv.ts';
import { isAgentError } from '../../src/core/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { sweepTempFiles } from '../../src/pipeline/sweep-temp-files.ts';

const busy = (code: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: operation not permitted, rename '${path}'`), { code });

/** A rename that fails with `code` the first `times` calls (the file is "open in Excel"), then works. */
function heldRename(code: string, times: number): { rename: (a: string, b: string) => Promise<void>; calls: () => number } {
  let calls = 0;
  return {
    rename: async (a, b) => {
      calls++;
      if (calls <= times) throw busy(code, b);
      await rename(a, b);
    },
    calls: () => calls,
  };
}

test('an atomic write whose rename is refused with EPERM/EBUSY a few times is retried with growing waits and lands', async () => {
  await withTempDir('win-', async (dir) => {
    const path = join(dir, 'results', 'f.csv.result.csv');
    await writeFileAtomic(path, 'old');
    for (const code of ['EPERM', 'EBUSY']) {
      const waits: number[] = [];
      const held = heldRename(code, 3);
      await writeFileAtomic(path, `new after ${code}`, { rename: held.rename, sleep: async (ms) => void waits.push(ms), platform: 'win32' });
      assert.equal(await readFile(path, 'utf8'), `new after ${code}`);
      assert.deepEqual(waits, [50, 100, 200]);
      assert.equal(held.calls(), 4);
    }
    assert.deepEqual(await readdir(join(dir, 'results')), ['f.csv.result.csv'], 'no temp file left');
  });
});

test('a file held open for good: bounded retries, then OUTBOX_FILE_BUSY naming the file; the old content stays, no temp file', async () => {
  await withTempDir('win-', async (dir) => {
    const path = join(dir, 'results', 'f.csv.result.csv');
    await writeFileAtomic(path, 'old');
    const waits: number[] = [];
    const held = heldRename('EPERM', Infinity);
    const err = await writeFileAtomic(path, 'new', { rename: held.rename, sleep: async (ms) => void waits.push(ms), platform: 'win32' }).then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(err), String(err));
    assert.equal(err.code, 'OUTBOX_FILE_BUSY');
    assert.equal(err.kind, 'transient');
    assert.equal(err.where.file, path);
    assert.match(err.message, /could not be replaced or moved \(EPERM\): another program holds it open .*tried 8 times in 6\.4 s, the agent tries again on its next pass/);
    assert.deepEqual(waits, [...BUSY_RETRY_DELAYS_MS]);
    assert.equal(held.calls(), BUSY_RETRY_DELAYS_MS.length + 1);
    assert.equal(await readFile(path, 'utf8'), 'old');
    assert.deepEqual(await readdir(join(dir, 'results')), ['f.csv.result.csv']);
  });
});

test('other rename failures are not waited on', async () => {
  await withTempDir('win-', async (dir) => {
    const waits: number[] = [];
    const err = await writeFileAtomic(join(dir, 'x.json'), 'x', {
      rename: async (_a, b) => { throw Object.assign(new Error(`EXDEV: cross-device link, rename '${b}'`), { code: 'EXDEV' }); },
      sleep: async (ms) => void waits.push(ms),
    }).then(() => undefined, (e: unknown) => e as NodeJS.ErrnoException);
    assert.equal(err?.code, 'EXDEV');
    assert.deepEqual(waits, []);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('on Linux/macOS EPERM and EACCES mean no permission: not waited on, not reported as a busy file', async () => {
  await withTempDir('win-', async (dir) => {
    for (const code of ['EPERM', 'EACCES']) {
      const waits: number[] = [];
      const err = await writeFileAtomic(join(dir, 'x.json'), 'x', {
        rename: heldRename(code, Infinity).rename,
        sleep: async (ms) => void waits.push(ms),
        platform: 'linux',
      }).then(() => undefined, (e: unknown) => e as NodeJS.ErrnoException);
      assert.equal(err?.code, code);
      assert.deepEqual(waits, []);
    }
  });
});

test('moving a source that another program holds open: its removal is retried, the move completes', async () => {
  await withTempDir('win-', async (dir) => {
    const src = join(dir, 'work', 'claimed.csv');
    await mkdir(join(dir, 'work'));
    await writeFile(src, 'a;b\n');
    let calls = 0;
    const waits: number[] = [];
    const dest = await moveNoOverwrite(src, join(dir, 'archive'), 'faktury.csv', {
      unlink: async (p) => {
        if (++calls <= 2) throw busy('EBUSY', p);
        await unlink(p);
      },
      sleep: async (ms) => void waits.push(ms),
    });
    assert.equal(dest, join(dir, 'archive', 'faktury.csv'));
    assert.equal(await readFile(dest, 'utf8'), 'a;b\n');
    assert.deepEqual(await readdir(join(dir, 'work')), []);
    assert.deepEqual(waits, [50, 100]);
  });
});

test('a move across volumes (no link, no rename) that is cut short leaves no half file under the final name, only a temp file the sweep removes', async () => {
  await withTempDir('win-', async (dir) => {
    const src = join(dir, 'work', 'claimed.csv');
    await mkdir(join(dir, 'work'));
    await writeFile(src, 'a;b\n'.repeat(1000));
    const noLink = async (): Promise<void> => { throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' }); };
    const otherVolume = async (): Promise<void> => { throw Object.assign(new Error('EXDEV: cross-device link not permitted, rename'), { code: 'EXDEV' }); };
    // the disk fills (or the process dies) halfway through the copy
    const halfCopy = async (from: string, to: string): Promise<void> => {
      const bytes = await readFile(from);
      await writeFile(to, bytes.subarray(0, bytes.length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), { code: 'ENOSPC' });
    };
    await assert.rejects(moveNoOverwrite(src, join(dir, 'errors'), 'faktury.csv', { link: noLink, rename: otherVolume, copyFile: halfCopy }), /ENOSPC/);
    const left = await readdir(join(dir, 'errors'));
    assert.ok(!left.includes('faktury.csv'), `no half file under the final name: ${left.join(', ')}`);
    assert.equal(await readFile(src, 'utf8'), 'a;b\n'.repeat(1000), 'the source is untouched');
    await sweepTempFiles([dir]);
    assert.deepEqual(await readdir(join(dir, 'errors')), []);
    // the next try, with room again, moves the whole file
    const dest = await moveNoOverwrite(src, join(dir, 'errors'), 'faktury.csv', { link: noLink, rename: otherVolume });
    assert.equal(dest, join(dir, 'errors', 'faktury.csv'));
    assert.equal(await readFile(dest, 'utf8'), 'a;b\n'.repeat(1000));
    assert.deepEqual(await readdir(join(dir, 'work')), []);
  });
});

const RESULT = buildResultFile({
  source: 'faktury.csv', companyId: 'acme', inboxId: 'optima', sha256: 'ab', claimedAt: '2026-11-21T10:00:00Z', updatedAt: '2026-11-21T10:01:00Z',
  invoices: [{ invoiceNumber: 'FV/1', status: 'rejected', errors: [{ code: 'X', message: 'Zażółć gęślą jaźń – błąd' }] }],
});
const CSV = { columns: ['invoiceNumber', 'status', 'errorMessage'] as const, delimiter: ';', header: true };

test('result CSV bytes: UTF-8 with BOM by default, plain UTF-8, or windows-1250 (Polish letters as single bytes)', async () => {
  await withTempDir('win-', async (dir) => {
    const text = 'invoiceNumber;status;errorMessage\r\nFV/1;rejected;Zażółć gęślą jaźń – błąd\r\n';
    const bom = await readFile(await writeResultCsv(dir, RESULT, CSV));
    assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bom.subarray(3).toString('utf8'), text);

    const plain = await readFile(await writeResultCsv(dir, RESULT, { ...CSV, encoding: 'utf-8' }));
    assert.equal(plain[0], 0x69); // 'i', no BOM
    assert.equal(plain.toString('utf8'), text);

    const cp = await readFile(await writeResultCsv(dir, RESULT, { ...CSV, encoding: 'windows-1250' }));
    assert.equal(cp.length, text.length, 'one byte per character');
    const word = cp.subarray(cp.indexOf('Za'), cp.indexOf('Za') + 7);
    // Z a ż ó ł ć: ż=0xBF ó=0xF3 ł=0xB3 ć=0xE6 in windows-1250
    assert.deepEqual([...word], [0x5a, 0x61, 0xbf, 0xf3, 0xb3, 0xe6, 0x20]);
    assert.deepEqual([...cp.subarray(cp.indexOf(' g') + 1, cp.indexOf(' g') + 6)], [0x67, 0xea, 0x9c, 0x6c, 0xb9]); // g ę ś l ą
    assert.equal(cp[cp.indexOf(' b') - 1], 0x96, 'en dash is 0x96');
  });
  assert.equal(encodeResultCsv('x', 'windows-1250').toString('latin1'), 'x');
});
