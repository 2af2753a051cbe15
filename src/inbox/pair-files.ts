import type { CompanionRule } from './companion-rule.ts';
import { companionNameFor, isCompanionName } from './companion-rule.ts';
import type { Candidate } from './scan-inbox.ts';

/** One claim to make: a file alone, or a primary with its companion. */
export interface PlannedClaim {
  readonly candidate: Candidate;
  readonly companion?: Candidate;
}

/**
 * Which ready files of an inbox whose mapping reads pairs (input.companion) are claimed now. A
 * primary is claimed with its companion when both passed the stability gate in the same scan; a
 * companion is never claimed on its own while its primary is in the inbox. A file whose other
 * half is not there waits `rule.waitMs` (measured from the first scan that found it ready and
 * alone), then is claimed alone: the intake refuses it with INBOX_COMPANION_MISSING or
 * INBOX_COMPANION_ALONE, so it is reported once, in errors/ with its report, and never lost.
 */
export class PairPlanner {
  /** files ready and waiting for their other half: since when */
  readonly #waiting = new Map<string, number>();

  /** The claims to make among `ready` (all `listed` files are the inbox as the scan saw it). */
  plan(rule: CompanionRule | undefined, listed: readonly Candidate[], ready: readonly Candidate[], now: number): PlannedClaim[] {
    const present = new Set(listed.map((c) => c.path));
    for (const p of this.#waiting.keys()) if (!present.has(p)) this.#waiting.delete(p);
    if (!rule) {
      this.#waiting.clear();
      return ready.map((candidate) => ({ candidate }));
    }
    const readyPaths = new Set(ready.map((c) => c.path));
    const byName = new Map(listed.map((c) => [c.name.toLowerCase(), c]));
    const withPrimary = new Set<string>();
    for (const c of listed) {
      const n = isCompanionName(rule, c.name) ? undefined : companionNameFor(rule, c.name);
      if (n !== undefined) withPrimary.add(n.toLowerCase());
    }
    const out: PlannedClaim[] = [];
    const waitOrAlone = (c: Candidate): void => {
      const since = this.#waiting.get(c.path) ?? now;
      if (now - since >= rule.waitMs) {
        this.#waiting.delete(c.path);
        out.push({ candidate: c });
      } else this.#waiting.set(c.path, since);
    };
    for (const c of ready) {
      if (isCompanionName(rule, c.name)) {
        // taken with its primary, once that one is complete too
        if (withPrimary.has(c.name.toLowerCase())) this.#waiting.delete(c.path);
        else waitOrAlone(c);
        continue;
      }
      const name = companionNameFor(rule, c.name);
      // a name that is neither a primary nor a companion is taken (and refused at intake, saying why)
      if (name === undefined) {
        out.push({ candidate: c });
        continue;
      }
      const companion = byName.get(name.toLowerCase());
      if (companion && readyPaths.has(companion.path)) {
        this.#waiting.delete(c.path);
        this.#waiting.delete(companion.path);
        out.push({ candidate: c, companion });
      } else if (companion) {
        // the companion is still being written: no timeout while it grows
        this.#waiting.delete(c.path);
      } else waitOrAlone(c);
    }
    return out;
  }

  /** Milliseconds until the first waiting file's wait ends (undefined when none waits). */
  nextDueInMs(rule: CompanionRule | undefined, now: number): number | undefined {
    if (!rule) return undefined;
    let best: number | undefined;
    for (const since of this.#waiting.values()) {
      const due = Math.max(0, since + rule.waitMs - now);
      if (best === undefined || due < best) best = due;
    }
    return best;
  }
}
