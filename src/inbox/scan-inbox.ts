import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
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

/** An entry of an inbox that is not a regular file, so it is never taken (and is reported). */
export interface RefusedEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'symlink' | 'dangling symlink' | 'directory' | 'named pipe' | 'socket' | 'device' | 'unknown';
}

function kindOf(s: Stats): RefusedEntry['kind'] {
  if (s.isDirectory()) return 'directory';
  if (s.isFIFO()) return 'named pipe';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'device';
  return 'unknown';
}

/**
 * Lists one inbox folder (no recursion): the source of truth for what is waiting, whatever the
 * file-system events said. Ignored and hidden names, done markers and (with the done-marker
 * convention) files without their marker are left out silently: that is configuration. Entries
 * of this inbox that are not regular files — symbolic links (never followed, see
 * docs/folders.md), folders, named pipes, sockets, devices — are returned as `refused`. Candidates
 * oldest first (mtime, then name). A missing or unreadable folder throws the fs error (the caller
 * backs off).
 */
export async function scanInboxFolder(folder: string, policy: ScanPolicy): Promise<{ candidates: Candidate[]; refused: RefusedEntry[] }> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const marker = policy.doneMarker === 'none' ? undefined : policy.doneMarker;
  const out: Candidate[] = [];
  const refused: RefusedEntry[] = [];
  for (const e of entries) {
    const name = e.name;
    if (isIgnoredName(name, policy.ignore)) continue;
    if (marker && name.toLowerCase().endsWith(marker.toLowerCase())) continue;
    if (policy.files !== undefined && !matchesGlob(name, policy.files)) continue;
    const path = join(folder, name);
    let s: Stats;
    try {
      // lstat: a link is judged as a link, never by what it points to
      s = await lstat(path);
    } catch (err) {
      // gone between readdir and lstat: someone took it, or the writer renamed it
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (s.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      refused.push({ name, path, kind: target ? 'symlink' : 'dangling symlink' });
      continue;
    }
    if (!s.isFile()) {
      refused.push({ name, path, kind: kindOf(s) });
      continue;
    }
    if (marker && !names.has(name + marker)) continue;
    out.push({ name, path, size: s.size, mtimeMs: s.mtimeMs, ...(marker ? { markerPath: path + marker } : {}) });
  }
  out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { candidates: out, refused };
}
