/**
 * `ksef-hotfolder once --config FILE`: all pending work until idle, then exit 0 — or 1 when a
 * company's work waits for a person (KSeF refused its login or permissions), naming it.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { Agent } from '../agent/agent.ts';

export async function runOnceCommand(configFile: string): Promise<Agent> {
  const agent = new Agent(await loadConfig(configFile));
  try {
    await agent.open();
    await agent.runOnce();
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

export function registerOnceCommand(program: Command): void {
  program
    .command('once')
    .description('Process everything pending (inboxes, sends, statuses, UPOs) until idle, then exit.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      const agent = await runOnceCommand(o.config);
      const held = heldCompanies(agent);
      for (const line of held) process.stderr.write(`once: ${line}\n`);
      if (held.length > 0) process.exitCode = 1;
    });
}
