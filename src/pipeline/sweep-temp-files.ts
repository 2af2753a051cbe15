import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName } from '../core/write-file-atomic.ts';


/**
 * Removes temp files an interrupted writeFileAtomic left behind (a crash or power cut between
 * its write and its rename; with concurrent outbox writes there can be several), in the given
 * folders and every folder below them: the agent writes atomically in many places (results, UPO,
 * sent, errors, purchases, the archive, the work area's XML, mapping versions and claim
 * sidecars), so the whole of its own trees is swept rather than a list that drifts. Called on
 * start, before any write, so none of them can be in use. Missing folders are fine. Returns the
 * paths removed.
 */
export async function sweepTempFiles(dirs: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of dirs) {
    const found = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of found) {
      if (!e.isFile() || !isTempName(e.name)) continue;
      const path = join(e.parentPath, e.name);
      await unlink(path).then(() => removed.push(path), () => undefined);
    }
  }
  return removed;
}
