import { isAgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { InboxConfig } from '../config/agent-config.ts';
import { listClaimed, sha256File } from '../inbox/claim-file.ts';
import { matchesGlob } from '../inbox/name-filter.ts';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { INTAKE_GROUP, intakeFiles } from './intake-file.ts';
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

  constructor(ctx: PipelineContext) {
    this.ctx = ctx;
  }

  get companyId(): string {
    return this.ctx.company.id;
  }

  /** Queues a freshly claimed file (taken in on the next step). */
  enqueue(file: InboxFile): void {
    this.#queue.push(file);
  }

  #inboxFor(sourceName: string, inboxId?: string): InboxConfig {
    const inboxes = this.ctx.company.inboxes;
    return inboxes.find((b) => b.id === inboxId) ?? inboxes.find((b) => b.files === undefined || matchesGlob(sourceName, b.files)) ?? inboxes[0]!;
  }

  /**
   * Start-up: claimed files the state never heard of (a crash right after the claim) are queued
   * again; files recorded but not taken in are queued too. In-flight invoices are reconciled by
   * the first step. Temp files of writes a crash interrupted are removed from the outbox and the
   * work area.
   */
  async recover(): Promise<void> {
    const work = this.ctx.company.folders.work;
    const outbox = this.ctx.company.folders.outbox;
    await sweepTempFiles([join(outbox, 'upo'), join(outbox, 'sent'), join(outbox, 'results'), join(work, 'xml')]);
    for (const c of await listClaimed(work)) {
      const known = this.ctx.store.getFile(c.name);
      if (known && known.state !== 'claimed') continue;
      const s = await stat(c.path);
      const inbox = this.#inboxFor(c.sourceName, known?.inboxId);
      this.#queue.push(known
        ? { companyId: known.companyId, inboxId: known.inboxId, sourceName: known.sourceName, path: known.path, size: known.size, sha256: known.sha256, claimedAt: known.claimedAt }
        : { companyId: this.companyId, inboxId: inbox.id, sourceName: c.sourceName, path: c.path, size: s.size, sha256: await sha256File(c.path), claimedAt: s.mtime.toISOString() });
    }
  }

  /**
   * Why this company's KSeF work is paused, if it is: KSeF refused something only a person can fix
   * (the login with this token, the permissions, the FA schema). Files are still taken in and
   * results written; sending and polling wait until `until`, then try again.
   */
  get held(): CompanyHold | undefined {
    return this.#hold;
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
    while (this.#queue.length && !shouldStop()) {
      const group = this.#queue.slice(0, INTAKE_GROUP);
      try {
        const r = await intakeFiles(ctx, group.map((file) => ({ file, inbox: this.#inboxFor(file.sourceName, file.inboxId) })), shouldStop);
        this.#queue.splice(0, r.taken);
        if (r.transient) {
          this.#problem(r.transient, `taking in ${this.#queue[0]?.sourceName ?? ''}`);
          break;
        }
        if (r.taken === 0) break;
      } catch (e) {
        this.#problem(e, `taking in ${group.length === 1 ? group[0]!.sourceName : `${group.length} files from ${group[0]!.sourceName}`}`);
        // the files stay claimed in the state; a restart takes them in again
        if (!isAgentError(e) || e.kind !== 'transient') this.#queue.splice(0, group.length);
        break;
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
   * active waits for a person (the company is held, see `held`).
   */
  isIdle(): boolean {
    return this.#queue.length === 0 && (this.#hold !== undefined || !this.ctx.store.activeFiles().some((f) => f.companyId === this.companyId));
  }

  /** Work that waits on KSeF (for pacing: poll again after the configured interval). */
  waitingOnKsef(): boolean {
    return this.ctx.store.inFlight().some((i) => i.companyId === this.companyId);
  }
}
