/** A throwaway agent installation: temp root, config file, inboxes, token in an env variable. */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export const REPO = resolve(import.meta.dirname, '../..');
export const DEMO_NIP = '9999999999';

export interface InboxSpec {
  readonly id: string;
  readonly mapping: string;
  /** example folder under inbox-example/ copied in (optional) */
  readonly example?: string;
  readonly files?: string;
}

export interface AgentEnv {
  readonly dir: string;
  readonly configFile: string;
  readonly token: string;
  readonly tokenEnv: string;
  readonly env: NodeJS.ProcessEnv;
  inbox(id: string): string;
  readonly outbox: string;
  readonly archive: string;
  cleanup(): Promise<void>;
}

export interface AgentEnvOptions {
  readonly inboxes: readonly InboxSpec[];
  /** external simulator URL; in-process when absent */
  readonly simUrl?: string;
  readonly send?: Record<string, unknown>;
  readonly watcher?: Record<string, unknown>;
  readonly simulator?: Record<string, unknown>;
  readonly nip?: string;
  readonly token?: string;
  readonly extra?: Record<string, unknown>;
}

export function newToken(): string {
  return `20261121-EC-${randomBytes(5).toString('hex').toUpperCase()}-${randomBytes(5).toString('hex').toUpperCase()}-AB|nip-9999999999|${randomBytes(32).toString('hex')}`;
}

export async function makeAgentEnv(o: AgentEnvOptions): Promise<AgentEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-agent-'));
  const token = o.token ?? newToken();
  const tokenEnv = `KSEF_TOKEN_T${randomBytes(3).toString('hex').toUpperCase()}`;
  const inboxes = o.inboxes.map((b) => ({ id: b.id, folder: `inbox/${b.id}`, mapping: join(REPO, 'mappings', b.mapping), ...(b.files ? { files: b.files } : {}) }));
  for (const b of o.inboxes) {
    await mkdir(join(dir, 'inbox', b.id), { recursive: true });
    if (b.example) await cp(join(REPO, 'inbox-example', b.example), join(dir, 'inbox', b.id), { recursive: true });
  }
  const config = {
    environment: 'sim',
    root: './data',
    simulator: o.simUrl ? { url: o.simUrl } : { rateLimits: 'off', processingDelayMs: 0, ...(o.simulator ?? {}) },
    companies: [
      {
        id: 'acme', nip: o.nip ?? DEMO_NIP, name: 'Przykładowa Spółka Demo sp. z o.o.',
        address: { country: 'PL', line1: 'ul. Przykładowa 1', line2: '00-001 Warszawa' },
        token: { env: tokenEnv }, schema: 'FA(3)',
        folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
        inboxes,
      },
    ],
    send: { statusPollIntervalMs: 100, ...(o.send ?? {}) },
    watcher: { stabilityWindowMs: 0, scanIntervalMs: 200, ...(o.watcher ?? {}) },
    resultsCsv: { enabled: true },
    logging: { level: 'debug', console: false, dir: 'logs' },
    ...(o.extra ?? {}),
  };
  const configFile = join(dir, 'agent.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  return {
    dir, configFile, token, tokenEnv,
    env: { ...process.env, [tokenEnv]: token },
    inbox: (id) => join(dir, 'inbox', id),
    outbox: join(dir, 'outbox'),
    archive: join(dir, 'archive'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Every file under a folder, relative paths, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return names.filter((d) => d.isFile()).map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1)).sort();
}
