import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { WatcherPolicy } from '../config/agent-config.ts';
import type { EventBus } from '../core/events.ts';
import type { InboxFile } from '../core/records.ts';
import { claimFile } from './claim-file.ts';
import { isIgnoredName } from './name-filter.ts';
import { scanInbox } from './scan-inbox.ts';
import { StabilityGate } from './stability-gate.ts';

export interface InboxWatcherOptions {
  readonly companyId: string;
  readonly inboxId: string;
  readonly folder: string;
  readonly workDir: string;
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
  #watcher: FSWatcher | undefined;
  #interval: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #running: Promise<InboxFile[]> | undefined;
  #again = false;
  #stopped = true;
  /** code of the folder problem last reported, until a scan succeeds again */
  #folderProblem: string | undefined;

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
    let ready;
    try {
      const candidates = await scanInbox(o.folder, { ignore: o.policy.ignore, doneMarker: o.policy.doneMarker, ...(o.files !== undefined ? { files: o.files } : {}) });
      ready = this.#gate.observe(candidates);
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
    for (const c of ready.slice(0, o.policy.maxFilesPerScan)) {
      o.bus.emit('inbox.ready', { companyId: o.companyId, inboxId: o.inboxId, name: c.name, size: c.size });
      let r;
      try {
        r = await claimFile(c.path, c.name, { companyId: o.companyId, inboxId: o.inboxId, workDir: o.workDir }, {
          ...(c.markerPath ? { markerPath: c.markerPath } : {}),
          ...(o.now ? { now: o.now } : {}),
          ...(o.fsRename ? { fsRename: o.fsRename } : {}),
        });
      } catch (e) {
        const err = e as { code?: string; message: string };
        o.bus.emit('inbox.error', {
          companyId: o.companyId, inboxId: o.inboxId, folder: o.folder, code: 'INBOX_CLAIM_FAILED',
          message: `cannot claim ${c.name} from ${o.folder} into the work area (${err.message}); it stays in the inbox and is tried again`,
          ...(err.code ? { systemCode: err.code } : {}),
        });
        continue;
      }
      if (r.status === 'busy') {
        o.bus.emit('inbox.busy', { companyId: o.companyId, inboxId: o.inboxId, name: c.name, code: r.code });
        continue;
      }
      this.#gate.forget(c.path);
      if (r.status === 'gone') continue;
      claimed.push(r.file);
      o.bus.emit('inbox.claimed', { file: r.file });
      o.onClaimed?.(r.file);
    }
    if (ready.length > o.policy.maxFilesPerScan) this.#again = true;
    const wait = this.#gate.nextReadyInMs();
    if (wait !== undefined && !this.#stopped) this.#schedule(wait + 10);
    return claimed;
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
