import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type winston from 'winston';
import type { AgentConfig } from '../config/agent-config.ts';
import { readToken } from '../config/read-token.ts';
import { EventBus } from '../core/events.ts';
import { InboxWatcher } from '../inbox/inbox-watcher.ts';
import { scanInbox } from '../inbox/scan-inbox.ts';
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

export interface AgentOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** where readable log lines go instead of stdout */
  readonly consoleStream?: NodeJS.WritableStream;
}

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
  #watchers: { companyId: string; watcher: InboxWatcher; folder: string; files?: string }[] = [];
  #health: HealthServer | undefined;
  /** per company: how to run one purchase sync (only when purchase download is enabled) */
  #purchases: { company: AgentConfig['companies'][number]; deps: PurchaseSyncDeps }[] = [];
  #purchaseScheduler: PurchaseScheduler | undefined;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** why the agent stops, for the agent.stopped line */
  #stopReason: string | undefined;
  baseUrl = '';

  constructor(config: AgentConfig, opts: AgentOptions = {}) {
    this.config = config;
    this.#o = opts;
  }

  get store(): LowdbStateStore {
    return this.#store!;
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
    const tokens = new Map<string, string>();
    for (const co of c.companies) {
      const t = await readToken(co.token, env);
      this.redactor.register(t);
      tokens.set(co.id, t);
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
        tokens: c.companies.map((co) => ({ nip: co.nip, token: tokens.get(co.id)! })),
      });
      this.baseUrl = this.#sim.baseUrl;
    } else if (c.environment === 'sim') this.baseUrl = c.simulator.url ?? '';
    const logger = this.#logger;
    // every mapping compiled once, and again only after its file changes
    const mappings = new MappingCache();
    for (const co of c.companies) {
      const client = createKsefClient({
        environment: c.environment,
        ...(c.environment === 'sim' ? { baseUrl: this.baseUrl } : c.ksef.baseUrl ? { baseUrl: c.ksef.baseUrl } : {}),
        nip: co.nip,
        token: async () => tokens.get(co.id)!,
        timeoutMs: c.ksef.timeoutMs,
        poll: { intervalMs: c.send.statusPollIntervalMs },
        logger: {
          warn: (m: string, meta?: Record<string, unknown>) => logger.warn(m, { companyId: co.id, ...meta }),
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
              warn: (m: string, meta?: Record<string, unknown>) => logger.warn(m, { companyId: co.id, job: 'purchases', ...meta }),
              debug: (m: string, meta?: Record<string, unknown>) => logger.debug(m, { companyId: co.id, job: 'purchases', ...meta }),
              error: (m: string, meta?: Record<string, unknown>) => logger.error(m, { companyId: co.id, job: 'purchases', ...meta }),
            } as never,
          },
        });
      }
      const pipeline = new CompanyPipeline({
        company: co, profile: companyProfile(co), store: this.#store, client, bus: this.bus, sessions,
        send: c.send, resultsCsv: c.resultsCsv, today: () => localToday(), now: () => new Date(), mappings,
      });
      this.pipelines.push(pipeline);
      for (const inbox of co.inboxes) {
        const watcher = new InboxWatcher({
          companyId: co.id, inboxId: inbox.id, folder: inbox.folder, workDir: co.folders.work, policy: c.watcher, bus: this.bus,
          ...(inbox.files !== undefined ? { files: inbox.files } : {}),
          onClaimed: (file) => {
            crashPoint('after-claim');
            pipeline.enqueue(file);
            this.#wake?.();
          },
        });
        this.#watchers.push({ companyId: co.id, watcher, folder: inbox.folder, ...(inbox.files !== undefined ? { files: inbox.files } : {}) });
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

  async #inboxesEmpty(): Promise<boolean> {
    for (const w of this.#watchers) {
      const found = await scanInbox(w.folder, { ignore: this.config.watcher.ignore, doneMarker: this.config.watcher.doneMarker, ...(w.files !== undefined ? { files: w.files } : {}) }).catch(() => []);
      if (found.length) return false;
    }
    return true;
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

  /** All pending work — inboxes, sends, statuses, UPOs, results — until idle. */
  async runOnce(): Promise<void> {
    try {
      await this.#runOnce();
    } catch (e) {
      this.#stopReason = `stopped by an error: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
    this.#stopReason ??= this.#stopping ? 'a stop was requested' : 'once: all pending work is done';
  }

  async #runOnce(): Promise<void> {
    for (;;) {
      for (const w of this.#watchers) await w.watcher.scanOnce();
      await this.step();
      if (this.#stopping) return;
      const idle = this.pipelines.every((p) => p.isIdle());
      if (idle && (await this.#inboxesEmpty())) {
        await this.#syncPurchases();
        return;
      }
      const waitKsef = this.pipelines.some((p) => p.waitingOnKsef());
      await this.#sleep(waitKsef ? Math.min(this.config.send.statusPollIntervalMs, 1000) : Math.max(20, Math.min(200, this.config.watcher.stabilityWindowMs)));
    }
  }

  /**
   * One purchase download per company whose turn it is (the 15-minute rule and any 429 deferral
   * are kept by the job itself); a failure there is logged and never stops the send path.
   */
  async #syncPurchases(): Promise<void> {
    await Promise.all(this.#purchases.map(({ company, deps }) => runPurchaseSync(company, deps)));
  }

  /** Runs as a service until `stop()`. */
  async start(): Promise<void> {
    for (const w of this.#watchers) await w.watcher.start();
    if (this.#purchases.length > 0) {
      const byId = new Map(this.#purchases.map((p) => [p.company.id, p.deps]));
      this.#purchaseScheduler = new PurchaseScheduler({
        companies: this.#purchases.map((p) => p.company),
        intervalMinutes: this.config.purchases.intervalMinutes,
        run: (co) => runPurchaseSync(co, byId.get(co.id)!),
      });
      this.#purchaseScheduler.start();
    }
    this.#loop = (async () => {
      while (!this.#stopping) {
        await this.step();
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
  }
}
