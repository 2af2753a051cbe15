/**
 * The facts assessHealth judges, gathered from the disk, the state store and the running agent.
 * The running agent publishes what only it knows (held companies, trouble it retries) in
 * `<state>/runtime.json`, so that `status`, another process, judges the same facts.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AgentConfig } from '../config/agent-config.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';
import type { FileRecord, InvoiceRecord, StateStore } from '../store/state-store.ts';
import type { CompanyFacts, DiskFacts, FolderFacts, RuntimeFacts } from './assess-health.ts';

export type { RuntimeFacts };

export const RUNTIME_FILE = 'runtime.json';

export async function writeRuntimeFacts(stateDir: string, pid: number, companies: readonly RuntimeFacts[]): Promise<void> {
  await writeFileAtomic(join(stateDir, RUNTIME_FILE), JSON.stringify({ pid, companies }) + '\n');
}

/** What the agent with this pid last published; nothing when another process wrote it. */
export async function readRuntimeFacts(stateDir: string, pid: number): Promise<readonly RuntimeFacts[]> {
  try {
    const r = JSON.parse(await readFile(join(stateDir, RUNTIME_FILE), 'utf8')) as { pid: number; companies: RuntimeFacts[] };
    return r.pid === pid ? r.companies : [];
  } catch {
    return [];
  }
}

/**
 * How many files of a company are in progress: claimed or mapped, their invoices not all final.
 * The one count of it — status, /health and `once`'s closing lines all say this number; files in
 * errors/ (failed) or recognised as duplicates are finished work, not waiting.
 */
export function filesInProgress(files: readonly FileRecord[], companyId: string): number {
  return files.filter((f) => f.companyId === companyId && (f.state === 'claimed' || f.state === 'mapped')).length;
}

/** Since when an in-flight invoice waits for KSeF: its send, or its recorded intent when not (known to be) sent. */
const inFlightSince = (i: InvoiceRecord): string => (i.state === 'sent' ? i.sentAt : i.intentAt) ?? i.sentAt ?? i.intentAt ?? i.updatedAt;

/** The in-flight invoice waiting longest, and for how long at `now`. */
export function oldestInFlight(invoices: readonly InvoiceRecord[], now: number): CompanyFacts['oldestInFlight'] {
  let oldest: { number: string; since: string } | undefined;
  for (const i of invoices) {
    const since = inFlightSince(i);
    if (!oldest || Date.parse(since) < Date.parse(oldest.since)) oldest = { number: i.number, since };
  }
  return oldest && { ...oldest, ageMs: now - Date.parse(oldest.since) };
}

/** Per company: what waits, from the state store, plus what the running agent knows; `now` dates the in-flight invoices. */
export function companyFacts(config: AgentConfig, store: StateStore, runtime: readonly RuntimeFacts[], purchaseErrors: ReadonlyMap<string, CompanyFacts['purchaseError']> = new Map(), now: number = Date.now()): CompanyFacts[] {
  const active = store.activeFiles();
  const inFlight = store.inFlight();
  return config.companies.map((co) => {
    const rt = runtime.find((r) => r.id === co.id);
    const pe = purchaseErrors.get(co.id);
    const mine = inFlight.filter((i) => i.companyId === co.id);
    const oldest = oldestInFlight(mine, now);
    return {
      id: co.id,
      activeFiles: filesInProgress(active, co.id),
      planned: store.planned(co.id).length,
      inFlight: mine.length,
      ...(oldest ? { oldestInFlight: oldest } : {}),
      ...(rt?.held ? { held: rt.held } : {}),
      ...(rt?.trouble ? { trouble: rt.trouble } : {}),
      ...(rt?.intake?.length ? { intake: rt.intake } : {}),
      ...(rt?.unclaimed?.length ? { unclaimed: rt.unclaimed } : {}),
      ...(pe ? { purchaseError: pe } : {}),
    };
  });
}

async function folderProblem(path: string, mustExist: boolean): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return 'is not a folder';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return `cannot be read (${code})`;
    return mustExist ? 'does not exist' : undefined;
  }
  try {
    await access(path, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (e) {
    return `is not readable and writable by this user (${(e as NodeJS.ErrnoException).code})`;
  }
  return undefined;
}

/** Inboxes must exist (the ERP writes there); outbox, archive and work are created when missing. */
export async function folderFacts(config: AgentConfig): Promise<FolderFacts[]> {
  const out: FolderFacts[] = [];
  for (const co of config.companies) {
    for (const b of co.inboxes) {
      const problem = await folderProblem(b.folder, true);
      out.push({ companyId: co.id, role: `inbox ${b.id}`, path: b.folder, ...(problem ? { problem } : {}) });
    }
    for (const role of ['outbox', 'archive', 'work'] as const) {
      const problem = await folderProblem(co.folders[role], false);
      out.push({ companyId: co.id, role, path: co.folders[role], ...(problem ? { problem } : {}) });
    }
  }
  return out;
}

/** The nearest folder that exists on the way up (a volume is measured where it is). */
async function existing(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    if (await stat(p).then(() => true, () => false)) return p;
    if (dirname(p) === p) return p;
  }
}

/** Free space on each volume the agent writes to: state, work and outbox of every company. */
export async function diskFacts(config: AgentConfig, stateDir: string): Promise<DiskFacts[]> {
  const minFreeBytes = config.health.minFreeMb * 1024 * 1024;
  const paths = [stateDir, ...config.companies.flatMap((c) => [c.folders.work, c.folders.outbox])];
  const seen = new Set<number | bigint>();
  const out: DiskFacts[] = [];
  for (const p of paths) {
    const at = await existing(p);
    const s = await statfs(at).catch(() => undefined);
    const dev = await stat(at).then((x) => x.dev, () => -1);
    if (!s || seen.has(dev)) continue;
    seen.add(dev);
    out.push({ path: p, freeBytes: Number(s.bavail) * Number(s.bsize), minFreeBytes });
  }
  return out;
}
