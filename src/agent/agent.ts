import { isAgentError } from '../core/errors.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type winston from 'winston';
import type { AgentConfig } from '../config/agent-config.ts';
import { readToken } from '../config/read-token.ts';
import { readCertificate, readCertificateValidTo } from '../config/read-certificate.ts';
import { EventBus } from '../core/events.ts';
import { InboxWatcher } from '../inbox/inbox-watcher.ts';
import { createKsefClient } from '../ksef/index.ts';
import type { KsefClient } from '../ksef/index.ts';
import { createLogger, closeLogger } from '../log/create-logger.ts';
import { logEvents } from '../log/log-events.ts';
import { Redactor } from '../log/redactor.ts';
import { MappingCache } from '../mapping/index.ts';
import { CompanyPipeline } from '../pipeline/company-pipeline.ts';
import { crashPoint } from '../pipeline/crash-point.ts';
import { companyProfile, localToday } from '../pipeline/pipeline-context.ts';
import { SessionJournal } from '../pipeline/session-journal.ts';
import { LowdbStateStore } from '../store/lowdb-state-store.ts';
import { startSimulator } from '../simulator/index.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import { PurchaseScheduler, runPurchaseSync } from '../jobs/purchases/index.ts';
import type { PurchaseSyncDeps } from '../jobs/purchases/index.ts';
import { DEFAULT_PURCHASE_MAPPING_FILE, loadPurchaseMapping } from '../purchases-mapping/index.ts';
import { startHealthServer } from './health-server.ts';
import type { HealthServer } from './health-server.ts';
import { acquireStateLock, assertUnlocked, describeHolder } from './state-lock.ts';
import type { StateLock } from './state-lock.ts';
import { preflight } from './preflight.ts';
import { inboxPairRules, mappingVersionChooser } from '../pipeline/choose-mapping.ts';
import { assessHealth } from './assess-health.ts';
import type { CompanyFacts, HealthStatus, HealthVerdict } from './assess-health.ts';
import { companyFacts, diskFacts, folderFacts, writeRuntimeFacts } from './health-facts.ts';
import { certificateValidTo, configCredentialFacts, credentialNotices, CredentialWarnings } from './credential-warnings.ts';
import type { CredentialFactsProvider, CredentialNotice } from './credential-warnings.ts';
import type { RuntimeFacts } from './health-facts.ts';

export interface AgentOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** where readable log lines go instead of stdout */
  readonly consoleStream?: NodeJS.WritableStream;
  /** the command this agent runs, written into the state-root lock (run, once, demo) */
  readonly command?: string;
  /** epoch ms; tests inject a clock: the patience of once, the pipelines' times and pauses, the watchers' stability and claim retries */
  readonly now?: () => number;
  /** what each company logs in with and until when; default: from the configuration */
  readonly credentialFacts?: CredentialFactsProvider;
}

/** How runOnce ended: all work done, or out of patience with work still waiting. */
export interface OnceOutcome {
  readonly completed: boolean;
  /** when not completed: ms since the last progress */
  readonly stalledMs?: number;
  /**
   * inboxes that could not be listed when once looked for files still waiting (a share gone, the
   * folder removed or unreadable): whatever is in them was not seen; `once` exits 1 naming them
   */
  readonly unreadInboxes?: readonly UnreadInbox[];
  /**
   * files left in an inbox because their claim failed (the work area refused them, another
   * volume …): they were seen but not taken; `once` exits 1 naming each with its code
   */
  readonly unclaimedFiles?: readonly UnclaimedFile[];
}

