import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moveNoOverwrite } from './move-no-overwrite.ts';
import { safeFileName } from './safe-file-name.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

/** Writes `upo/<ksef-number>.xml` byte-exact as KSeF gave it; returns the file name. */
export async function writeUpo(outboxDir: string, ksefNumber: string, upo: string | Uint8Array): Promise<string> {
  const name = `${safeFileName(ksefNumber)}.xml`;
  await writeFileAtomic(join(outboxDir, 'upo', name), upo);
  return name;
}

const sentName = (ksefNumber: string): string => `${safeFileName(ksefNumber)}.xml`;

/** Writes `sent/<ksef-number>.xml`: the exact FA XML that was sent; returns the file name. */
export async function writeSentXml(outboxDir: string, ksefNumber: string, xml: string | Uint8Array): Promise<string> {
  const name = sentName(ksefNumber);
  await writeFileAtomic(join(outboxDir, 'sent', name), xml);
  return name;
}

/** Reads back what writeSentXml wrote (rejects when it is not there). */
export function readSentXml(outboxDir: string, ksefNumber: string): Promise<Buffer> {
  return readFile(join(outboxDir, 'sent', sentName(ksefNumber)));
}

/** Local calendar day (yyyy-mm-dd). */
function day(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Moves a processed source into `archive/<yyyy-mm-dd>/<source name>`, never overwriting (a
 * second `export.csv` the same day becomes `export (2).csv`). Returns the archived path.
 */
export async function archiveSource(archiveDir: string, srcPath: string, sourceName: string, at: Date = new Date()): Promise<string> {
  return moveNoOverwrite(srcPath, join(archiveDir, day(at)), sourceName);
}
