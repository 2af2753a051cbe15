import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The temp name writeFileAtomic uses: `.<final name>.<8 hex>.tmp`. */
const TEMP = /^\..+\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temp files an interrupted writeFileAtomic left behind (a crash or power cut between
 * its write and its rename; with concurrent outbox writes there can be several). Called on
 * start, before any write, so none of them can be in use. Missing folders are fine. Returns the
 * paths removed.
 */
export async function sweepTempFiles(dirs: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter((x) => TEMP.test(x))) {
      await unlink(join(dir, n)).then(() => removed.push(join(dir, n)), () => undefined);
    }
  }
  return removed;
}
