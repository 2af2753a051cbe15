/** `ksef-hotfolder status --config FILE`: pending, failed, accepted today, KSeF reachability. */
import type { Command } from 'commander';
import { request } from 'undici';
import type { AgentConfig } from '../config/agent-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { KSEF_BASE_URLS } from '../ksef/index.ts';
import { LowdbStateStore } from '../store/lowdb-state-store.ts';
import { localToday } from '../pipeline/pipeline-context.ts';
import { stateDirOf } from '../agent/agent.ts';
import { formatPurchaseStatus, purchaseStatus } from '../jobs/purchases/index.ts';

async function reachability(config: AgentConfig): Promise<string> {
  let url: string | undefined;
  if (config.environment === 'sim') {
    if (config.simulator.url === undefined) return 'simulator (in-process: runs inside the agent, nothing to reach)';
    url = config.simulator.url;
  } else url = config.ksef.baseUrl ?? KSEF_BASE_URLS[config.environment];
  if (!url) return 'unknown (no URL)';
  try {
    const r = await request(`${url.replace(/\/+$/, '')}/security/public-key-certificates`, { method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 });
    await r.body.dump();
    return r.statusCode < 500 ? `reachable (${url}, HTTP ${r.statusCode})` : `answering with errors (${url}, HTTP ${r.statusCode})`;
  } catch (e) {
    return `NOT reachable (${url}: ${(e as { code?: string }).code ?? (e as Error).message})`;
  }
}

/** The status report as text lines. */
export async function statusReport(config: AgentConfig): Promise<string[]> {
  const store = new LowdbStateStore({ dir: stateDirOf(config) });
  await store.open();
  const today = localToday();
  const c = store.counts(today);
  const lines = [`environment: ${config.environment}`, `today (${today}): ${c.acceptedOnDay} accepted, ${c.rejectedOnDay} rejected, ${c.filesFailedOnDay} file(s) to errors/`];
  for (const co of config.companies) {
    const files = store.activeFiles().filter((f) => f.companyId === co.id);
    const planned = store.planned(co.id).length;
    const inFlight = store.inFlight().filter((i) => i.companyId === co.id).length;
    lines.push(`company ${co.id} (NIP ${co.nip}): ${files.length} file(s) in progress, ${planned} invoice(s) waiting to be sent, ${inFlight} sent and awaiting KSeF`);
    for (const f of files.filter((x) => x.state === 'failed')) lines.push(`  failed: ${f.sourceName} (${(f.errors ?? []).map((e) => e.code).join(', ')})`);
  }
  for (const co of config.companies) lines.push(...formatPurchaseStatus(await purchaseStatus(co, config.purchases)));
  lines.push(`KSeF: ${await reachability(config)}`);
  return lines;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show what is pending, failed and accepted today, and whether KSeF is reachable.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      const lines = await statusReport(await loadConfig(o.config));
      process.stdout.write(lines.join('\n') + '\n');
    });
}
