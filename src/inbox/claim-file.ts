import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';

/** Result of one claim attempt. */
export type ClaimResult =
  | { readonly status: 'claimed'; readonly file: InboxFile }
  /** the writer still holds the file (EBUSY/EPERM/EACCES): try again later */
  | { readonly status: 'busy'; readonly code: string }
  /** the file is no longer there: someone else took it, or the writer moved it */
  | { readonly status: 'gone' };

export interface ClaimTarget {
  readonly companyId: string;
  readonly inboxId: string;
  /** the agent's work area (outside every inbox, same volume) */
  readonly workDir: string;
}

/** The sub-folder of the work area that holds claimed files. */
export const claimedDir = (workDir: string): string => join(workDir, 'claimed');

const BUSY = new Set(['EBUSY', 'EPERM', 'EACCES']);

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T.Z]/g, '');
}

/** sha256 of a file's bytes, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Recovers the name the ERP wrote from a claimed file name (`<stamp>-<rand>__<name>`). */
export function sourceNameOf(claimedName: string): string {
  const i = claimedName.indexOf('__');
  return i < 0 ? claimedName : claimedName.slice(i + 2);
}

/**
 * Claims one inbox file by an atomic rename into `<work>/claimed/` — only one claimant can win,
 * and on Windows the rename fails while the ERP still holds the file open, so it doubles as the
 * lock probe. The done marker, if any, is removed after the claim. `fsRename` is injectable for
 * tests of the refusal paths.
 */
export async function claimFile(
  path: string,
  sourceName: string,
  target: ClaimTarget,
  opts: { markerPath?: string; now?: () => number; fsRename?: (from: string, to: string) => Promise<void> } = {},
): Promise<ClaimResult> {
  const now = opts.now ?? Date.now;
  const dir = claimedDir(target.workDir);
  await mkdir(dir, { recursive: true });
  const claimedAt = now();
  const dest = join(dir, `${stamp(claimedAt)}-${randomBytes(3).toString('hex')}__${sourceName}`);
  try {
    await (opts.fsRename ?? rename)(path, dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return { status: 'gone' };
    if (BUSY.has(code)) return { status: 'busy', code };
    if (code === 'EXDEV') {
      throw new AgentError('INBOX_CROSS_DEVICE', `cannot claim ${sourceName}: the work folder ${target.workDir} is on another volume than the inbox; put them on the same volume`, {
        kind: 'config',
        where: { file: sourceName },
      });
    }
    throw new AgentError('INBOX_CLAIM_FAILED', `cannot claim ${sourceName}: ${code || (e as Error).message}`, { kind: 'transient', where: { file: sourceName }, cause: e });
  }
  if (opts.markerPath) await unlink(opts.markerPath).catch(() => {});
  return { status: 'claimed', file: await describeClaimed(dest, target, new Date(claimedAt).toISOString(), sourceName) };
}

async function describeClaimed(path: string, target: ClaimTarget, claimedAt: string, sourceName: string): Promise<InboxFile> {
  const s = await stat(path);
  return { companyId: target.companyId, inboxId: target.inboxId, sourceName, path, size: s.size, sha256: await sha256File(path), claimedAt };
}

/**
 * Files claimed earlier and still in the work area (after a crash or restart), oldest first, so
 * the pipeline can resume them; which inbox each came from is in the store.
 */
export async function listClaimed(workDir: string): Promise<{ name: string; path: string; sourceName: string }[]> {
  let names: string[];
  try {
    names = await readdir(claimedDir(workDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.includes('__') && !n.startsWith('.'))
    .sort()
    .map((name) => ({ name, path: join(claimedDir(workDir), name), sourceName: sourceNameOf(name) }));
}