/** A file `once` saw in an inbox and could not claim. */
export interface UnclaimedFile {
  readonly companyId: string;
  readonly inboxId: string;
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** An inbox `once` could not list, with the scan's stable code and message. */
export interface UnreadInbox {
  readonly companyId: string;
  readonly inboxId: string;
  readonly folder: string;
  readonly code: string;
  readonly message: string;
}

/** Events that mean work moved; once's patience counts from the last of them. */
const PROGRESS_EVENTS: ReadonlySet<string> = new Set(['inbox.claimed', 'file.done', 'file.failed', 'file.duplicate', 'ksef.sent', 'ksef.accepted', 'ksef.rejected']);
/** the package version, for the start-up line */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Where the state of an agent lives: `<root>/state`. */
export const stateDirOf = (config: AgentConfig): string => join(config.root, 'state');

/**
 * The service assembled from the checked configuration: logger with the tokens registered for
 * redaction, the state store, an in-process simulator for environment `sim`, and per company a
 * KSeF client, its inbox watchers and its pipeline. `runOnce` does all pending work and returns;
 * `start`/`stop` run it as a service.
 */
export class Agent {
  readonly config: AgentConfig;
  readonly bus = new EventBus();
  readonly redactor = new Redactor();
  readonly pipelines: CompanyPipeline[] = [];
  readonly #o: AgentOptions;
  #logger: winston.Logger | undefined;
  #store: LowdbStateStore | undefined;
  #sim: RunningSimulator | undefined;
  #clients: KsefClient[] = [];
  #watchers: { companyId: string; inboxId: string; watcher: InboxWatcher; folder: string; files?: string }[] = [];
  #health: HealthServer | undefined;
  /** per company: how to run one purchase sync (only when purchase download is enabled) */
  #purchases: { company: AgentConfig['companies'][number]; deps: PurchaseSyncDeps }[] = [];
  #purchaseScheduler: PurchaseScheduler | undefined;
  #lock: StateLock | undefined;
  #lastProgress = 0;
  #published = '';
  #runtimeWriteFailed = false;
  #level: HealthStatus = 'ok';
  /** per company: the last purchase download's error, until one succeeds */
  #purchaseErrors = new Map<string, NonNullable<CompanyFacts['purchaseError']>>();
  #credentials: CredentialWarnings | undefined;
  #credentialFacts: CredentialFactsProvider | undefined;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** why the agent stops, for the agent.stopped line */
  #stopReason: string | undefined;
  baseUrl = '';

