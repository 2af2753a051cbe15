import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsyncs a directory so a rename in it survives power loss (not possible on Windows: skipped). */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export interface WriteFileAtomicOptions {
  /** create the folder when missing (default true); false makes a vanished folder an ENOENT error */
  readonly createDir?: boolean;
  /**
   * fsync the folder after the rename (default true). Writers of many files into one folder pass
   * false and call fsyncDir once for the folder before they rely on the files being durable.
   */
  readonly syncDir?: boolean;
}

/**
 * Writes a file so no reader ever sees it half-written: a hidden temp file in the same folder,
 * fsync, rename over the final name, fsync the folder. The temp name starts with `.` and ends in
 * `.tmp`, which the agent's own inboxes and most ERPs ignore; it is removed when a step fails.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const dir = dirname(path);
  if (options.createDir !== false) await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const h = await open(tmp, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } catch (e) {
    await h.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await h.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  if (options.syncDir !== false) await fsyncDir(dir);
}
