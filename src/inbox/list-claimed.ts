import { readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { claimedDir } from './claim-file.ts';
import { sourceNameOf, sourceSidecarName } from './claim-name.ts';
import { mappingsDir } from './mapping-snapshot.ts';

/** A file found in the claim area. */
export interface ClaimedEntry {
  /** the claim id (its file name) */
  readonly name: string;
  readonly path: string;
  /** the name the ERP wrote (from the sidecar when the claim name had to shorten it) */
  readonly sourceName: string;
  /** the inbox it was claimed from; undefined for a claim of an older version (`claimed/<name>`) */
  readonly inboxId?: string;
  /** sha256 of the mapping version fixed at the claim, or `none` (unreadable then) */
  readonly mappingVersion?: string;
}

const isClaimName = (n: string): boolean => n.includes('__') && !n.startsWith('.');

async function entries(dir: string): Promise<{ name: string; isDir: boolean }[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function claimsIn(dir: string, inboxId?: string, mappingVersion?: string): Promise<ClaimedEntry[]> {
  const all = await entries(dir);
  const names = new Set(all.map((e) => e.name));
  const out: ClaimedEntry[] = [];
  for (const e of all) {
    if (!isClaimName(e.name) || (e.isDir && inboxId === undefined)) continue;
    const sidecar = sourceSidecarName(e.name);
    const sourceName = names.has(sidecar) ? await readFile(join(dir, sidecar), 'utf8').catch(() => sourceNameOf(e.name)) : sourceNameOf(e.name);
    out.push({ name: e.name, path: join(dir, e.name), sourceName, ...(inboxId !== undefined ? { inboxId, mappingVersion: mappingVersion! } : {}) });
  }
  return out;
}

/**
 * Files claimed earlier and still in the work area (after a crash or restart), oldest first (the
 * claim name starts with the claim time), so the pipeline can resume them. The layout
 * `claimed/<inbox>/<mapping version>/<claim>` says where each came from; claims of older versions
 * (`claimed/<claim>`) are listed without an inbox.
 */
export async function listClaimed(workDir: string): Promise<ClaimedEntry[]> {
  const root = claimedDir(workDir);
  const out = await claimsIn(root);
  for (const inbox of await entries(root)) {
    if (!inbox.isDir || isClaimName(inbox.name)) continue;
    for (const version of await entries(join(root, inbox.name))) {
      if (version.isDir) out.push(...(await claimsIn(join(root, inbox.name, version.name), inbox.name, version.name)));
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Removes the source-name sidecar of a claim once the state holds the name. */
export async function forgetSourceSidecar(claimPath: string, claimName: string): Promise<void> {
  await unlink(join(claimPath, '..', sourceSidecarName(claimName))).catch(() => {});
}

/**
 * Start-up tidy-up of the claim area, before any claim: sidecars whose claim is gone (or recorded,
 * `keepSidecars` says which to keep), empty claim folders, and kept mapping versions no claim
 * still names. Returns the paths removed.
 */
export async function sweepClaimArea(workDir: string, keepSidecars: (claimName: string) => boolean): Promise<string[]> {
  const removed: string[] = [];
  const root = claimedDir(workDir);
  const used = new Set<string>();
  const tidy = async (dir: string): Promise<void> => {
    const all = await entries(dir);
    const names = new Set(all.map((e) => e.name));
    for (const e of all) {
      // the pair record of a claim that left the claim area (a companion's bytes are never removed here)
      if (e.name.startsWith('.') && e.name.endsWith('.companion.name') && !names.has(e.name.slice(1, -'.companion.name'.length))) {
        await unlink(join(dir, e.name)).then(() => removed.push(join(dir, e.name)), () => undefined);
        continue;
      }
      if (!e.name.startsWith('.') || !e.name.endsWith('.source')) continue;
      const claim = e.name.slice(1, -'.source'.length);
      if (names.has(claim) && keepSidecars(claim)) continue;
      await unlink(join(dir, e.name)).then(() => removed.push(join(dir, e.name)), () => undefined);
    }
  };
  await tidy(root);
  for (const inbox of await entries(root)) {
    if (!inbox.isDir || isClaimName(inbox.name)) continue;
    for (const version of await entries(join(root, inbox.name))) {
      if (!version.isDir) continue;
      const dir = join(root, inbox.name, version.name);
      await tidy(dir);
      if ((await entries(dir)).length > 0) used.add(version.name);
      else await rmdir(dir).then(() => removed.push(dir), () => undefined);
    }
    await rmdir(join(root, inbox.name)).then(() => removed.push(join(root, inbox.name)), () => undefined);
  }
  for (const m of await entries(mappingsDir(workDir))) {
    if (m.isDir || !m.name.endsWith('.json') || used.has(m.name.slice(0, -'.json'.length))) continue;
    const p = join(mappingsDir(workDir), m.name);
    await stat(p).then(() => unlink(p)).then(() => removed.push(p), () => undefined);
  }
  return removed;
}
