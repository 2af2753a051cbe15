import { isAgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import { describeClaimed, sourceNameOf } from '../inbox/claim-file.ts';
import { claimTimeOf } from '../inbox/claim-name.ts';
import { completeClaimedPair } from '../inbox/claimed-companion.ts';
import { forgetSourceSidecar, listClaimed, sweepClaimArea } from '../inbox/list-claimed.ts';
import type { ClaimedEntry } from '../inbox/list-claimed.ts';
import { basename, join } from 'node:path';
import { failClaimedFile } from './fail-claimed-file.ts';
import { INTAKE_GROUP, intakeFiles } from './intake-file.ts';
import type { IntakeItem } from './intake-file.ts';
import { intakeItemOf } from './claimed-inbox.ts';
import { IntakeRetry } from './intake-retry.ts';
import type { IntakeTrouble, Parked } from './intake-retry.ts';
import { pollInFlight } from './poll-in-flight.ts';
import { FileReporter } from './report-file.ts';
import { sendPlanned } from './send-planned.ts';
import { sweepTempFiles } from './sweep-temp-files.ts';
import type { PipelineContext } from './pipeline-context.ts';

/** Longest pause between two tries after KSeF refused a company (see CompanyPipeline.held). */
export const MAX_HOLD_MS = 15 * 60_000;

export interface CompanyHold {
  /** code of the refusal, e.g. KSEF_AUTH_FAILED */
  readonly code: string;
  readonly message: string;
  /** ISO times: first refusal, next try */
  readonly since: string;
  readonly until: string;
  readonly pauseMs: number;
}

/** A problem the pipeline retries by itself (KSeF unreachable, 5xx, a disk error), since when. */
export interface CompanyTrouble {
  readonly code: string;
  readonly message: string;
  /** ISO time of the first failure of this kind in a row */
  readonly since: string;
}

/**
 * The whole life of one company's files after the claim, as repeatable steps: take claimed files
 * in, send what is planned, reconcile and poll what is in flight, bring the outbox up to date.
 * Every step reads its work from the durable state, so the same step run after a crash is the
 * recovery. One company's failure is reported, never thrown into the others.
 */
export class CompanyPipeline {
  readonly ctx: PipelineContext;
  readonly #reporter = new FileReporter();
  readonly #queue: InboxFile[] = [];
  #lastProblem = '';
  #hold: CompanyHold | undefined;
  #trouble: CompanyTrouble | undefined;
  readonly #intake = new IntakeRetry();

  constructor(ctx: PipelineContext) {
    this.ctx = ctx;
  }

  get companyId(): string {
    return this.ctx.company.id;
  }

  /** Queues a freshly claimed file (taken in on the next step). */
  enqueue(file: InboxFile): void {
    // a claim the recovery's listing found already is queued once
    if (this.#queue.some((f) => f.path === file.path) || this.#intake.isParked(file.path)) return;
    this.#queue.push(file);
  }

  /**
   * Start-up: claimed files the state never heard of (a crash right after the claim) are queued
   * again — with the inbox and mapping version their claim folder names, never a guess; files
   * recorded but not taken in are queued too. In-flight invoices are reconciled by the first step.
   * Temp files of writes a crash interrupted are removed from the outbox, the archive and the work
   * area. One file that cannot be looked at is queued to go to errors (or reported), never
   * thrown: the start goes on for everything else.
   */
  async recover(): Promise<void> {
    const { work, outbox, archive } = this.ctx.company.folders;
    await sweepTempFiles([outbox, archive, work]);
    let claimed: ClaimedEntry[];
    const folder = join(work, 'claimed');
    try {
      claimed = await listClaimed(work);
      await sweepClaimArea(work, (name) => this.ctx.store.getFile(name) === undefined);
    } catch (e) {
      // listed again after a pause (#relist), and reported until it can be
      this.#intakeFailed([{ path: folder, sourceName: 'the claimed files', parked: { listing: folder } }], e, `listing the claimed files in ${folder}`);
      return;
    }
    for (const c of claimed) await this.#resume(c);
  }

  /** Queues a claimed entry found in the work area; one that cannot be looked at now is tried again after a pause. */
  async #resume(c: ClaimedEntry): Promise<void> {
    try {
      const file = await this.#recovered(c);
      if (file) this.enqueue(file);
      else this.#intake.resolved(c.path);
    } catch (e) {
      this.#intakeFailed([{ path: c.path, sourceName: c.sourceName, parked: { entry: c } }], e, `resuming the claimed file ${c.path}`);
    }
  }

  /** The claim folder could not be listed at start: now it is, and what nobody queued yet is resumed. */
  async #relist(folder: string): Promise<void> {
    let claimed: ClaimedEntry[];
    try {
      claimed = await listClaimed(this.ctx.company.folders.work);
    } catch (e) {
      this.#intakeFailed([{ path: folder, sourceName: 'the claimed files', parked: { listing: folder } }], e, `listing the claimed files in ${folder}`);
      return;
    }
    this.#intake.resolved(folder);
    for (const c of claimed) {
      if (!this.#queue.some((f) => f.path === c.path) && !this.#intake.isParked(c.path)) await this.#resume(c);
    }
  }

  async #recovered(c: ClaimedEntry): Promise<InboxFile | undefined> {
    const known = this.ctx.store.getFile(c.name);
    if (known && known.state !== 'claimed') return undefined;
    if (known) {
      const { companyId, inboxId, sourceName, path, size, sha256, claimedAt } = known;
      return { companyId, inboxId, sourceName, path, size, sha256, claimedAt };
    }
    const file = { companyId: this.companyId, inboxId: c.inboxId ?? '', sourceName: c.sourceName, path: c.path, claimedAt: claimTimeOf(c.name) };
    // a pair whose claim a crash cut between its two renames takes its companion now
    const inbox = this.ctx.company.inboxes.find((b) => b.id === c.inboxId);
    const pair = inbox ? await completeClaimedPair(c, inbox.folder, this.ctx.doneMarker !== undefined ? { doneMarker: this.ctx.doneMarker } : {}) : undefined;
    if (pair?.status === 'returned') {
      // back in the inbox: the watcher claims the pair again (and reports it if it still fails)
      this.ctx.bus.emit('agent.warning', { message: `${this.companyId}: ${pair.message}`, code: 'INBOX_CLAIM_FAILED', companyId: this.companyId });
      return undefined;
    }
    const described = await describeClaimed(file);
    return pair?.status === 'problem' && !described.problem ? { ...described, problem: pair.problem } : described;
  }

  /**
   * Why this company's KSeF work is paused, if it is: KSeF refused something only a person can fix
   * (the login with this token, the permissions, the FA schema). Files are still taken in and
   * results written; sending and polling wait until `until`, then try again.
   */
  get held(): CompanyHold | undefined {
    return this.#hold;
  }

  /**
   * Claimed files this company could not take in (nor move to errors), each until it is: they
   * stay claimed and are tried again after growing pauses (for /health, status and once).
   */
  get intakeTrouble(): readonly IntakeTrouble[] {
    return this.#intake.troubles;
  }

  /**
   * A failure to take files in: it lasts until those files are taken in (a clean send or poll
   * pass does not end it). `parked` files wait out a growing pause; the others (a transient cause)
   * stay queued for the next step. One log line when it starts or its code changes.
   */
  #intakeFailed(items: readonly { path: string; sourceName: string; parked?: Parked }[], e: unknown, what: string): void {
    const now = this.ctx.now().getTime();
    const message = `${this.companyId}: ${what}: ${e instanceof Error ? e.message : String(e)}`;
    let fresh = false;
    for (const it of items) fresh = this.#intake.failed(it.path, it.sourceName, e, message, now, it.parked) || fresh;
    if (!fresh) return;
    const code = isAgentError(e) ? e.code : 'PIPELINE_INTERNAL';
    const next = this.#intake.troubles.find((t) => t.path === items[0]?.path)?.until;
    const tail = items.some((it) => it.parked) ? `; it stays claimed in the work area and is tried again after a pause (next try ${next})` : '; it stays claimed and is tried again';
    if (isAgentError(e) && e.kind === 'transient') this.ctx.bus.emit('agent.warning', { message: message + tail, code, companyId: this.companyId });
    else this.ctx.bus.emit('agent.error', { message: message + tail, code, companyId: this.companyId, error: e });
  }

  /** What this company keeps retrying right now, if anything (for /health, status and once). */
  get trouble(): CompanyTrouble | undefined {
    return this.#trouble;
  }

  #holdFor(e: unknown, message: string): void {
    const now = this.ctx.now().getTime();
    const pause = this.#hold ? Math.min(this.#hold.pauseMs * 2, MAX_HOLD_MS) : this.ctx.send.refusedRetryMs;
    const code = isAgentError(e) ? e.code : 'PIPELINE_INTERNAL';
    this.#hold = { code, message, since: this.#hold?.since ?? new Date(now).toISOString(), until: new Date(now + pause).toISOString(), pauseMs: pause };
  }

  #problem(e: unknown, what: string): void {
    const code = isAgentError(e) ? e.code : 'PIPELINE_INTERNAL';
    const message = `${this.companyId}: ${what}: ${e instanceof Error ? e.message : String(e)}`;
    if (isAgentError(e) && e.kind === 'config') {
      const first = this.#hold?.code !== code;
      this.#holdFor(e, message);
      if (first) this.ctx.bus.emit('agent.error', { message: `${message}; sending for ${this.companyId} pauses (next try ${this.#hold!.until}), its files wait in the work area`, code, companyId: this.companyId, error: e });
      return;
    }
    this.#trouble = { code, message, since: this.#trouble?.code === code ? this.#trouble.since : this.ctx.now().toISOString() };
    if (isAgentError(e) && e.kind === 'transient') {
      // one line per kind of trouble, not one per retry
      if (this.#lastProblem !== code) this.ctx.bus.emit('agent.warning', { message, code, companyId: this.companyId });
      this.#lastProblem = code;
      return;
    }
    this.ctx.bus.emit('agent.error', { message, code, companyId: this.companyId, error: e });
  }

  /** One pass of all the work there is. Never throws. */
  async step(shouldStop: () => boolean = () => false): Promise<void> {
    const { ctx } = this;
    // files (and the claim folder) whose intake failed, once their pause is over
    for (const p of this.#intake.due(ctx.now().getTime())) {
      if ('file' in p) this.#queue.push(p.file);
      else if ('entry' in p) await this.#resume(p.entry);
      else await this.#relist(p.listing);
    }
    while (this.#queue.length && !shouldStop()) {
      // a file that cannot be taken in at all (unreadable, inbox unknown) goes to errors on its own
      const first = await intakeItemOf(ctx.company, this.#queue[0]!);
      if ('problem' in first) {
        const file = this.#queue.shift()!;
        try {
          await failClaimedFile(ctx, first.file, first.problem);
          this.#intake.resolved(file.path);
        } catch (e) {
          this.#intakeFailed([{ path: file.path, sourceName: file.sourceName, parked: { file } }], e, `moving ${first.file.sourceName} to errors`);
        }
        continue;
      }
      const items: IntakeItem[] = [first];
      for (const file of this.#queue.slice(1, INTAKE_GROUP)) {
        const it = await intakeItemOf(ctx.company, file);
        if ('problem' in it) break;
        items.push(it);
      }
      const group = items.map((it) => it.file);
      try {
        const r = await intakeFiles(ctx, items, shouldStop);
        // the state holds the full name now: the sidecar of a shortened claim name is not needed
        for (const f of group.slice(0, r.taken)) if (f.sourceName !== sourceNameOf(basename(f.path))) await forgetSourceSidecar(f.path, basename(f.path));
        for (const f of group.slice(0, r.taken)) this.#intake.resolved(f.path);
        this.#queue.splice(0, r.taken);
        if (r.transient) {
          const head = this.#queue[0];
          if (head) this.#intakeFailed([head], r.transient, `taking in ${head.sourceName}`);
          break;
        }
        if (r.taken === 0) break;
      } catch (e) {
        const what = `taking in ${group.length === 1 ? group[0]!.sourceName : `${group.length} files from ${group[0]!.sourceName}`}`;
        if (isAgentError(e) && e.kind === 'transient') {
          this.#intakeFailed(group, e, what);
          break;
        }
        // the files stay claimed; they wait out a pause and are tried again, the others go on
        this.#intakeFailed(this.#queue.splice(0, group.length).map((file) => ({ path: file.path, sourceName: file.sourceName, parked: { file } })), e, what);
      }
    }
    const held = this.#hold !== undefined && ctx.now().getTime() < Date.parse(this.#hold.until);
    let problems = 0;
    for (const [what, run] of held ? [] : ([['sending', sendPlanned], ['asking KSeF for statuses', pollInFlight]] as const)) {
      if (shouldStop()) return;
      try {
        const found = await run(ctx, shouldStop);
        for (const e of found) this.#problem(e, what);
        problems += found.length;
      } catch (e) {
        this.#problem(e, what);
        problems++;
      }
    }
    if (!held && problems === 0) {
      this.#lastProblem = '';
      this.#trouble = undefined;
      if (this.#hold) {
        this.ctx.bus.emit('agent.warning', { message: `${this.companyId}: KSeF accepts this company again (paused since ${this.#hold.since} for ${this.#hold.code}); sending resumes`, code: 'PIPELINE_RESUMED', companyId: this.companyId });
        this.#hold = undefined;
      }
    }
    if (shouldStop()) return;
    const active = ctx.store.activeFiles().filter((x) => x.companyId === this.companyId && x.state !== 'claimed');
    try {
      for (const p of await this.#reporter.reportAll(ctx, active, shouldStop)) this.#problem(p.error, `writing the results of ${p.file.sourceName}`);
    } catch (e) {
      this.#problem(e, 'writing results');
    }
  }

  /**
   * Nothing this company can do now: nothing queued, and nothing active in the state — or what is
   * active waits for a person (the company is held, see `held`; a file whose intake failed for a
   * reason that is not transient waits out its pause, see `intakeTrouble`).
   */
  isIdle(): boolean {
    return this.#queue.length === 0 && (this.#hold !== undefined || !this.ctx.store.activeFiles().some((f) => f.companyId === this.companyId && !this.#intake.waitsForPerson(f.path)));
  }

  /** Work that waits on KSeF (for pacing: poll again after the configured interval). */
  waitingOnKsef(): boolean {
    return this.ctx.store.inFlight().some((i) => i.companyId === this.companyId);
  }
}
