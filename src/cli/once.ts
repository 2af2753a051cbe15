/**
 * `ksef-hotfolder once --config FILE`: all pending work until idle, then exit 0 — or 1 when a
 * company's work waits for a person (KSeF refused its login or permissions) or its purchase
 * download failed, naming it and why; or 4 when
 * nothing moved for `once.patienceMs` while work waited (KSeF unreachable), saying what waits.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { Agent } from '../agent/agent.ts';
import type { OnceOutcome } from '../agent/agent.ts';
import { EXIT } from './exit-codes.ts';

export async function runOnceCommand(configFile: string): Promise<Agent & { outcome?: OnceOutcome }> {
  const agent: Agent & { outcome?: OnceOutcome } = new Agent(await loadConfig(configFile), { command: 'once' });
  try {
    await agent.open();
    agent.outcome = await agent.runOnce();
  } finally {
    await agent.close();
  }
  return agent;
}

/** One line per company whose work waits for a person (KSeF refused its login, permissions, …). */
export function heldCompanies(agent: Agent): string[] {
  return agent.pipelines.flatMap((p) => {
    const h = p.held;
    if (!h) return [];
    const waiting = agent.store.activeFiles().filter((f) => f.companyId === p.companyId).length;
    return [`company ${p.companyId} was not sent: ${h.message.replace(`${p.companyId}: `, '')} [${h.code}]; ${waiting} file(s) wait in the work area and go out on the next run once this is fixed`];
  });
}

/** One line per company whose purchase download failed in this run (it is tried again on the next). */
export function failedPurchases(agent: Agent): string[] {
  return [...agent.purchaseErrors].map(([id, e]) => `company ${id}: purchase invoices were not downloaded: ${e.message} [${e.code}]; the next run tries again`);
}

const UNREACHABLE = new Set(['KSEF_NETWORK', 'KSEF_TIMEOUT', 'KSEF_FIREWALL']);

/** After once ran out of patience: one line per company with work left, what waits and why. */
export function waitingCompanies(agent: Agent): string[] {
  return agent.pipelines.flatMap((p) => {
    const files = agent.store.activeFiles().filter((f) => f.companyId === p.companyId && (f.state === 'claimed' || f.state === 'mapped')).length;
    const invoices = agent.store.planned(p.companyId).length + agent.store.inFlight().filter((i) => i.companyId === p.companyId).length;
    if (files === 0 && invoices === 0) return [];
    const t = p.trouble;
    const why = p.held
      ? `KSeF refused the company: ${p.held.message.replace(`${p.companyId}: `, '')} [${p.held.code}]`
      : t
        ? `${UNREACHABLE.has(t.code) ? 'KSeF cannot be reached' : 'KSeF answers with errors'} at ${agent.baseUrl} since ${t.since}: ${t.message.replace(`${p.companyId}: `, '')} [${t.code}]`
        : 'KSeF has not finished processing them';
    return [`company ${p.companyId}: ${files} file(s), ${invoices} invoice(s) wait: ${why}; they go out on the next run`];
  });
}

export function registerOnceCommand(program: Command): void {
  program
    .command('once')
    .description('Process everything pending (inboxes, sends, statuses, UPOs) until idle, then exit.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      const agent = await runOnceCommand(o.config);
      if (agent.outcome?.completed === false) {
        process.stderr.write(`once: gave up after ${Math.round((agent.outcome.stalledMs ?? 0) / 1000)} s without progress (once.patienceMs ${agent.config.once.patienceMs})\n`);
        for (const line of waitingCompanies(agent)) process.stderr.write(`once: ${line}\n`);
        process.exitCode = EXIT.outOfPatience;
        return;
      }
      const notDone = [...heldCompanies(agent), ...failedPurchases(agent)];
      for (const line of notDone) process.stderr.write(`once: ${line}\n`);
      if (notDone.length > 0) process.exitCode = EXIT.notDone;
    });
}
