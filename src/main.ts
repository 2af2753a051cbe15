/**
 * Composition root of the `ksef-hotfolder` binary: one file per command in cli/, each exporting a
 * `register…Command(program)`. The only place that may end the process.
 */
import { Command, CommanderError } from 'commander';
import { registerSimCommand } from './cli/sim.ts';
import { registerPreviewCommand } from './cli/preview.ts';
import { registerRunCommand } from './cli/run.ts';
import { registerOnceCommand } from './cli/once.ts';
import { registerStatusCommand } from './cli/status.ts';
import { registerDemoCommand } from './cli/demo.ts';
import { registerCertCommand } from './cli/cert.ts';
import { registerSuggestCommand } from './cli/suggest.ts';
import { isAgentError, describeError } from './core/errors.ts';
import { EXIT } from './cli/exit-codes.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ksef-hotfolder')
    .description('Hot-folder agent for KSeF (API 2.0): ERP files in, FA XML, KSeF number and UPO out.')
    .showHelpAfterError()
    .exitOverride();
  registerPreviewCommand(program);
  registerSimCommand(program);
  registerRunCommand(program);
  registerOnceCommand(program);
  registerStatusCommand(program);
  registerDemoCommand(program);
  registerCertCommand(program);
  registerSuggestCommand(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; a wrong or missing option (a missing --config) is a usage error
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.config;
      return;
    }
    if (isAgentError(err)) {
      process.stderr.write(describeError(err) + '\n');
      process.exitCode = err.code === 'AGENT_LOCKED' ? EXIT.locked : err.kind === 'config' ? EXIT.config : EXIT.notDone;
      return;
    }
    process.stderr.write(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = EXIT.internal;
  }
}

await main();
