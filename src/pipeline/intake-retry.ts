import { isAgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { ClaimedEntry } from '../inbox/list-claimed.ts';

/** First pause before a claimed file whose intake failed is tried again; doubled up to INTAKE_RETRY_MAX_MS. */
export const INTAKE_RETRY_MS = 5_000;
export const INTAKE_RETRY_MAX_MS = 15 * 60_000;

/**
 * A claimed file the pipeline could not take in (nor move to errors), or the claim folder it could
 * not list at start. It stays claimed in the work area; the trouble lasts until it is taken in.
 */
export interface IntakeTrouble {
  readonly sourceName: string;
  /** the claimed file, or the claim folder when that could not be listed */
  readonly path: string;
  readonly code: string;
  /** `<company>: <what was done>: <why>` */
  readonly message: string;
  /** ISO time of the first failure of this code in a row */
  readonly since: string;
  /** ISO time of the next try */
  readonly until: string;
  /** a passing cause (a share offline): tried again at the next step; otherwise after a pause, and a person is likely needed */
  readonly transient: boolean;
}

/** What waits for its next try: a claimed file, a claimed entry not looked at yet, or the listing of the claim folder. */
export type Parked = { readonly file: InboxFile } | { readonly entry: ClaimedEntry } | { readonly listing: string };

/**
 * The claimed files a pipeline could not take in: why (until each is taken in or moved to errors,
 * never cleared by other work going well) and when each is tried again (growing pauses, no
 * restart needed). A clean send or poll pass says nothing about them.
 */
export class IntakeRetry {
  readonly #trouble = new Map<string, IntakeTrouble & { readonly failures: number }>();
  readonly #parked = new Map<string, Parked>();

  get troubles(): IntakeTrouble[] {
    return [...this.#trouble.values()].map(({ failures: _failures, ...t }) => t);
  }

  /**
   * Records a failure about `path`. With `parked`, that waits out a pause doubling at each failure;
   * without (a transient cause, the file stays queued) it is tried at the next step. True when the
   * failure is new or its code changed: worth one log line, not one per retry.
   */
  failed(path: string, sourceName: string, e: unknown, message: string, now: number, parked?: Parked): boolean {
    const prev = this.#trouble.get(path);
    const code = isAgentError(e) ? e.code : 'PIPELINE_INTERNAL';
    const failures = (prev?.failures ?? 0) + 1;
    const pause = parked ? Math.min(INTAKE_RETRY_MS * 2 ** (failures - 1), INTAKE_RETRY_MAX_MS) : 0;
    this.#trouble.set(path, {
      sourceName, path, code, message, failures,
      transient: isAgentError(e) && e.kind === 'transient',
      since: prev?.code === code ? prev.since : new Date(now).toISOString(),
      until: new Date(now + pause).toISOString(),
    });
    if (parked) this.#parked.set(path, parked);
    return prev?.code !== code;
  }

  /** The file was taken in, moved to errors, or is no longer there: its trouble ends. */
  resolved(path: string): void {
    this.#trouble.delete(path);
    this.#parked.delete(path);
  }

  /** What waits and whose pause is over, taken out of the waiting (its trouble stays until resolved). */
  due(now: number): Parked[] {
    const out: Parked[] = [];
    for (const [path, p] of this.#parked) {
      if (Date.parse(this.#trouble.get(path)?.until ?? '') > now) continue;
      this.#parked.delete(path);
      out.push(p);
    }
    return out;
  }

  isParked(path: string): boolean {
    return this.#parked.has(path);
  }

  /** Waiting after a failure that is not transient: a person likely has to act, `once` does not wait for it. */
  waitsForPerson(path: string): boolean {
    return this.#parked.has(path) && this.#trouble.get(path)?.transient === false;
  }
}
