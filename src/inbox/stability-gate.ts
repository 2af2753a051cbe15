import type { Candidate } from './scan-inbox.ts';

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

/**
 * The read lock "changed": a candidate is ready only when its size AND mtime have not changed for
 * `windowMs` of the injected clock, measured across successive scans. (chokidar's
 * awaitWriteFinish compares size only, which a pre-allocating SMB copy passes at 1 %.)
 */
export class StabilityGate {
  readonly #seen = new Map<string, Seen>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(opts: { windowMs: number; now?: () => number }) {
    this.#windowMs = opts.windowMs;
    this.#now = opts.now ?? Date.now;
  }

  /** Records one scan's view; returns the candidates that have been stable for the window. */
  observe(candidates: readonly Candidate[]): Candidate[] {
    const now = this.#now();
    const present = new Set<string>();
    const ready: Candidate[] = [];
    for (const c of candidates) {
      present.add(c.path);
      const prev = this.#seen.get(c.path);
      if (!prev || prev.size !== c.size || prev.mtimeMs !== c.mtimeMs) {
        this.#seen.set(c.path, { size: c.size, mtimeMs: c.mtimeMs, since: now });
        if (this.#windowMs > 0) continue;
      }
      const since = this.#seen.get(c.path)!.since;
      if (now - since >= this.#windowMs) ready.push(c);
    }
    for (const path of this.#seen.keys()) if (!present.has(path)) this.#seen.delete(path);
    return ready;
  }

  /** Milliseconds until the earliest tracked candidate (except those `skip` names) could become ready; undefined when none is waiting. */
  nextReadyInMs(skip?: (path: string) => boolean): number | undefined {
    const now = this.#now();
    let best: number | undefined;
    for (const [path, s] of this.#seen) {
      if (skip?.(path)) continue;
      const wait = Math.max(0, s.since + this.#windowMs - now);
      if (best === undefined || wait < best) best = wait;
    }
    return best;
  }

  /** Forgets a path (claimed or gone). */
  forget(path: string): void {
    this.#seen.delete(path);
  }
}
