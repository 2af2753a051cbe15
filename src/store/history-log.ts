import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, truncate } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fsyncDir } from '../core/write-file-atomic.ts';
import type { FileRecord, InvoiceRecord } from './state-store.ts';

/** One finished file with its invoices: a line of a history segment. */
export interface HistoryEntry {
  readonly file: FileRecord;
  readonly invoices: readonly InvoiceRecord[];
}

const SEGMENT = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * Finished work, kept out of the hot path: append-only JSON-lines segments, one per day
 * (`history/yyyy-mm-dd.jsonl`). An append costs the size of what is appended, whatever the
 * history holds; it is fsynced before it resolves. A line torn by a crash is cut off on load.
 */
export class HistoryLog {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Reads every segment, oldest first, and passes each entry on. */
  async load(onEntry: (entry: HistoryEntry) => void): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const segments = (await readdir(this.#dir)).filter((n) => SEGMENT.test(n)).sort();
    for (const name of segments) {
      const path = join(this.#dir, name);
      const text = await readFile(path, 'utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
      for (const line of text.slice(0, end).split('\n')) {
        if (line) onEntry(JSON.parse(line) as HistoryEntry);
      }
    }
  }

  /** Appends entries to the segment of `day` (yyyy-mm-dd) with one write and one fsync. */
  async append(entries: readonly HistoryEntry[], day: string): Promise<void> {
    if (!entries.length) return;
    const path = join(this.#dir, `${day}.jsonl`);
    const h = await open(path, 'a');
    let created = false;
    try {
      created = (await h.stat()).size === 0;
      await h.writeFile(entries.map((e) => JSON.stringify(e) + '\n').join(''));
      await h.sync();
    } finally {
      await h.close();
    }
    if (created) await fsyncDir(this.#dir);
  }

  /**
   * The entry of one finished file, looked for in the segments from `fromDay` (yyyy-mm-dd) on,
   * line by line (a line is parsed only if it names the file): a day's segment can be large.
   */
  async find(fileId: string, fromDay: string): Promise<HistoryEntry | undefined> {
    const needle = JSON.stringify(fileId);
    for (const name of (await this.segments()).filter((n) => n >= `${fromDay}.jsonl`)) {
      const lines = createInterface({ input: createReadStream(join(this.#dir, name), 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line.includes(needle)) continue;
        const e = JSON.parse(line) as HistoryEntry;
        if (e.file.id === fileId) {
          lines.close();
          return e;
        }
      }
    }
    return undefined;
  }

  /** Names of the segment files, oldest first. */
  async segments(): Promise<string[]> {
    return (await readdir(this.#dir)).filter((n) => SEGMENT.test(n)).sort();
  }
}
