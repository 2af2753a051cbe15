import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

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

/**
 * A lowdb adapter that makes each write durable: JSON to a temp file in the same folder, fsync,
 * rename over the target, fsync the folder. Writes are serialised in call order and each
 * snapshots the data when called. (lowdb's own TextFile adapter does not fsync.)
 */
export class FsyncJsonFile<T> implements Adapter<T> {
  readonly #path: string;
  #chain: Promise<void> = Promise.resolve();
  #n = 0;
  /** bytes of the last write, for tests and metrics */
  lastWriteBytes = 0;

  constructor(path: string) {
    this.#path = path;
  }

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    const run = this.#chain.then(() => this.#write(text));
    this.#chain = run.catch(() => {});
    return run;
  }

  async #write(text: string): Promise<void> {
    const dir = dirname(this.#path);
    const tmp = join(dir, `.${basename(this.#path)}.${process.pid}.${this.#n++}.tmp`);
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(text);
      await h.sync();
    } finally {
      await h.close();
    }
    try {
      await rename(tmp, this.#path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
    await fsyncDir(dir);
    this.lastWriteBytes = Buffer.byteLength(text);
  }
}
