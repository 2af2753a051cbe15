import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The KSeF sessions this agent opened, one reference per line (appended and fsynced). A 440
 * duplicate whose original was accepted in one of these sessions is ours: success, not an error.
 */
export class SessionJournal {
  readonly #path: string;
  readonly #refs = new Set<string>();

  constructor(path: string) {
    this.#path = path;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const text = await readFile(this.#path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    for (const line of text.split('\n')) if (line.trim()) this.#refs.add(line.trim());
  }

  has(ref: string | undefined): boolean {
    return ref !== undefined && this.#refs.has(ref);
  }

  add(ref: string): Promise<void> {
    return this.addMany([ref]);
  }

  /** Appends the references not known yet, durably (one write, one fsync), before it resolves. */
  async addMany(refs: readonly string[]): Promise<void> {
    const fresh = [...new Set(refs)].filter((r) => !this.#refs.has(r));
    if (fresh.length === 0) return;
    await appendFile(this.#path, fresh.map((r) => r + '\n').join(''));
    for (const r of fresh) this.#refs.add(r);
    const h = await open(this.#path, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }
}