  constructor(config: AgentConfig, opts: AgentOptions = {}) {
    this.config = config;
    this.#o = opts;
    this.bus.onAny((name) => {
      if (PROGRESS_EVENTS.has(name)) this.#lastProgress = this.#now();
    });
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  get store(): LowdbStateStore {
    return this.#store!;
  }

  /** Per company, the last purchase download's error, until one succeeds (`once` reports them). */
  get purchaseErrors(): ReadonlyMap<string, NonNullable<CompanyFacts['purchaseError']>> {
    return this.#purchaseErrors;
  }

  /** port of the health endpoint when it is on */
  get healthPort(): number | undefined {
    return this.#health?.port;
  }

  get simulator(): RunningSimulator | undefined {
    return this.#sim;
  }

  /** Builds everything; nothing is read from the inboxes yet. Config problems throw CFG_… errors. */
  async open(): Promise<void> {
    const c = this.config;
    const env = this.#o.env ?? process.env;
    // another agent on this root is named as such (exit 3), not as the owner of a busy port
    await assertUnlocked(stateDirOf(c));
    // every problem of the configuration and its surroundings, before anything is written
    await preflight(c, env);
    this.#lock = await acquireStateLock(stateDirOf(c), this.#o.command ?? 'agent');
    const tokens = new Map<string, string>();
    // a certificate that cannot be used (wrong passphrase, key of another certificate) holds its
    // company at login, with the reader's message; the other companies go on
    const unusable: { companyId: string; error: unknown }[] = [];
    for (const [i, co] of c.companies.entries()) {
      if (co.token) {
        const t = await readToken(co.token, env);
        this.redactor.register(t);
        tokens.set(co.id, t);
      }
      if (co.certificate) {
        // read once here to say at start what cannot be used; each login reads it again
        const problem = await readCertificate(co.certificate, (s) => this.redactor.register(s), env, `$.companies[${i}].certificate`).then(() => undefined, (e: unknown) => e);
        if (problem !== undefined) unusable.push({ companyId: co.id, error: problem });
      }
    }
    this.#logger = createLogger({
      level: c.logging.level,
      dir: c.logging.dir,
      maxSize: c.logging.maxSize,
      maxFiles: c.logging.maxFiles,
      console: c.logging.console,
      redactor: this.redactor,
      ...(this.#o.consoleStream ? { consoleStream: this.#o.consoleStream as never } : {}),
    });
    logEvents(this.bus, this.#logger);
    // said at start, not only at the first login (which may be hours away on a quiet inbox)
    for (const u of unusable) {
      const code = isAgentError(u.error) ? u.error.code : 'CFG_CERTIFICATE_INVALID';
      this.bus.emit('agent.error', { message: `${u.companyId}: its certificate cannot be used: ${u.error instanceof Error ? u.error.message : String(u.error)}; the company is held at its first login`, code, companyId: u.companyId, error: u.error });
    }
    if (this.#lock.tookOverFrom) {
      this.bus.emit('agent.warning', { message: `took over the lock of pid ${this.#lock.tookOverFrom.pid} on the state root ${stateDirOf(c)}: that agent is gone (${describeHolder(this.#lock.tookOverFrom)})`, code: 'AGENT_LOCK_STALE' });
    }
    this.#store = new LowdbStateStore({ dir: stateDirOf(c) });
    await this.#store.open();
    const sessions = new SessionJournal(join(stateDirOf(c), 'sessions.log'));
    await sessions.open();

    if (c.environment === 'sim' && c.simulator.url === undefined) {
      this.#sim = await startSimulator({
        mode: c.simulator.mode,
        port: c.simulator.port,
        rateLimits: c.simulator.rateLimits,
        processingDelayMs: c.simulator.processingDelayMs,
        tokens: c.companies.filter((co) => tokens.has(co.id)).map((co) => ({ nip: co.nip, token: tokens.get(co.id)! })),
      });
      this.baseUrl = this.#sim.baseUrl;
    } else if (c.environment === 'sim') this.baseUrl = c.simulator.url ?? '';
    const logger = this.#logger;
    // a certificate's facts come from the certificate itself (its notAfter), updated at each login
    const validTo = await certificateValidTo(c, env);
    this.#credentialFacts = this.#o.credentialFacts ?? configCredentialFacts(c, validTo);
    const credentials = new CredentialWarnings(c.companies.map((co) => co.id), this.#credentialFacts);
    this.#credentials = credentials;
    // every mapping compiled once, and again only after its file changes
    const mappings = new MappingCache();
    for (const [i, co] of c.companies.entries()) {
      const client = createKsefClient({
        environment: c.environment,
        ...(c.environment === 'sim' ? { baseUrl: this.baseUrl } : c.ksef.baseUrl ? { baseUrl: c.ksef.baseUrl } : {}),
        nip: co.nip,
        // an expired credential is refused here, before KSeF is asked: the pipeline holds the company
        ...(co.certificate
          ? { certificate: async () => {
            // read again at each login: a corrected passphrase or a replaced certificate works without a restart
            const source = co.certificate!;
            const end = await readCertificateValidTo(source, env);
            if (end) validTo.set(co.id, end);
            else validTo.delete(co.id);
            credentials.assertUsable(co.id, this.#now());
            return readCertificate(source, (s) => this.redactor.register(s), env, `$.companies[${i}].certificate`);
          } }
          : { token: async () => {
            credentials.assertUsable(co.id, this.#now());
            return tokens.get(co.id)!;
          } }),
        timeoutMs: c.ksef.timeoutMs,
        poll: { intervalMs: c.send.statusPollIntervalMs },
        logger: {
          warn: (m: string, meta?: Record<string, unknown>) => logger.warn(m, { companyId: co.id, ...meta }),
          // the client says little at info (a logout at stop); without this it would be lost
          info: (m: string, meta?: Record<string, unknown>) => logger.info(m, { companyId: co.id, ...meta }),
          debug: (m: string, meta?: Record<string, unknown>) => logger.debug(m, { companyId: co.id, ...meta }),
        } as never,
      });
      if (!this.baseUrl) this.baseUrl = client.baseUrl;
      this.#clients.push(client);
      if (c.purchases.enabled) {
        const mapping = c.purchases.outputs.csv || c.purchases.outputs.json ? await loadPurchaseMapping(DEFAULT_PURCHASE_MAPPING_FILE) : undefined;
        this.#purchases.push({
          company: co,
          deps: {
            client, policy: c.purchases, ...(mapping ? { mapping } : {}),
            logger: {
              // one line per run with the number of new invoices, in words
              info: (m: string, meta?: Record<string, unknown>) => m === 'purchases.synced'
                ? logger.info(`purchases ${co.id}: ${String(meta?.['downloaded'] ?? 0)} new invoice(s) downloaded`, { companyId: co.id, job: 'purchases', event: m, ...meta })
                : logger.debug(m, { companyId: co.id, job: 'purchases', ...meta }),
              warn: (m: string, meta?: Record<string, unknown>) => logger.warn(m, { companyId: co.id, job: 'purchases', ...meta }),
              debug: (m: string, meta?: Record<string, unknown>) => logger.debug(m, { companyId: co.id, job: 'purchases', ...meta }),
              error: (m: string, meta?: Record<string, unknown>) => logger.error(m, { companyId: co.id, job: 'purchases', ...meta }),
            } as never,
          },
        });
      }
      const pipeline = new CompanyPipeline({
        company: co, profile: companyProfile(co), store: this.#store, client, bus: this.bus, sessions,
        send: c.send, resultsCsv: c.resultsCsv, today: () => localToday(), now: () => new Date(this.#now()), mappings, doneMarker: c.watcher.doneMarker,
      });
      this.pipelines.push(pipeline);
      for (const inbox of co.inboxes) {
        const watcher = new InboxWatcher({
          companyId: co.id, inboxId: inbox.id, folder: inbox.folder, workDir: co.folders.work, mapping: inbox.mapping, policy: c.watcher, bus: this.bus,
          // each file's mapping is chosen by its name (applies.files) when it is claimed
          chooseMappingVersion: mappingVersionChooser(co.folders.work, inbox, mappings),
          // and its other half, when that mapping reads pairs (input.companion), by the same choice
          pairRules: () => inboxPairRules(inbox, mappings),
          ...(inbox.files !== undefined ? { files: inbox.files } : {}),
          ...(this.#o.now ? { now: this.#o.now } : {}),
          onClaimed: (file) => {
            crashPoint('after-claim');
            pipeline.enqueue(file);
            this.#wake?.();
          },
        });
        this.#watchers.push({ companyId: co.id, inboxId: inbox.id, watcher, folder: inbox.folder, ...(inbox.files !== undefined ? { files: inbox.files } : {}) });
      }
    }
    for (const p of this.pipelines) await p.recover();
    if (c.health.enabled) this.#health = await startHealthServer(this, c.health);
    this.bus.emit('agent.started', {
      version: VERSION, environment: c.environment, companies: c.companies.map((co) => `${co.id} (NIP ${co.nip})`),
      inboxes: c.companies.flatMap((co) => co.inboxes.map((b) => `${co.id}/${b.id}: ${b.folder}`)),
      ...(this.#health ? { healthPort: this.#health.port } : {}), ...(c.logging.dir ? { logDir: c.logging.dir } : {}),
    });
  }

  /** One pass of every company, side by side; a company's trouble stays its own. */
  async step(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.step(() => this.#stopping)));
  }

  /**
   * Whether no inbox has files still to take. An inbox that cannot be listed counts as unknown,
   * never as empty: it is in `unread`, for once to report (its files, if any, wait for the next run).
   */
  async #inboxesEmpty(): Promise<{ empty: boolean; unread: UnreadInbox[]; unclaimed: UnclaimedFile[] }> {
    const unread: UnreadInbox[] = [];
    const unclaimed: UnclaimedFile[] = [];
    for (const w of this.#watchers) {
      try {
        // files whose claim failed and was reported wait for a person, not for `once`: it names them
        if (await w.watcher.hasWaitingFiles()) return { empty: false, unread, unclaimed };
        for (const f of w.watcher.claimFailures()) unclaimed.push({ companyId: w.companyId, inboxId: w.inboxId, name: f.name, code: f.code, message: f.message });
      } catch (e) {
        const err = e as { code?: string; message: string };
        unread.push({ companyId: w.companyId, inboxId: w.inboxId, folder: w.folder, code: err.code ?? 'INBOX_FOLDER_UNREADABLE', message: err.message });
      }
    }
    return { empty: true, unread, unclaimed };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }

  /**
   * All pending work — inboxes, sends, statuses, UPOs, results — until idle; or until nothing has
   * moved for `once.patienceMs` while work waits (KSeF unreachable): then `completed: false`.
   */
  async runOnce(): Promise<OnceOutcome> {
    let outcome: OnceOutcome;
    try {
      outcome = await this.#runOnce();
    } catch (e) {
      this.#stopReason = `stopped by an error: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
    this.#stopReason ??= this.#stopping
      ? 'a stop was requested'
      : outcome.completed
        ? outcome.unreadInboxes ? `once: all pending work is done, but ${outcome.unreadInboxes.length} inbox(es) could not be read` : outcome.unclaimedFiles ? `once: all pending work is done, but ${outcome.unclaimedFiles.length} file(s) could not be claimed from the inboxes` : 'once: all pending work is done'
        : `once: out of patience, nothing moved for ${Math.round((outcome.stalledMs ?? 0) / 1000)} s while work waits`;
    return outcome;
  }

  async #runOnce(): Promise<OnceOutcome> {
    this.#lastProgress = this.#now();
    for (;;) {
      for (const w of this.#watchers) await w.watcher.scanOnce();
      await this.step();
      await this.#publish();
      if (this.#stopping) return { completed: true };
      const idle = this.pipelines.every((p) => p.isIdle());
      const inboxes = idle ? await this.#inboxesEmpty() : undefined;
      if (inboxes?.empty) {
        await this.#syncPurchases();
        return { completed: true, ...(inboxes.unread.length > 0 ? { unreadInboxes: inboxes.unread } : {}), ...(inboxes.unclaimed.length > 0 ? { unclaimedFiles: inboxes.unclaimed } : {}) };
      }
      const stalledMs = this.#now() - this.#lastProgress;
      if (stalledMs >= this.config.once.patienceMs) return { completed: false, stalledMs };
      const waitKsef = this.pipelines.some((p) => p.waitingOnKsef());
      await this.#sleep(waitKsef ? Math.min(this.config.send.statusPollIntervalMs, 1000) : Math.max(20, Math.min(200, this.config.watcher.stabilityWindowMs)));
    }
  }

  /**
   * The one owner of the purchase cadence, for run and once alike: each company downloads when
   * its interval (purchases.intervalMinutes, from the start of its last run) or a 429 deferral
   * is over. A failure is logged, shown by /health and status, and never stops the send path.
   */
  #purchaseSchedule(): PurchaseScheduler | undefined {
    if (this.#purchases.length === 0) return undefined;
    if (!this.#purchaseScheduler) {
      const byId = new Map(this.#purchases.map((p) => [p.company.id, p.deps]));
      this.#purchaseScheduler = new PurchaseScheduler({
        companies: this.#purchases.map((p) => p.company),
        intervalMinutes: this.config.purchases.intervalMinutes,
        run: async (co) => {
          const r = await runPurchaseSync(co, byId.get(co.id)!);
          const last = r.errors[r.errors.length - 1];
          if (last) this.#purchaseErrors.set(co.id, { code: last.code, message: last.message, at: last.at });
          else if (!r.skipped) this.#purchaseErrors.delete(co.id);
          return r;
        },
      });
    }
    return this.#purchaseScheduler;
  }

  async #syncPurchases(): Promise<void> {
    await this.#purchaseSchedule()?.runDue();
  }

  /** Runs as a service until `stop()`. */
  async start(): Promise<void> {
    for (const w of this.#watchers) await w.watcher.start();
    this.#purchaseSchedule()?.start();
    this.#loop = (async () => {
      while (!this.#stopping) {
        await this.step();
        await this.#publish();
        if (this.#stopping) break;
        const busy = this.pipelines.some((p) => !p.isIdle());
        await this.#sleep(busy ? this.config.send.statusPollIntervalMs : this.config.watcher.scanIntervalMs);
      }
    })();
  }

  /** Finishes the step in flight, then stops watching and closes everything. */
  async stop(reason = 'a stop was requested (SIGINT/SIGTERM); the step in flight was finished'): Promise<void> {
    this.#stopReason ??= reason;
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    await this.#purchaseScheduler?.stop();
    await this.close();
  }

  /** What each company's pipeline and inbox watchers know now: held, retrying trouble, files not taken in, files not claimed. */
  runtimeFacts(): RuntimeFacts[] {
    return this.pipelines.map((p) => {
      const intake = p.intakeTrouble.map(({ sourceName, code, message, since, until, transient }) => ({ sourceName, code, message, since, until, transient }));
      const unclaimed = this.#watchers.filter((w) => w.companyId === p.companyId).flatMap((w) => w.watcher.claimFailures().map((f) => ({ inboxId: w.inboxId, name: f.name, code: f.code, message: f.message, since: f.since })));
      return {
        id: p.companyId,
        ...(p.held ? { held: { code: p.held.code, message: p.held.message, since: p.held.since, until: p.held.until } } : {}),
        ...(p.trouble ? { trouble: p.trouble } : {}),
        ...(intake.length > 0 ? { intake } : {}),
        ...(unclaimed.length > 0 ? { unclaimed } : {}),
      };
    });
  }

  /** The verdict /health serves and status prints, from the same facts (see assessHealth). */
  async health(): Promise<HealthVerdict & { companies: CompanyFacts[] }> {
    const companies = companyFacts(this.config, this.store, this.runtimeFacts(), this.#purchaseErrors, this.#now());
    const verdict = assessHealth({ companies, folders: await folderFacts(this.config), disks: await diskFacts(this.config, stateDirOf(this.config)), credentials: this.#credentialReasons(), unsettledAfterMs: this.config.health.unsettledAfterMinutes * 60_000 });
    return { ...verdict, companies };
  }

  /**
   * After each step: the facts only this process knows go to <state>/runtime.json for status, and
   * a change of verdict is logged once (run "reports itself degraded" and when it recovers).
   */
  async #publish(): Promise<void> {
    const runtime = this.runtimeFacts();
    const text = JSON.stringify(runtime);
    if (text !== this.#published) {
      try {
        await writeRuntimeFacts(stateDirOf(this.config), process.pid, runtime);
        this.#published = text;
        this.#runtimeWriteFailed = false;
      } catch (e) {
        // status would report stale facts (a held company as ok): said once, tried again next step
        if (!this.#runtimeWriteFailed) this.bus.emit('agent.warning', { message: `cannot write ${join(stateDirOf(this.config), 'runtime.json')} for the status command (${e instanceof Error ? e.message : String(e)}); status may miss held companies until it can`, code: 'AGENT_RUNTIME_UNWRITTEN' });
        this.#runtimeWriteFailed = true;
      }
    }
    // credential expiry and the token deadline: logged once a day per company, shown while true
    for (const n of this.#credentials?.due(this.#now()) ?? []) this.bus.emit('agent.warning', { message: n.message, code: n.code, companyId: n.companyId });
    // the same judgement as /health, folders and disks included
    const verdict = await this.health();
    if (verdict.status === this.#level) return;
    this.#level = verdict.status;
    const message = verdict.status === 'ok' ? 'agent is healthy again: nothing needs attention' : `agent is ${verdict.status}: ${verdict.reasons.map((r) => r.message).join('; ')}`;
    this.bus.emit('agent.warning', { message, code: verdict.status === 'ok' ? 'AGENT_HEALTHY' : verdict.status === 'failing' ? 'AGENT_FAILING' : 'AGENT_DEGRADED' });
  }

  #credentialReasons(): CredentialNotice[] {
    return credentialNotices(this.config.companies.map((co) => co.id), this.#credentialFacts ?? this.#o.credentialFacts ?? configCredentialFacts(this.config), this.#now());
  }

  async close(): Promise<void> {
    this.#stopping = true;
    for (const w of this.#watchers) await w.watcher.stop();
    await this.#health?.close();
    for (const c of this.#clients) await c.close().catch(() => undefined);
    await this.#sim?.close();
    if (this.#store) await this.#store.close().catch(() => undefined);
    if (this.#logger) {
      this.bus.emit('agent.stopped', { reason: this.#stopReason ?? 'closed' });
      await closeLogger(this.#logger);
    }
    this.#logger = undefined;
    await this.#lock?.release().catch(() => undefined);
    this.#lock = undefined;
  }
}
