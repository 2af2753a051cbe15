import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';
import { claimNameFor, sourceSidecarName } from './claim-name.ts';
import { snapshotMapping } from './mapping-snapshot.ts';
import { companionClaimFailed, companionDataName, companionNameFile, moveCompanion, osErrorText, pairDescription, returnToInbox } from './claimed-companion.ts';
import { crashPoint } from '../pipeline/crash-point.ts';

export { sourceNameOf } from './claim-name.ts';

/** Result of one claim attempt. */
export type ClaimResult =
  | { readonly status: 'claimed'; readonly file: InboxFile }
  /**
   * the writer still holds the file (EBUSY/EPERM/EACCES): try again later. `companion`: the file
   * held is the companion of a pair (its name); the primary went back to the inbox
   */
  | { readonly status: 'busy'; readonly code: string; readonly companion?: string }
  /** the file is no longer there: someone else took it, or the writer moved it */
  | { readonly status: 'gone' };

export interface ClaimTarget {
  readonly companyId: string;
  readonly inboxId: string;
  /** the agent's work area (outside every inbox, same volume) */
  readonly workDir: string;
  /** the inbox's mapping file: the version claimed files are mapped with is fixed at the claim */
  readonly mapping: string;
  /**
   * When given, picks the mapping version for a file name instead (an inbox with several mappings,
   * or one whose mapping names its files): the sha256 of a kept copy, or NO_MAPPING_APPLIES
   */
  readonly chooseMappingVersion?: (sourceName: string) => Promise<string>;
}

/** The sub-folder of the work area that holds claimed files. */
export const claimedDir = (workDir: string): string => join(workDir, 'claimed');

/**
 * Where a claim of this inbox with this mapping version goes: `claimed/<inbox id>/<mapping
 * sha256>/`. The rename into it is the claim, so the inbox and the mapping version are durable
 * in the same atomic step as the claim itself, without any other write.
 */
export const claimFolder = (workDir: string, inboxId: string, mappingVersion: string): string => join(claimedDir(workDir), inboxId, mappingVersion);

/**
 * What the path of a claimed file says: its inbox and mapping version (`claimed/<inbox>/<sha>/<name>`),
 * or undefined for a claim of an older version (`claimed/<name>`), which recorded neither.
 */
export function claimLayoutOf(workDir: string, path: string): { inboxId: string; mappingVersion: string } | undefined {
  const parts = relative(claimedDir(workDir), path).split(sep);
  return parts.length === 3 ? { inboxId: parts[0]!, mappingVersion: parts[1]! } : undefined;
}

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

/** The AgentError of a claimed file whose bytes cannot be read (it goes to errors with it). */
export function unreadableFile(sourceName: string, e: unknown): AgentError {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new AgentError('INBOX_FILE_UNREADABLE', `the file cannot be read (${code}); it was not sent. Check its permissions (the agent's user must be able to read it) and drop it again`, {
    where: { file: sourceName },
    cause: e,
  });
}

export interface ClaimOptions {
  readonly markerPath?: string;
  readonly now?: () => number;
  /** for tests of the refusal paths */
  readonly fsRename?: (from: string, to: string) => Promise<void>;
  /** for tests of unreadable files (root reads everything) */
  readonly hashFile?: (path: string) => Promise<string>;
  /** the companion claimed with this file (input.companion): renamed in right after it, hidden beside it */
  readonly companion?: { readonly path: string; readonly name: string; readonly markerPath?: string };
}

/**
 * Claims one inbox file by an atomic rename into `<work>/claimed/<inbox>/<mapping version>/` —
 * only one claimant can win, and on Windows the rename fails while the ERP still holds the file
 * open, so it doubles as the lock probe. Before the rename the mapping's bytes are kept
 * (mapping-snapshot.ts) and, for a name too long to fit beside the claim prefix, the full name is
 * written to a hidden sidecar; both are durable before the claim. The done marker, if any, is
 * removed after the claim. A claimed file that cannot be read is still returned as claimed, with
 * `problem` saying why (it goes to errors, never back to the inbox). A pair's companion is renamed
 * in right after its primary; when that fails for any reason but ENOENT, the primary goes back to
 * the inbox and the result is the one a failed claim of a single file gets (busy, or thrown).
 */
