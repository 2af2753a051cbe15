import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { boundedPool, firstFailure } from '../../core/bounded-pool.ts';
import { fsyncDir, writeFileAtomic } from '../../core/write-file-atomic.ts';

export interface PendingFile {
  readonly path: string;
  readonly data: string | Uint8Array;
}

function writeOne(f: PendingFile): Promise<void> {
  // the folders exist already and are synced once by the caller
  return writeFileAtomic(f.path, f.data, { createDir: false, syncDir: false });
}

/**
 * Atomic writes (hidden temp file, fsync, rename) of many files at once, then one fsync per
 * folder. The same guarantees as writeFileAtomic once it resolves, but a package of thousands of
 * invoices costs about 1 ms per file instead of 10 (measured): the fsyncs run concurrently and the
 * folder is synced once. Callers commit their cursor only after this resolves.
 */
export async function writeFilesDurably(files: readonly PendingFile[], concurrency = 16): Promise<void> {
  const dirs = new Set(files.map((f) => dirname(f.path)));
  for (const d of dirs) await mkdir(d, { recursive: true });
  // the first failure stops further writes; the ones already started finish before it is thrown
  const failed = firstFailure(await boundedPool(files, concurrency, writeOne, { stopAfter: () => true }));
  if (failed !== undefined) throw failed;
  for (const d of dirs) await fsyncDir(d);
}
