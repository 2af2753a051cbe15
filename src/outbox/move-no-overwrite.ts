import { copyFile, constants, link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedName, safeFileName } from './safe-file-name.ts';
import { fsyncDir, retryWhileBusy } from '../core/write-file-atomic.ts';
import type { BusyRetryOptions } from '../core/write-file-atomic.ts';

export interface MoveOptions extends BusyRetryOptions {
  /** injectable removal of the source (tests simulate a source held open by another program) */
  readonly unlink?: (path: string) => Promise<void>;
}

const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Moves `src` into `dir` under `name` (made safe), never replacing anything: when the name is
 * taken, `name (2).ext`, `name (3).ext` … Uses link + unlink (link fails atomically when the
 * name exists); where hard links are unavailable (some shares, another volume), an exclusive
 * copy + fsync + unlink. A retry after a crash between link and unlink finds the same file
 * (same inode) already in place and only removes the source. Removing a source another program
 * holds open (EPERM/EBUSY on Windows) is retried with a bounded backoff. Returns the final path.
 */
export async function moveNoOverwrite(src: string, dir: string, name: string, o: MoveOptions = {}): Promise<string> {
  const removeSource = (): Promise<void> => retryWhileBusy(src, () => (o.unlink ?? unlink)(src), o);
  await mkdir(dir, { recursive: true });
  const base = safeFileName(name);
  const s = await stat(src);
  if (s.nlink > 1) {
    for (const n of await readdir(dir)) {
      const p = join(dir, n);
      const t = await stat(p).catch(() => undefined);
      if (t && t.ino === s.ino && t.dev === s.dev) {
        await removeSource();
        return p;
      }
    }
  }
  for (let n = 1; ; n++) {
    const dest = join(dir, numberedName(base, n));
    try {
      await link(src, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!NO_LINK.has(code)) throw e;
      try {
        await copyFile(src, dest, constants.COPYFILE_EXCL);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e2;
      }
      const h = await open(dest, 'r+');
      await h.sync().finally(() => h.close());
    }
    await fsyncDir(dir);
    await removeSource();
    return dest;
  }
}
