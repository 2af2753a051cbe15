import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

/** The folder of the work area holding every mapping version a claimed file still needs. */
export const mappingsDir = (workDir: string): string => join(workDir, 'mappings');

/** Where the mapping version with this sha256 is kept. */
export const mappingSnapshotPath = (workDir: string, sha256: string): string => join(mappingsDir(workDir), `${sha256}.json`);

/** What a claim says about the mapping: the sha256 of its bytes, or `none` when it could not be read then. */
export const NO_MAPPING = 'none';

/** What a claim says when none of the inbox's mappings applies to the file's name (it goes to errors with INBOX_NO_MAPPING). */
export const NO_MAPPING_APPLIES = 'unmatched';

/**
 * Keeps the bytes of the mapping file as they are now, content-addressed (`<sha256>.json`), and
 * returns the hash. Written (durably) before the claim that names it, so a file claimed with this
 * version is mapped with exactly these bytes, whatever happens to the mapping file afterwards. A
 * mapping file that cannot be read gives NO_MAPPING (the file then goes to errors saying so).
 */
export async function snapshotMapping(workDir: string, mappingPath: string): Promise<string> {
  let text: Buffer;
  try {
    text = await readFile(mappingPath);
  } catch {
    return NO_MAPPING;
  }
  const sha = createHash('sha256').update(text).digest('hex');
  const path = mappingSnapshotPath(workDir, sha);
  if (!(await stat(path).then((s) => s.size === text.length, () => false))) await writeFileAtomic(path, text);
  return sha;
}
