/**
 * `ksef-hotfolder once --config FILE`: all pending work until idle, then exit 0 — or 1 when a
 * company's work waits for a person (KSeF refused its login or permissions), naming it, or an
 * inbox could not be listed (its files were not seen), or a file could not be claimed from an
 * inbox or taken in from the work area (naming the file and the code), or its purchase download
 * failed, naming it and why; or 4 when
 * nothing moved for `once.patienceMs` while work waited (KSeF unreachable), saying what waits.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { Agent } from '../agent/agent.ts';
import type { OnceOutcome } from '../agent/agent.ts';
import { EXIT } from './exit-codes.ts';
import { filesInProgress } from '../agent/health-facts.ts';

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
    const waiting = filesInProgress(agent.store.activeFiles(), p.companyId);
    return [`company ${p.companyId} was not sent: ${h.message.replace(`${p.companyId}: `, '')} [${h.code}]; ${waiting} file(s) wait in the work area and go out on the next run once this is fixed`];
  });
}

/**
 * One line per claimed file a company could not take in (nor move to errors): a local failure,
 * not KSeF's. The file stays claimed in the work area and the next run tries it again.
 */
export function untakenFiles(agent: Agent): string[] {
  return agent.pipelines.flatMap((p) => p.intakeTrouble.map((t) => `company ${p.companyId}: ${t.sourceName} could not be taken in: ${t.message.replace(`${p.companyId}: `, '')} [${t.code}]; it stays claimed in the work area and the next run tries it again`));
}

/** One line per company whose purchase download failed in this run (it is tried again on the next). */
export function failedPurchases(agent: Agent): string[] {
  return [...agent.purchaseErrors].map(([id, e]) => `company ${id}: purchase invoices were not downloaded: ${e.message} [${e.code}]; the next run tries again`);
}

const UNREACHABLE = new Set(['KSEF_NETWORK', 'KSEF_TIMEOUT', 'KSEF_FIREWALL']);

/** After once ran out of patience: one line per company with work left, what waits and why. */
export function waitingCompanies(agent: Agent): string[] {
  return agent.pipelines.flatMap((p) => {
    const files = filesInProgress(agent.store.activeFiles(), p.companyId);
    const invoices = agent.store.planned(p.companyId).length + agent.store.inFlight().filter((i) => i.companyId === p.companyId).length;
    if (files === 0 && invoices === 0) return [];
    const t = p.trouble;
    // a file the agent could not take in is a local failure, said before (or beside) KSeF's
    const local = p.intakeTrouble.map((u) => `${u.sourceName} could not be taken in since ${u.since}: ${u.message.replace(`${p.companyId}: `, '')} [${u.code}]`);
    const remote = t ? [`${UNREACHABLE.has(t.code) ? 'KSeF cannot be reached' : 'KSeF answers with errors'} at ${agent.baseUrl} since ${t.since}: ${t.message.replace(`${p.companyId}: `, '')} [${t.code}]`] : [];
    const why = p.held
      ? `KSeF refused the company: ${p.held.message.replace(`${p.companyId}: `, '')} [${p.held.code}]`
      : [...local, ...remote].join('; ') || 'KSeF has not finished processing them';
    return [`company ${p.companyId}: ${files} file(s), ${invoices} invoice(s) wait: ${why}; they go out on the next run`];
  });
}

/** One line per inbox once could not list: whatever is in it was not seen, not sent. */
export function unreadInboxLines(outcome: OnceOutcome | undefined): string[] {
  return (outcome?.unreadInboxes ?? []).map((u) => `inbox ${u.companyId}/${u.inboxId} was not read: ${u.message} [${u.code}]; files in it were not taken and go out on a run once it can be read`);
}

/** One line per file once saw in an inbox and could not claim: it stays there, not taken. */
export function unclaimedFileLines(outcome: OnceOutcome | undefined): string[] {
  return (outcome?.unclaimedFiles ?? []).map((u) => `inbox ${u.companyId}/${u.inboxId}: file ${u.name} cannot be taken: ${u.message} [${u.code}]; it stays in the inbox and goes out on a run that can claim it`);
}

/** What once says (stderr lines) and its exit code, from how the run ended. */
export function onceVerdict(agent: Agent & { outcome?: OnceOutcome }): { exitCode: number; lines: string[] } {
  if (agent.outcome?.completed === false) {
    return {
      exitCode: EXIT.outOfPatience,
      lines: [`gave up after ${Math.round((agent.outcome.stalledMs ?? 0) / 1000)} s without progress (once.patienceMs ${agent.config.once.patienceMs})`, ...waitingCompanies(agent)],
    };
  }
  const lines = [...heldCompanies(agent), ...unreadInboxLines(agent.outcome), ...unclaimedFileLines(agent.outcome), ...untakenFiles(agent), ...failedPurchases(agent)];
  return { exitCode: lines.length > 0 ? EXIT.notDone : EXIT.ok, lines };
}

export function registerOnceCommand(program: Command): void {
  program
    .command('once')
    .description('Process everything pending (inboxes, sends, statuses, UPOs) until idle, then exit.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      const verdict = onceVerdict(await runOnceCommand(o.config));
      for (const line of verdict.lines) process.stderr.write(`once: ${line}\n`);
      if (verdict.exitCode !== EXIT.ok) process.exitCode = verdict.exitCode;
    });
}
