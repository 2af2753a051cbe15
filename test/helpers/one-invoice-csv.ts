/** A huge one-invoice export for the limits tests, streamed to disk (never held in memory). */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO } from './agent-env.ts';

/**
 * Writes the header of the Optima example and `lines` copies of its first data line (windows-1250
 * bytes, all of invoice FA/231/2026) to `path`; returns the size in bytes.
 */
export async function writeOneInvoiceCsv(path: string, lines: number): Promise<number> {
  const bytes = await readFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'));
  const first = bytes.indexOf(0x0a) + 1;
  const second = bytes.indexOf(0x0a, first) + 1;
  const header = bytes.subarray(0, first);
  const line = bytes.subarray(first, second);
  const out = createWriteStream(path);
  out.write(header);
  const block = Buffer.concat(Array.from({ length: 1000 }, () => line));
  for (let i = 0; i < lines; i += 1000) {
    if (!out.write(i + 1000 <= lines ? block : block.subarray(0, (lines - i) * line.length))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return header.length + lines * line.length;
}
