import { copyFile, constants, link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedName, safeFileName } from './safe-file-name.ts';
import { fsyncDir, retryWhileBusy, tempPathFor } from '../core/write-file-atomic.ts';
import type { BusyRetryOptions } from '../core/write-file-atomic.ts';

export interface MoveOptions extends BusyRetryOptions {
  /** injectable removal of the source (tests simulate a source held open by another program) */
  readonly unlink?: (path: string) => Promise<void>;
  /** injectable hard link and copy (tests simulate a share without hard links, a copy cut short) */
  readonly link?: (from: string, to: string) => Promise<void>;
  readonly copyFile?: (from: string, to: string, mode: number) => Promise<void>;
  readonly rename?: (from: string, to: string) => Promise<void>;
}

const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Copies `src` to `dest` through a temp file (fsync, then rename), so a crash mid-copy leaves only
 * a temp file the start-up sweep removes, never a half file under the final name. False when
 * `dest` is taken.
 */
async function copyInto(src: string, dest: string, o: MoveOptions): Promise<boolean> {
  if (await stat(dest).then(() => true, () => false)) return false;
  const tmp = tempPathFor(dest);
  try {
    await (o.copyFile ?? copyFile)(src, tmp, constants.COPYFILE_EXCL);
    const h = await open(tmp, 'r+');
    await h.sync().finally(() => h.close());
    // the agent is the only writer of its outbox (one process per state root), so nothing takes
    // `dest` between the check above and this rename
    await rename(tmp, dest);
    return true;
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Moves `src` into `dir` under `name` (made safe), never replacing anything: when the name is
 * taken, `name (2).ext`, `name (3).ext` … Uses link + unlink (link fails atomically when the
 * name exists); where hard links are unavailable (some shares, protected_hardlinks), a rename after checking
 * the name is free (the agent is the only writer of its outbox); across volumes a copy through a
 * temp file + fsync + rename, then unlink. A retry after a crash between link and unlink finds the same file
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
      await (o.link ?? link)(src, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!NO_LINK.has(code)) throw e;
      // no hard link (a share, protected_hardlinks for a file we may not read): a rename on the
      // same volume moves even an unreadable file; only across volumes is the file copied
      if (await stat(dest).then(() => true, () => false)) continue;
      try {
        await (o.rename ?? rename)(src, dest);
        await fsyncDir(dir);
        return dest;
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'EXDEV') throw e2;
      }
      if (!(await copyInto(src, dest, o))) continue;
    }
    await fsyncDir(dir);
    await removeSource();
    return dest;
  }
}
