import { stat } from 'node:fs/promises';
import type { CompiledMapping } from './compiled-mapping.ts';
import { loadMapping } from './load-mapping.ts';

interface Entry {
  /** what identifies the version of the file on disk: mtime, ctime, size, inode */
  readonly version: string;
  readonly loaded: Promise<CompiledMapping>;
}

/**
 * Compiled mappings kept per mapping path and reused while the file stays the same (same
 * modification and change time, size and inode: an edit, a copy over it or a rename onto it all
 * change one of them). A long-running agent thus compiles each mapping once, and again only after
 * an admin edits it. A mapping with problems is remembered the same way (its MappingInvalidError
 * is thrown again until the file changes); a file that cannot be stat'ed is not cached, and
 * loadMapping reports why.
 */
export class MappingCache {
  readonly #entries = new Map<string, Entry>();
  /** how many times a mapping was actually read and compiled (for tests and metrics) */
  compiled = 0;

  /**
   * The compiled mapping at `path`, loaded again only when the file changed since last time.
   * `displayName`: what its errors call the mapping (loadMapping), e.g. the configured file when
   * `path` is the kept copy of one of its versions; compiled mappings are kept per path and name.
   */
  async get(path: string, displayName = path): Promise<CompiledMapping> {
    const key = displayName === path ? path : `${path}\u0000${displayName}`;
    let version: string;
    try {
      const s = await stat(path, { bigint: true });
      version = `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
    } catch {
      this.#entries.delete(key);
      this.compiled++;
      return loadMapping(path, displayName);
    }
    const hit = this.#entries.get(key);
    if (hit && hit.version === version) return hit.loaded;
    this.compiled++;
    const loaded = loadMapping(path, displayName);
    // a rejection is kept for the callers of this version; nobody has to await it
    loaded.catch(() => undefined);
    this.#entries.set(key, { version, loaded });
    return loaded;
  }

  /** Forgets every compiled mapping. */
  clear(): void {
    this.#entries.clear();
  }
}
