import { readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AgentError } from '../core/errors.ts';
import { claimedCompanionOf, companionNameFile, pairSha256 } from '../inbox/claimed-companion.ts';
import { sha256File } from '../inbox/claim-file.ts';
import { safeFileName } from '../outbox/safe-file-name.ts';
import { writeErrorReport } from '../outbox/error-report.ts';
import type { ErrorReportMeta } from '../outbox/error-report.ts';
import { moveNoOverwrite } from '../outbox/move-no-overwrite.ts';
import { archiveSource } from '../outbox/outbox-files.ts';
import { crashPoint } from './crash-point.ts';

/*
 * Where a claimed pair (input.companion) goes, both files together: the companion first, then the
 * primary. A crash between the two leaves the primary claimed, so the same step run again finishes
 * the work (the companion already gone is skipped); a companion is never left claimed without its
 * primary.
 */

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** The pair record beside a claim is not needed once the primary left the claim area. */
async function forgetPair(claimPath: string): Promise<void> {
  await unlink(join(dirname(claimPath), companionNameFile(basename(claimPath)))).catch(() => {});
}

/**
 * Where an earlier attempt (cut short by a crash after the lines file's move) placed the lines
 * file in errors/: the one of its names (`name.ext`, `name (n).ext`) whose bytes, with the primary
 * still claimed, make the pair's sha256. Undefined when none does (or the primary is gone too).
 */
async function placedEarlier(dir: string, srcPath: string, name: string, pairSha: string): Promise<string | undefined> {
  if (!(await exists(srcPath))) return undefined;
  const base = safeFileName(name);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const ours = (n: string): boolean => n === base || (n.startsWith(`${stem} (`) && n.endsWith(`)${ext}`) && /^\d+$/.test(n.slice(stem.length + 2, n.length - ext.length - 1)));
  const candidates = (await readdir(dir).catch(() => [] as string[])).filter(ours);
  if (!candidates.length) return undefined;
  const primary = await sha256File(srcPath);
  for (const n of candidates) {
    if (pairSha256(primary, await sha256File(join(dir, n)).catch(() => '')) === pairSha) return n;
  }
  return undefined;
}

/** writeErrorReport for a claimed file, its companion (if any) moved to errors/ beside it and named in the report. */
export async function writePairErrorReport(outboxDir: string, srcPath: string, sourceName: string, errors: readonly AgentError[], meta: ErrorReportMeta): Promise<string> {
  const c = await claimedCompanionOf(srcPath);
  const dir = join(outboxDir, 'errors');
  // the report names the lines file as it lies in errors/: `name (2).ext` when its name was taken
  const companion = !c ? undefined
    : (await exists(c.path)) ? basename(await moveNoOverwrite(c.path, dir, c.name))
    : ((await placedEarlier(dir, srcPath, c.name, meta.sha256)) ?? c.name);
  const placed = await writeErrorReport(outboxDir, srcPath, sourceName, errors, { ...meta, ...(companion !== undefined ? { companion } : {}) });
  if (c) await forgetPair(srcPath);
  return placed;
}

/** archiveSource for a claimed file, its companion (if any) archived beside it under its own name. */
export async function archivePair(archiveDir: string, srcPath: string, sourceName: string, at: Date): Promise<string> {
  const c = await claimedCompanionOf(srcPath);
  if (c && (await exists(c.path))) {
    await archiveSource(archiveDir, c.path, c.name, at);
    crashPoint('between-pair-moves');
  }
  const placed = await archiveSource(archiveDir, srcPath, sourceName, at);
  if (c) await forgetPair(srcPath);
  return placed;
}
