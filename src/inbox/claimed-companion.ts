import { createHash } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
  const sha256 = createHash('sha256').update(`pair\n${primary.sha256}\n${await hashFile(c.path)}\n`).digest('hex');
  return { size: primary.size + s.size, sha256 };
}

/**
 * After a crash between the two renames of a pair's claim (the primary claimed, its companion
 * still in the inbox): takes the companion from the inbox now. It had passed the stability gate
 * with the primary before the claim began. When it is no longer there, nothing is taken: the
 * intake reports it missing (INBOX_COMPANION_MISSING).
 */
export async function completeClaimedPair(claimPath: string, inboxFolder: string): Promise<void> {
  const c = await claimedCompanionOf(claimPath);
  if (!c || (await stat(c.path).then(() => true, () => false))) return;
  await rename(join(inboxFolder, c.name), c.path).catch(() => undefined);
}
