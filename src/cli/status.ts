/**
 * `ksef-hotfolder status --config FILE [--json]`: pending, failed, accepted today, KSeF
 * reachability, and the health verdict — the same judgement as GET /health (assessHealth), from
 * the state, the folders, the disks, a probe of KSeF and what the running agent (if any)
 * published. Read-only: it takes no lock. Exit 0 ok, 1 degraded, 5 failing.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { request } from 'undici';
import type { AgentConfig } from '../config/agent-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { KSEF_BASE_URLS } from '../ksef/index.ts';
import { LowdbStateStore } from '../store/lowdb-state-store.ts';
import { localToday } from '../pipeline/pipeline-context.ts';
import { stateDirOf } from '../agent/agent.ts';
import { assessHealth } from '../agent/assess-health.ts';
import type { CompanyFacts, HealthVerdict } from '../agent/assess-health.ts';
import { companyFacts, diskFacts, folderFacts, readRuntimeFacts } from '../agent/health-facts.ts';
import type { RuntimeFacts } from '../agent/health-facts.ts';
import { stoppedAgentReasons } from '../agent/stopped-agent.ts';
import { certificateValidTo, configCredentialFacts, credentialNotices } from '../agent/credential-warnings.ts';
import { isStale, LOCK_FILE, readLockHolder } from '../agent/state-lock.ts';
import type { LockHolder } from '../agent/state-lock.ts';
import { formatPurchaseStatus, purchaseStatus } from '../jobs/purchases/index.ts';
import type { PurchaseStatus } from '../jobs/purchases/index.ts';
import { EXIT } from './exit-codes.ts';

interface Reachability {
  readonly reachable: boolean;
  /** in-process simulator: nothing to reach */
  readonly inProcess?: boolean;
  readonly detail: string;
}

async function reachability(config: AgentConfig): Promise<Reachability> {
  let url: string | undefined;
  if (config.environment === 'sim') {
    if (config.simulator.url === undefined) return { reachable: true, inProcess: true, detail: 'simulator (in-process: runs inside the agent, nothing to reach)' };
    url = config.simulator.url;
  } else url = config.ksef.baseUrl ?? KSEF_BASE_URLS[config.environment];
  if (!url) return { reachable: false, detail: 'unknown (no URL)' };
  try {
    const r = await request(`${url.replace(/\/+$/, '')}/security/public-key-certificates`, { method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 });
    await r.body.dump();
    return r.statusCode < 500 ? { reachable: true, detail: `reachable (${url}, HTTP ${r.statusCode})` } : { reachable: false, detail: `answering with errors (${url}, HTTP ${r.statusCode})` };
  } catch (e) {
    return { reachable: false, detail: `NOT reachable (${url}: ${(e as { code?: string }).code ?? (e as Error).message})` };
  }
}

export interface StatusReport extends HealthVerdict {
  readonly environment: string;
  readonly today: { readonly date: string; readonly accepted: number; readonly rejected: number; readonly filesToErrors: number };
  readonly companies: readonly (CompanyFacts & { readonly nip: string; readonly failedFiles: readonly { readonly source: string; readonly codes: readonly string[] }[] })[];
  readonly purchases: readonly PurchaseStatus[];
  readonly ksef: Reachability;
  /** the agent working on this state root, when one runs */
  readonly agent: LockHolder | null;
  /** the agent that stopped without releasing its lock (crashed or killed), with what it last published in runtime.json */
  readonly stoppedAgent?: LockHolder & { readonly lastKnown: readonly RuntimeFacts[] };
}

