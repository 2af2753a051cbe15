import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isIgnoredName, matchesGlob } from './name-filter.ts';

/** What a scan needs from the watcher policy and the inbox configuration. */
export interface ScanPolicy {
  /** extra ignore globs */
  readonly ignore: readonly string[];
  /** 'none' or a suffix such as '.done': a file is a candidate only once `<name><suffix>` exists */
  readonly doneMarker: string;
  /** glob of file names this inbox takes; all when undefined */
  readonly files?: string;
}

/** A file seen in an inbox: not yet known to be complete. */
export interface Candidate {
  readonly name: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** path of its done marker, when the done-marker convention is on */
  readonly markerPath?: string;
}

/**
 * Lists the candidate files of one inbox folder (no recursion): the source of truth for what is
 * waiting, whatever the file-system events said. Ignored and hidden names, non-files, done markers
 * and (with the done-marker convention) files without their marker are left out. Oldest first
 * (mtime, then name). A missing or unreadable folder throws the fs error (the caller backs off).
 */
export async function scanInbox(folder: string, policy: ScanPolicy): Promise<Candidate[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const marker = policy.doneMarker === 'none' ? undefined : policy.doneMarker;
  const out: Candidate[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue;
    const name = e.name;
    if (isIgnoredName(name, policy.ignore)) continue;
    if (marker) {
      if (name.toLowerCase().endsWith(marker.toLowerCase())) continue;
      if (!names.has(name + marker)) continue;
    }
    if (policy.files !== undefined && !matchesGlob(name, policy.files)) continue;
    const path = join(folder, name);
    try {
      const s = await stat(path);
      if (!s.isFile()) continue;
      out.push({ name, path, size: s.size, mtimeMs: s.mtimeMs, ...(marker ? { markerPath: path + marker } : {}) });
    } catch (err) {
      // gone between readdir and stat: someone took it, or the writer renamed it
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
