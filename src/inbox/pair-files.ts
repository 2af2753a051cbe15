import type { CompanionRule, PairRules } from './companion-rule.ts';
import { companionNameFor, isCompanionName } from './companion-rule.ts';
import type { Candidate } from './scan-inbox.ts';

/** One claim to make: a file alone, or a primary with its companion. */
export interface PlannedClaim {
  readonly candidate: Candidate;
  readonly companion?: Candidate;
}

/**
 * Which ready files of an inbox whose mappings read pairs (input.companion) are claimed now. Each
 * file is under the rule of the mapping chosen for its name (`rules.ruleFor`; none: it is claimed
 * alone). A primary is claimed with its companion when both passed the stability gate in the same
 * scan; a companion is never claimed on its own while its primary is in the inbox. The companion
 * goes with its primary whatever mapping its own name would choose (two pair mappings may share a
 * lines-file pattern); the name decides only for a file whose primary is not there. A file whose other half is not there waits its rule's `waitMs` (measured from
 * the first scan that found it ready and alone), then is claimed alone: the intake refuses it
 * with INBOX_COMPANION_MISSING or INBOX_COMPANION_ALONE, so it is reported once, in errors/ with
 * its report, and never lost.
 */
export class PairPlanner {
  /** files ready and waiting for their other half: since when, and for how long at most */
  readonly #waiting = new Map<string, { since: number; waitMs: number }>();

  /** The claims to make among `ready` (all `listed` files are the inbox as the scan saw it). */
  plan(rules: PairRules, listed: readonly Candidate[], ready: readonly Candidate[], now: number): PlannedClaim[] {
    const present = new Set(listed.map((c) => c.path));
    for (const p of this.#waiting.keys()) if (!present.has(p)) this.#waiting.delete(p);
    if (rules.all.length === 0) {
      this.#waiting.clear();
      return ready.map((candidate) => ({ candidate }));
    }
    const ruleOf = new Map<string, CompanionRule | undefined>(listed.map((c) => [c.path, rules.ruleFor(c.name)]));
    const readyPaths = new Set(ready.map((c) => c.path));
    const byName = new Map(listed.map((c) => [c.name.toLowerCase(), c]));
    // companions (by name) whose primary is in the inbox
    const withPrimary = new Set<string>();
    for (const c of listed) {
      const rule = ruleOf.get(c.path);
      const n = !rule || isCompanionName(rule, c.name) ? undefined : companionNameFor(rule, c.name);
      if (n !== undefined) withPrimary.add(n.toLowerCase());
    }
    const out: PlannedClaim[] = [];
    const waitOrAlone = (c: Candidate, rule: CompanionRule): void => {
      const since = this.#waiting.get(c.path)?.since ?? now;
      if (now - since >= rule.waitMs) {
        this.#waiting.delete(c.path);
        out.push({ candidate: c });
      } else this.#waiting.set(c.path, { since, waitMs: rule.waitMs });
    };
    for (const c of ready) {
      const rule = ruleOf.get(c.path);
      // taken with its primary, once that one is complete too
      if (withPrimary.has(c.name.toLowerCase())) {
        this.#waiting.delete(c.path);
        continue;
      }
      if (!rule) {
        this.#waiting.delete(c.path);
        out.push({ candidate: c });
        continue;
      }
      if (isCompanionName(rule, c.name)) {
        waitOrAlone(c, rule);
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
      } else waitOrAlone(c, rule);
    }
    return out;
  }

  /** Milliseconds until the first waiting file's wait ends (undefined when none waits). */
  nextDueInMs(now: number): number | undefined {
    let best: number | undefined;
    for (const { since, waitMs } of this.#waiting.values()) {
      const due = Math.max(0, since + waitMs - now);
      if (best === undefined || due < best) best = due;
    }
    return best;
  }
}