/** Everything status knows, as data (printed as text or --json). */
export async function statusData(config: AgentConfig, env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): Promise<StatusReport> {
  const stateDir = stateDirOf(config);
  const store = new LowdbStateStore({ dir: stateDir });
  await store.open();
  try {
    const today = localToday();
    const c = store.counts(today);
    const holder = await readLockHolder(stateDir);
    const running = holder && !isStale(holder) ? holder : undefined;
    const runtime = running ? await readRuntimeFacts(stateDir, running.pid) : [];
    // a lock left behind: its agent crashed or was killed (a clean stop releases it)
    const stopped = holder && !running ? { ...holder, lastKnown: await readRuntimeFacts(stateDir, holder.pid) } : undefined;
    const purchases = config.purchases.enabled ? await Promise.all(config.companies.map((co) => purchaseStatus(co, config.purchases))) : [];
    const purchaseErrors = new Map(purchases.flatMap((p) => (p.lastError ? [[p.companyId, p.lastError] as const] : [])));
    const facts = companyFacts(config, store, runtime, purchaseErrors, now);
    const ksef = await reachability(config);
    const credentials = credentialNotices(config.companies.map((co) => co.id), configCredentialFacts(config, await certificateValidTo(config, env)), now);
    const verdict = assessHealth({
      companies: facts, folders: await folderFacts(config), disks: await diskFacts(config, stateDir), credentials, ...(ksef.inProcess ? {} : { ksef }),
      unsettledAfterMs: config.health.unsettledAfterMinutes * 60_000,
      ...(stopped ? { reasons: stoppedAgentReasons(join(stateDir, LOCK_FILE), stopped, stopped.lastKnown) } : {}),
    });
    const active = store.activeFiles();
    return {
      ...verdict,
      environment: config.environment,
      today: { date: today, accepted: c.acceptedOnDay, rejected: c.rejectedOnDay, filesToErrors: c.filesFailedOnDay },
      companies: facts.map((f) => ({
        ...f,
        nip: config.companies.find((co) => co.id === f.id)!.nip,
        failedFiles: active.filter((x) => x.companyId === f.id && x.state === 'failed').map((x) => ({ source: x.sourceName, codes: (x.errors ?? []).map((e) => e.code) })),
      })),
      purchases,
      ksef,
      agent: running ?? null,
      ...(stopped ? { stoppedAgent: stopped } : {}),
    };
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** The status report as text lines. */
export function formatStatus(s: StatusReport): string[] {
  const lines = [`health: ${s.status}`, ...s.reasons.map((r) => `  ${r.level}: ${r.message} [${r.code}]`), ...(s.warnings ?? []).map((w) => `  warning: ${w.message} [${w.code}]`)];
  const stopped = s.stoppedAgent ? `: pid ${s.stoppedAgent.pid} on ${s.stoppedAgent.host} ("${s.stoppedAgent.command}" since ${s.stoppedAgent.since}) stopped without releasing its lock (crashed or killed)` : '';
  lines.push(`agent: ${s.agent ? `running (pid ${s.agent.pid} on ${s.agent.host}, "${s.agent.command}" since ${s.agent.since})` : `not running${stopped}`}`);
  lines.push(`environment: ${s.environment}`, `today (${s.today.date}): ${s.today.accepted} accepted, ${s.today.rejected} rejected, ${s.today.filesToErrors} file(s) to errors/`);
  for (const co of s.companies) {
    lines.push(`company ${co.id} (NIP ${co.nip}): ${co.activeFiles} file(s) in progress, ${co.planned} invoice(s) waiting to be sent, ${co.inFlight} sent and awaiting KSeF`);
    for (const f of co.failedFiles) lines.push(`  failed: ${f.source} (${f.codes.join(', ')})`);
  }
  for (const p of s.purchases) lines.push(...formatPurchaseStatus(p));
  lines.push(`KSeF: ${s.ksef.detail}`);
  return lines;
}

/** The status report as text lines (kept for callers of the earlier API). */
export async function statusReport(config: AgentConfig): Promise<string[]> {
  return formatStatus(await statusData(config));
}

export const statusExitCode = (s: HealthVerdict): number => (s.status === 'ok' ? EXIT.ok : s.status === 'degraded' ? EXIT.notDone : EXIT.failing);

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show health (ok, degraded, failing, with reasons), what is pending, failed and accepted today, and whether KSeF is reachable. Exit 0 ok, 1 degraded, 5 failing.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .option('--json', 'print the report as JSON')
    .action(async (o: { config: string; json?: boolean }) => {
      const s = await statusData(await loadConfig(o.config));
      process.stdout.write(o.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s).join('\n') + '\n');
      process.exitCode = statusExitCode(s);
    });
}
