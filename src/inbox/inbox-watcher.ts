import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { WatcherPolicy } from '../config/agent-config.ts';
import { AgentError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import type { InboxFile } from '../core/records.ts';
import { claimFile } from './claim-file.ts';
import { isIgnoredName } from './name-filter.ts';
import { scanInboxFolder } from './scan-inbox.ts';
import type { Candidate, RefusedEntry } from './scan-inbox.ts';
import { StabilityGate } from './stability-gate.ts';
import { isCompanionName, readCompanionRule, singlePairRules } from './companion-rule.ts';
import { matchesGlob } from './name-filter.ts';
import type { PairRules } from './companion-rule.ts';
import { PairPlanner } from './pair-files.ts';
import type { PlannedClaim } from './pair-files.ts';

export interface InboxWatcherOptions {
  readonly companyId: string;
  readonly inboxId: string;
  readonly folder: string;
  readonly workDir: string;
  /** the inbox's mapping file (its version is fixed at each claim) */
  readonly mapping: string;
  /** picks the mapping version of each file by its name (see ClaimTarget.chooseMappingVersion) */
  readonly chooseMappingVersion?: (sourceName: string) => Promise<string>;
  /**
   * The inbox's pair rules, asked at each scan (an inbox with several mappings: each file is
   * under the rule of the mapping chosen for it). Default: the rule of `mapping`, for every file.
   */
  readonly pairRules?: () => Promise<PairRules>;
  /** file-name glob of this inbox; all files when undefined */
  readonly files?: string;
  readonly policy: WatcherPolicy;
  readonly bus: EventBus;
  /** receives every claimed file (the pipeline queues it); not awaited */
  readonly onClaimed?: (file: InboxFile) => void;
  /** injected clock for the stability window */
  readonly now?: () => number;
  /** for tests of busy files */
  readonly fsRename?: (from: string, to: string) => Promise<void>;
  /** for tests of unreadable files */
  readonly hashFile?: (path: string) => Promise<string>;
}

/** A file of the inbox whose claim failed (not a busy writer): it stays in the inbox until a claim succeeds. */
export interface ClaimFailure {
  readonly name: string;
  readonly path: string;
  /** INBOX_CLAIM_FAILED or INBOX_CROSS_DEVICE */
  readonly code: string;
  readonly message: string;
  /** ISO time of the first failure */
  readonly since: string;
  /** ISO time of the next try */
  readonly retryAt: string;
}

/** First pause after a failed claim; doubled at each failure up to CLAIM_RETRY_MAX_MS. */
export const CLAIM_RETRY_MS = 1000;
export const CLAIM_RETRY_MAX_MS = 5 * 60_000;

/** Why an entry that is not a regular file is left in the inbox, in words. */
function notAFile(e: RefusedEntry, folder: string): string {
  const what = {
    symlink: 'a symbolic link; links are never followed (the link, not the invoice, would be moved, and its target may change): put the file itself into the inbox',
    'dangling symlink': 'a symbolic link to something that does not exist; links are never followed: put the file itself into the inbox',
    directory: 'a folder; sub-folders of an inbox are not read: put its files into the inbox itself',
    'named pipe': 'a named pipe (FIFO), not a file: it cannot be read as an invoice file',
    socket: 'a socket, not a file',
    device: 'a device, not a file',
    unknown: 'not a regular file',
  }[e.kind];
  return `${e.name} in ${folder} is ${what}; it is left where it is and not taken`;
}

/** A failed scan of the inbox folder in words an operator can act on, with a stable code. */
export function folderProblem(folder: string, err: NodeJS.ErrnoException): { code: string; message: string; systemCode: string } {
  const systemCode = err.code ?? 'EIO';
  switch (systemCode) {
    case 'ENOENT':
      return { code: 'INBOX_FOLDER_MISSING', systemCode, message: `inbox folder ${folder} does not exist (deleted, or a share not mounted); its files wait until it is back` };
    case 'ENOTDIR':
      return { code: 'INBOX_FOLDER_MISSING', systemCode, message: `inbox folder ${folder} is not a folder; its files wait until it is one` };
    case 'EACCES':
    case 'EPERM':
      return { code: 'INBOX_FOLDER_DENIED', systemCode, message: `inbox folder ${folder} cannot be read: permission denied for the agent's user (${systemCode})` };
    default:
      return { code: 'INBOX_FOLDER_UNREADABLE', systemCode, message: `inbox folder ${folder} cannot be read (${systemCode}: ${err.message}); retried on every scan` };
  }
}

/**
 * Watches one inbox. The periodic scan is the source of truth; chokidar events (or its polling
 * mode, for network shares) only make the next scan come sooner. Each scan runs candidates
 * through the stability gate and claims the ready ones, emitting `inbox.ready` and
 * `inbox.claimed` (or `inbox.busy` / `inbox.error`).
 */
export class InboxWatcher {
  readonly #o: InboxWatcherOptions;
  readonly #gate: StabilityGate;
  readonly #pairs = new PairPlanner();
  #watcher: FSWatcher | undefined;
  #interval: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #running: Promise<InboxFile[]> | undefined;
  #again = false;
  #stopped = true;
  /** code of the folder problem last reported, until a scan succeeds again */
  #folderProblem: string | undefined;
  /** entries that are not files, already reported (path → kind), while they stay */
  readonly #refused = new Map<string, string>();
  /** files whose claim failed: why, when to try again; reported at the first failure only (a companion names its primary) */
  readonly #failing = new Map<string, { failures: number; retryAt: number; failure: ClaimFailure; companionOf?: string }>();

  constructor(opts: InboxWatcherOptions) {
    this.#o = opts;
    this.#gate = new StabilityGate({ windowMs: opts.policy.stabilityWindowMs, ...(opts.now ? { now: opts.now } : {}) });
  }

  /** One scan: list, gate, claim what is stable. Concurrent calls share one run. */
  scanOnce(): Promise<InboxFile[]> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#scan().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.#schedule(0);
      }
    });
    return this.#running;
  }

  async #scan(): Promise<InboxFile[]> {
    const o = this.#o;
    const claimed: InboxFile[] = [];
    let ready: PlannedClaim[];
    // stable files left in the inbox on purpose (one half of a pair waiting for the other)
    const held = new Set<string>();
    try {
      // two files delivered together (input.companion) are claimed together, when both are stable
      const rules = await this.#pairRules();
      const { candidates, refused } = await this.#list(rules);
      this.#reportRefused(refused);
      this.#forgetGone(candidates);
      const now = (o.now ?? Date.now)();
      // files in their pause after a failed claim are not even looked at (no busy loop)
      const stable = this.#gate.observe(candidates.filter((c) => (this.#failing.get(c.path)?.retryAt ?? 0) <= now));
      ready = this.#pairs.plan(rules, candidates, stable, now);
      const taken = new Set(ready.flatMap((p) => (p.companion ? [p.candidate.path, p.companion.path] : [p.candidate.path])));
      for (const c of stable) if (!taken.has(c.path)) held.add(c.path);
    } catch (e) {
      const problem = folderProblem(o.folder, e as NodeJS.ErrnoException);
      // reported when it starts or changes, not on every scan (a share may stay away for hours)
      if (problem.code !== this.#folderProblem) {
        this.#folderProblem = problem.code;
        o.bus.emit('inbox.error', { companyId: o.companyId, inboxId: o.inboxId, folder: o.folder, ...problem });
      }
      return claimed;
    }
    if (this.#folderProblem !== undefined) {
      this.#folderProblem = undefined;
      o.bus.emit('inbox.recovered', { companyId: o.companyId, inboxId: o.inboxId, folder: o.folder });
    }
    for (const { candidate: c, companion } of ready.slice(0, o.policy.maxFilesPerScan)) {
      o.bus.emit('inbox.ready', { companyId: o.companyId, inboxId: o.inboxId, name: c.name, size: c.size });
      if (companion) this.#gate.forget(companion.path);
      let r;
      try {
        r = await claimFile(c.path, c.name, { companyId: o.companyId, inboxId: o.inboxId, workDir: o.workDir, mapping: o.mapping, ...(o.chooseMappingVersion ? { chooseMappingVersion: o.chooseMappingVersion } : {}) }, {
          ...(c.markerPath ? { markerPath: c.markerPath } : {}),
          ...(companion ? { companion: { path: companion.path, name: companion.name, ...(companion.markerPath ? { markerPath: companion.markerPath } : {}) } } : {}),
          ...(o.now ? { now: o.now } : {}),
          ...(o.fsRename ? { fsRename: o.fsRename } : {}),
          ...(o.hashFile ? { hashFile: o.hashFile } : {}),
        });
      } catch (e) {
        this.#claimFailed(c, e as { code?: string; message: string; cause?: unknown }, companion);
        continue;
      }
      // taken or not, it starts again from the stability window: a file held by its writer is
      // retried at the next scan, never in a loop
      this.#gate.forget(c.path);
      if (r.status === 'busy') {
        // a held companion is named, not its primary (which went back to the inbox); a failed
        // claim of the same file stays on record (its reason, its pause): being busy now is not a success
        o.bus.emit('inbox.busy', { companyId: o.companyId, inboxId: o.inboxId, name: r.companion ?? c.name, code: r.code, ...(r.companion !== undefined ? { companionOf: c.name } : {}) });
        continue;
      }
      // claimed or gone: the failed claim is over
      this.#failing.delete(c.path);
      if (companion) this.#failing.delete(companion.path);
      if (r.status === 'gone') continue;
      claimed.push(r.file);
      o.bus.emit('inbox.claimed', { file: r.file });
      o.onClaimed?.(r.file);
    }
    if (ready.length > o.policy.maxFilesPerScan) this.#again = true;
    // files waiting for their other half are ready already: only the end of their wait is a reason to scan
    const now = (o.now ?? Date.now)();
    const waits = [this.#gate.nextReadyInMs((p) => held.has(p)), this.#pairs.nextDueInMs(now)].filter((w): w is number => w !== undefined);
    const wait = waits.length > 0 ? Math.min(...waits) : undefined;
    if (wait !== undefined && !this.#stopped) this.#schedule(wait + 10);
    return claimed;
  }

  /**
   * The inbox as a scan sees it. With pairs (input.companion) the companions are listed too when
   * the inbox's file pattern names only the primaries: they belong to the primaries it names.
   */
  async #list(rules: PairRules): Promise<{ candidates: Candidate[]; refused: RefusedEntry[] }> {
    const o = this.#o;
    const policy = { ignore: o.policy.ignore, doneMarker: o.policy.doneMarker };
    if (o.files === undefined || rules.all.length === 0) return scanInboxFolder(o.folder, { ...policy, ...(o.files !== undefined ? { files: o.files } : {}) });
    const files = o.files;
    const named = (e: { name: string }): boolean => matchesGlob(e.name, files) || rules.all.some((r) => isCompanionName(r, e.name));
    const all = await scanInboxFolder(o.folder, policy);
    return { candidates: all.candidates.filter(named), refused: all.refused.filter(named) };
  }

  /**
   * The inbox's pair rules now. A failure to work them out fails the scan (reported as the
   * inbox's problem, retried): claiming without them would take header and lines files apart.
   */
  async #pairRules(): Promise<PairRules> {
    const o = this.#o;
    if (o.pairRules) return o.pairRules();
    return singlePairRules(await readCompanionRule(o.mapping));
  }

  /** Each entry that is not a file is reported once while it stays (again if it comes back). */
  #reportRefused(refused: readonly RefusedEntry[]): void {
    const o = this.#o;
    const present = new Set<string>();
    for (const e of refused) {
      present.add(e.path);
      if (this.#refused.get(e.path) === e.kind) continue;
      this.#refused.set(e.path, e.kind);
      o.bus.emit('inbox.error', { companyId: o.companyId, inboxId: o.inboxId, folder: o.folder, name: e.name, code: 'INBOX_NOT_A_FILE', message: notAFile(e, o.folder) });
    }
    for (const p of this.#refused.keys()) if (!present.has(p)) this.#refused.delete(p);
  }

  /**
   * A claim that failed for a reason other than a busy writer (the work area is full or read-only,
   * a name the file system refuses …): the file stays in the inbox, is tried again after a pause
   * that doubles each time (CLAIM_RETRY_MS … CLAIM_RETRY_MAX_MS), and is reported once. A pair
   * (its companion could not be moved, and the primary went back) waits as one: both files pause.
   */
  #claimFailed(c: Candidate, err: { code?: string; message: string; cause?: unknown }, companion?: Candidate): void {
    const o = this.#o;
    this.#gate.forget(c.path);
    const prev = this.#failing.get(c.path);
    const failures = (prev?.failures ?? 0) + 1;
    const pause = Math.min(CLAIM_RETRY_MS * 2 ** (failures - 1), CLAIM_RETRY_MAX_MS);
    const now = (o.now ?? Date.now)();
    const code = err.code === 'INBOX_CROSS_DEVICE' ? err.code : 'INBOX_CLAIM_FAILED';
    const failure: ClaimFailure = {
      name: c.name, path: c.path, code, message: err.message,
      since: prev && prev.failure.code === code ? prev.failure.since : new Date(now).toISOString(),
      retryAt: new Date(now + pause).toISOString(),
    };
    const entry = { failures, retryAt: now + pause, failure };
    this.#failing.set(c.path, entry);
    if (companion) {
      this.#gate.forget(companion.path);
      this.#failing.set(companion.path, { ...entry, companionOf: c.path });
    }
    if (prev) return;
    const systemCode = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    o.bus.emit('inbox.error', {
      companyId: o.companyId, inboxId: o.inboxId, folder: o.folder, name: c.name, code,
      message: `cannot claim ${c.name} from ${o.folder} into the work area (${err.message}); ${companion ? `both files stay` : 'it stays'} in the inbox and ${companion ? 'are' : 'is'} tried again after growing pauses (up to ${CLAIM_RETRY_MAX_MS / 60_000} minutes), without further reports`,
      ...(systemCode ? { systemCode } : {}),
    });
  }

  /** A failed claim of a file no longer in the inbox (removed, or taken by someone) is over. */
  #forgetGone(candidates: readonly Candidate[]): void {
    const present = new Set(candidates.map((c) => c.path));
    for (const p of this.#failing.keys()) if (!present.has(p)) this.#failing.delete(p);
  }

  /**
   * Files of this inbox whose claim failed and that are still in it (one per pair, its primary),
   * for /health, status and `once`; each until a claim succeeds or the file is removed.
   */
  claimFailures(): ClaimFailure[] {
    return [...this.#failing.values()].filter((f) => f.companionOf === undefined).map((f) => f.failure);
  }

  /**
   * True while the inbox has files still to take: everything but files whose claim failed and
   * was reported (they wait for a person), so `once` can finish. An inbox that cannot be listed
   * is not empty, it is unknown: that throws the scan's folder problem as an AgentError
   * (INBOX_FOLDER_MISSING, INBOX_FOLDER_DENIED, INBOX_FOLDER_UNREADABLE), for `once` to report.
   */
  async hasWaitingFiles(): Promise<boolean> {
    let candidates: Candidate[];
    try {
      ({ candidates } = await this.#list(await this.#pairRules()));
    } catch (e) {
      const p = folderProblem(this.#o.folder, e as NodeJS.ErrnoException);
      throw new AgentError(p.code, p.message, { kind: 'transient', where: { file: this.#o.folder }, cause: e });
    }
    this.#forgetGone(candidates);
    return candidates.some((c) => !this.#failing.has(c.path));
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#soon) clearTimeout(this.#soon);
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.scanOnce();
    }, ms);
  }

  /** Starts the periodic scan and the event trigger; creates the inbox folder when missing. */
  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    const o = this.#o;
    await mkdir(o.folder, { recursive: true });
    this.#interval = setInterval(() => void this.scanOnce(), o.policy.scanIntervalMs);
    const w = watch(o.folder, {
      depth: 0,
      ignoreInitial: true,
      usePolling: o.policy.usePolling,
      interval: o.policy.intervalMs,
      awaitWriteFinish: false,
      atomic: false,
      ignored: (p: string) => p !== o.folder && isIgnoredName(basename(p), o.policy.ignore),
    });
    const hint = () => this.#schedule(50);
    w.on('add', hint).on('change', hint);
    w.on('error', (e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      o.bus.emit('inbox.error', {
        companyId: o.companyId, inboxId: o.inboxId, folder: o.folder, code: 'INBOX_WATCH_FAILED',
        message: `change notifications for ${o.folder} failed (${err.message}); the periodic scan goes on`,
        ...(err.code ? { systemCode: err.code } : {}),
      });
    });
    this.#watcher = w;
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    void this.scanOnce();
  }

  /** Stops watching and waits for a scan in flight to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#interval) clearInterval(this.#interval);
    if (this.#soon) clearTimeout(this.#soon);
    this.#interval = this.#soon = undefined;
    const w = this.#watcher;
    this.#watcher = undefined;
    if (w) await w.close();
    if (this.#running) await this.#running.catch(() => {});
  }
}
