import { hostname } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../core/errors.ts';

/** Who holds a state root: written into `<state>/agent.lock` by the holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder started */
  readonly since: string;
  /** the command it runs: run, once, demo */
  readonly command: string;
}

export interface StateLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** the lock left by a process that no longer runs (kill -9, power loss) and was taken over */
  readonly tookOverFrom?: LockHolder;
  release(): Promise<void>;
}

export const LOCK_FILE = 'agent.lock';

/** true when a process with this id runs on this machine (EPERM: it runs, as another user) */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLockHolder(stateDir: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(join(stateDir, LOCK_FILE), 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' ? { pid: h.pid, host: String(h.host ?? ''), since: String(h.since ?? ''), command: String(h.command ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/** Lock files this process holds (a lock with our own pid that is not among them was left by an earlier process that had the same pid, e.g. pid 1 in a container). */
const heldHere = new Set<string>();

/** A lock is stale only when we can tell: same machine, and its process is gone. */
export function isStale(h: LockHolder, path?: string): boolean {
  if (h.host !== hostname()) return false;
  return h.pid === process.pid ? path !== undefined && !heldHere.has(path) : !alive(h.pid);
}

const lockedError = (stateDir: string, other: LockHolder): AgentError =>
  new AgentError('AGENT_LOCKED', `another agent already works on the state root ${stateDir}: ${describeHolder(other)}; stop it first (two agents on one root would process every file twice), or remove ${join(stateDir, LOCK_FILE)} if that process is gone`, {
    kind: 'config',
    where: { file: join(stateDir, LOCK_FILE) },
  });

/**
 * Refuses at once, writing nothing, when a live agent holds the state root: checked before the
 * configuration's surroundings, whose checks (a busy health port) that agent would otherwise fail.
 */
export async function assertUnlocked(stateDir: string): Promise<void> {
  const other = await readLockHolder(stateDir);
  if (other && !isStale(other, join(stateDir, LOCK_FILE))) throw lockedError(stateDir, other);
}

export const describeHolder = (h: LockHolder): string => `pid ${h.pid} on host ${h.host}, running "${h.command}" since ${h.since}`;

/**
 * Makes this process the only agent on a state root: two agents on one root would send, log and
 * count the same invoices twice. The lock file is created exclusively; a lock whose process is
 * gone (same host, pid not alive) is taken over. A live holder, or one on another host (a shared
 * folder: we cannot tell whether it runs), refuses with AGENT_LOCKED naming it.
 */
export async function acquireStateLock(stateDir: string, command: string, now: () => Date = () => new Date()): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: now().toISOString(), command };
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(JSON.stringify(holder) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      heldHere.add(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
    }
    const other = await readLockHolder(stateDir);
    // a lock file being written this instant reads empty: look again
    if (other === undefined) {
      await new Promise((r) => setTimeout(r, 50));
      if ((await readLockHolder(stateDir)) === undefined) await rm(path, { force: true });
      continue;
    }
    if (!isStale(other, path)) throw lockedError(stateDir, other);
    tookOverFrom = other;
    await rm(path, { force: true });
  }
  return {
    path,
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    release: async () => {
      const h = await readLockHolder(stateDir);
      if (h?.pid === holder.pid && h.since === holder.since) await rm(path, { force: true });
      heldHere.delete(path);
    },
  };
}
