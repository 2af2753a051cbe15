/** `ksef-hotfolder once --config FILE`: all pending work until idle, then exit 0. */
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

export function registerOnceCommand(program: Command): void {
  program
    .command('once')
    .description('Process everything pending (inboxes, sends, statuses, UPOs) until idle, then exit.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      await runOnceCommand(o.config);
    });
}
