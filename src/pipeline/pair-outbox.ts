import { stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AgentError } from '../core/errors.ts';
import { claimedCompanionOf, companionNameFile } from '../inbox/claimed-companion.ts';
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

/** writeErrorReport for a claimed file, its companion (if any) moved to errors/ beside it and named in the report. */
export async function writePairErrorReport(outboxDir: string, srcPath: string, sourceName: string, errors: readonly AgentError[], meta: ErrorReportMeta): Promise<string> {
  const c = await claimedCompanionOf(srcPath);
  // the report names the lines file as it lies in errors/: `name (2).ext` when its name was taken
  const companion = c && (await exists(c.path)) ? basename(await moveNoOverwrite(c.path, join(outboxDir, 'errors'), c.name)) : c?.name;
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
