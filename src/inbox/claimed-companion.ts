import { createHash } from 'node:crypto';
import { lstat, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AgentError } from '../core/errors.ts';
import { sourceSidecarName } from './claim-name.ts';

type Rename = (from: string, to: string) => Promise<void>;

/**
 * The companion of a claimed primary lives beside it in the claim folder, hidden (so it is never
 * listed as a claim of its own): `.<claim>.companion` holds its bytes and `.<claim>.companion.name`
 * the name the ERP gave it. The name file is written, durably, before the primary's claim: it is
 * the record that the claim is a pair, so a crash between the two renames is recognised on restart.
 */
export const companionDataName = (claimName: string): string => `.${claimName}.companion`;
export const companionNameFile = (claimName: string): string => `.${claimName}.companion.name`;

export interface ClaimedCompanion {
  /** where its bytes are (or are to be) in the claim folder */
  readonly path: string;
  /** the name the ERP gave it */
  readonly name: string;
}

/** The companion of the claimed file at `claimPath`, when it was claimed as a pair (its bytes may be missing). */
export async function claimedCompanionOf(claimPath: string): Promise<ClaimedCompanion | undefined> {
  const claim = basename(claimPath);
  const name = await readFile(join(dirname(claimPath), companionNameFile(claim)), 'utf8').catch(() => undefined);
  return name === undefined || name === '' ? undefined : { path: join(dirname(claimPath), companionDataName(claim)), name };
}

/**
 * Size and hash of a claimed pair: both files count, so a header file dropped again with other
 * lines is not taken for a duplicate of the first pair. A file without a companion is unchanged.
 */
export async function pairDescription(
  claimPath: string,
  primary: { size: number; sha256: string },
  hashFile: (path: string) => Promise<string>,
): Promise<{ size: number; sha256: string }> {
  const c = await claimedCompanionOf(claimPath);
  const s = c ? await stat(c.path).catch(() => undefined) : undefined;
  if (!c || !s) return primary;
  return { size: primary.size + s.size, sha256: pairSha256(primary.sha256, await hashFile(c.path)) };
}

/** The sha256 a claimed pair is known by, from the sha256 of each of its two files. */
export const pairSha256 = (primarySha256: string, companionSha256: string): string =>
  createHash('sha256').update(`pair\n${primarySha256}\n${companionSha256}\n`).digest('hex');

/** An OS error as an operator reads it: its code and message (`EACCES: permission denied, rename …`). */
export function osErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = err?.message ?? String(e);
  return err?.code && !message.startsWith(err.code) ? `${err.code}: ${message}` : message;
}

/**
 * Moves a pair's companion from the inbox into the claim folder. A companion that is gone (ENOENT)
 * is no failure here: nothing is taken and the intake reports it missing (INBOX_COMPANION_MISSING).
 * Any other failure is returned: the caller must not go on as if it were gone.
 */
export async function moveCompanion(from: string, to: string, fsRename: Rename = rename): Promise<NodeJS.ErrnoException | undefined> {
  try {
    await fsRename(from, to);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (e as NodeJS.ErrnoException);
  }
}

/**
 * Undoes the claim of a primary whose companion cannot be moved: the primary goes back to the
 * inbox under its name, then the records of its claim (pair name, source sidecar) are removed, so
 * the pair is claimed again later, whole. Never over a file of that name the ERP wrote meanwhile
 * (a rename would replace it): that is checked just before the rename. A link and unlink would
 * close that short window but leave the file in both places at a crash, and both would be sent.
 * Returns why the primary cannot go back (it then stays claimed), or undefined when it is back.
 */
export async function returnToInbox(claimPath: string, inboxPath: string, fsRename: Rename = rename): Promise<unknown> {
  const taken = await lstat(inboxPath).then(
    () => Object.assign(new Error(`EEXIST: a new file ${basename(inboxPath)} was written into the inbox meanwhile`), { code: 'EEXIST' }),
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e),
  );
  if (taken) return taken;
  try {
    await fsRename(claimPath, inboxPath);
  } catch (e) {
    return e;
  }
  const dir = dirname(claimPath);
  const claim = basename(claimPath);
  await unlink(join(dir, companionNameFile(claim))).catch(() => {});
  await unlink(join(dir, sourceSidecarName(claim))).catch(() => {});
  return undefined;
}

/**
 * The problem of a claimed primary whose companion could not be moved and which could not go back
 * to the inbox either: it goes to errors with this report; the companion stays in the inbox.
 */
export function companionClaimFailed(primaryName: string, companionName: string, moveError: unknown, backError: unknown): AgentError {
  return new AgentError(
    'INBOX_COMPANION_CLAIM_FAILED',
    `its companion file ${companionName} could not be moved out of the inbox (${osErrorText(moveError)}), and ${primaryName} could not be put back into the inbox (${osErrorText(backError)}); the invoices were not sent, and ${companionName} stays in the inbox`,
    { kind: 'data', where: { file: primaryName }, rule: `make both files movable by the agent's user, then drop ${primaryName} and ${companionName} into the inbox together`, cause: moveError },
  );
}

/** How the claim of a pair cut between its two renames ended at the restart. */
export type PairCompletion =
  /** the companion is beside its primary, or there is none to take (not a pair; or gone: the intake reports it missing) */
  | { readonly status: 'complete' }
  /** the companion cannot be moved now: the primary is back in the inbox and the pair is claimed again, whole */
  | { readonly status: 'returned'; readonly code: string; readonly message: string }
  /** neither: the primary stays claimed and goes to errors with this problem */
  | { readonly status: 'problem'; readonly problem: AgentError };

/**
 * After a crash between the two renames of a pair's claim (the primary claimed, its companion
 * still in the inbox): takes the companion from the inbox now. It had passed the stability gate
 * with the primary before the claim began. When it is no longer there, nothing is taken: the
 * intake reports it missing (INBOX_COMPANION_MISSING). When it is there but cannot be moved (held,
 * permissions, I/O error), the primary goes back to the inbox instead of being taken in alone, so
 * the watcher claims the pair again and reports a failure as for any file. With a done marker
 * (`doneMarker`, the watcher's suffix), both markers are removed once the pair is complete.
 */
export async function completeClaimedPair(
  claim: { readonly path: string; readonly sourceName: string },
  inboxFolder: string,
  opts: { readonly doneMarker?: string; readonly fsRename?: Rename } = {},
): Promise<PairCompletion> {
  const c = await claimedCompanionOf(claim.path);
  if (!c || (await stat(c.path).then(() => true, () => false))) return { status: 'complete' };
  const failed = await moveCompanion(join(inboxFolder, c.name), c.path, opts.fsRename);
  if (!failed) {
    if (opts.doneMarker && opts.doneMarker !== 'none') {
      for (const n of [claim.sourceName, c.name]) await unlink(join(inboxFolder, n + opts.doneMarker)).catch(() => {});
    }
    return { status: 'complete' };
  }
  const back = await returnToInbox(claim.path, join(inboxFolder, claim.sourceName), opts.fsRename);
  if (back !== undefined) return { status: 'problem', problem: companionClaimFailed(claim.sourceName, c.name, failed, back) };
  return {
    status: 'returned',
    code: failed.code ?? 'EIO',
    message: `the claim of ${claim.sourceName} was cut by a stop between its two files; its companion file ${c.name} cannot be moved out of ${inboxFolder} now (${osErrorText(failed)}), so ${claim.sourceName} was put back into the inbox and both are claimed together again`,
  };
}
