import { copyFile, constants, link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { numberedName, safeFileName } from './safe-file-name.ts';
import { fsyncDir } from '../core/write-file-atomic.ts';

const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Moves `src` into `dir` under `name` (made safe), never replacing anything: when the name is
 * taken, `name (2).ext`, `name (3).ext` … Uses link + unlink (link fails atomically when the
 * name exists); where hard links are unavailable (some shares, another volume), an exclusive
 * copy + fsync + unlink. A retry after a crash between link and unlink finds the same file
 * (same inode) already in place and only removes the source. Returns the final path.
 */
export async function moveNoOverwrite(src: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = safeFileName(name);
  const s = await stat(src);
  if (s.nlink > 1) {
    for (const n of await readdir(dir)) {
      const p = join(dir, n);
      const t = await stat(p).catch(() => undefined);
      if (t && t.ino === s.ino && t.dev === s.dev) {
        await unlink(src);
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
    await unlink(src);
    return dest;
  }
}