export async function claimFile(path: string, sourceName: string, target: ClaimTarget, opts: ClaimOptions = {}): Promise<ClaimResult> {
  const now = opts.now ?? Date.now;
  const version = target.chooseMappingVersion ? await target.chooseMappingVersion(sourceName) : await snapshotMapping(target.workDir, target.mapping);
  const dir = claimFolder(target.workDir, target.inboxId, version);
  await mkdir(dir, { recursive: true });
  const claimedAt = now();
  const { name, fitted } = claimNameFor(`${stamp(claimedAt)}-${randomBytes(3).toString('hex')}`, sourceName);
  const dest = join(dir, name);
  const sidecar = join(dir, sourceSidecarName(name));
  if (fitted) await writeFileAtomic(sidecar, sourceName);
  // a pair: its companion's name is durable before the claim, so a crash between the two renames
  // leaves a claim that knows it still has to take its companion (completeClaimedPair)
  const pairName = opts.companion ? join(dir, companionNameFile(name)) : undefined;
  if (pairName) await writeFileAtomic(pairName, opts.companion!.name);
  const fsRename = opts.fsRename ?? rename;
  try {
    await fsRename(path, dest);
  } catch (e) {
    if (fitted) await unlink(sidecar).catch(() => {});
    if (pairName) await unlink(pairName).catch(() => {});
    return failedMove(e, sourceName, target.workDir);
  }
  let problem: AgentError | undefined;
  if (opts.companion) {
    crashPoint('between-pair-claims');
    const failed = await moveCompanion(opts.companion.path, join(dir, companionDataName(name)), fsRename);
    if (failed) {
      // nothing half-claimed: the primary goes back, and the pair is treated as one file whose claim failed
      const back = await returnToInbox(dest, path, fsRename);
      if (back === undefined) return failedMove(failed, sourceName, target.workDir, opts.companion.name);
      problem = companionClaimFailed(sourceName, opts.companion.name, failed, back);
    } else if (opts.companion.markerPath) await unlink(opts.companion.markerPath).catch(() => {});
  }
  // the primary's marker goes only once the pair is whole: a primary put back must still be "done"
  if (opts.markerPath) await unlink(opts.markerPath).catch(() => {});
  const file = { companyId: target.companyId, inboxId: target.inboxId, sourceName, path: dest, claimedAt: new Date(claimedAt).toISOString() };
  const described = await describeClaimed(file, opts.hashFile);
  return { status: 'claimed', file: problem && !described.problem ? { ...described, problem } : described };
}

/**
 * What a failed move out of the inbox means, alike for a file and for the companion of a pair
 * (`companion`: its name): gone, busy (retried at the next scan), or thrown — the work area on
 * another volume (INBOX_CROSS_DEVICE) or any other failure (INBOX_CLAIM_FAILED, retried after a pause).
 */
function failedMove(e: unknown, sourceName: string, workDir: string, companion?: string): ClaimResult {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT') return { status: 'gone' };
  if (BUSY.has(code)) return { status: 'busy', code, ...(companion !== undefined ? { companion } : {}) };
  const what = companion !== undefined ? `its companion file ${companion} (${osErrorText(e)})` : undefined;
  if (code === 'EXDEV') {
    const message = what
      ? `cannot claim ${sourceName}: ${what} cannot be moved into the work folder ${workDir}, which is on another volume than the inbox; put them on the same volume`
      : `cannot claim ${sourceName}: the work folder ${workDir} is on another volume than the inbox; put them on the same volume`;
    throw new AgentError('INBOX_CROSS_DEVICE', message, { kind: 'config', where: { file: sourceName }, cause: e });
  }
  const message = what ? `cannot claim ${sourceName}: ${what} cannot be moved out of the inbox` : `cannot claim ${sourceName}: ${code || (e as Error).message}`;
  throw new AgentError('INBOX_CLAIM_FAILED', message, { kind: 'transient', where: { file: sourceName }, cause: e });
}

/** Size and hash of a claimed file; when it cannot be read, `problem` says so (sha256 empty). */
export async function describeClaimed(
  file: Omit<InboxFile, 'size' | 'sha256'>,
  hashFile: (path: string) => Promise<string> = sha256File,
): Promise<InboxFile> {
  try {
    const s = await stat(file.path);
    return { ...file, ...(await pairDescription(file.path, { size: s.size, sha256: await hashFile(file.path) }, hashFile)) };
  } catch (e) {
    return { ...file, size: 0, sha256: '', problem: unreadableFile(file.sourceName, e) };
  }
}
