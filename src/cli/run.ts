/** `ksef-hotfolder run --config FILE`: the service, until SIGINT/SIGTERM (the step in flight finishes). */
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { Agent } from '../agent/agent.ts';

export async function runService(configFile: string): Promise<void> {
  const agent = new Agent(await loadConfig(configFile), { command: 'run' });
  try {
    await agent.open();
  } catch (e) {
    await agent.close();
    throw e;
  }
  await agent.start();
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await agent.stop();
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run the agent as a service: watch the inboxes, send, poll, download UPOs, until SIGINT/SIGTERM.')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (o: { config: string }) => {
      await runService(o.config);
    });
}
