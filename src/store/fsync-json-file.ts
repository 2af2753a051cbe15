import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

/**
 * A lowdb adapter that makes each write durable (writeFileAtomic: temp file, fsync, rename, fsync
 * the folder). Writes are serialised in call order, so the last call wins, and each snapshots the
 * data when called. (lowdb's own TextFile adapter does not fsync.)
 */
export class FsyncJsonFile<T> implements Adapter<T> {
  readonly #path: string;
  #chain: Promise<void> = Promise.resolve();
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
    // a vanished store folder stays an error rather than being silently recreated
    await writeFileAtomic(this.#path, text, { createDir: false });
    this.lastWriteBytes = Buffer.byteLength(text);
  }
}
