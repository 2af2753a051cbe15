/**
 * A long-running agent command (`run`) as a real child process that a test may SIGKILL at any
 * moment, or that may kill itself at a crash point (KSEF_HOTFOLDER_CRASH_AT).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO } from './agent-env.ts';

export interface AgentProcess {
  readonly child: ChildProcess;
  /** settles when the process is gone */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: () => boolean;
  readonly output: () => string;
  /** SIGKILL (no clean-up, like kill -9 or a power cut); resolves once it is gone */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnAgent(args: readonly string[], env: NodeJS.ProcessEnv): AgentProcess {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), ...args], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    alive: () => !gone,
    output: () => out,
    kill: () => {
      if (!gone) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** A TCP port free right now on 127.0.0.1 (for the health endpoint of a child agent). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
