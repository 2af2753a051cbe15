import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeError } from '../core/errors.ts';
import type { AgentError } from '../core/errors.ts';
import { moveNoOverwrite } from './move-no-overwrite.ts';
import { numberedName, safeFileName } from './safe-file-name.ts';
import { writeFileAtomic } from '../core/write-file-atomic.ts';

export interface ErrorReportMeta {
  /** the claim id of the file (stable across retries) */
  readonly claimId: string;
  readonly companyId: string;
  readonly inboxId: string;
  readonly sha256: string;
  readonly at: string;
  /**
   * the companion file this one was claimed with (input.companion): moved to errors/ beside it when
   * it had been taken, under this name (`name (2).ext` when its own name was taken there); when it
   * never came (INBOX_COMPANION_MISSING among the errors) it is not there
   */
  readonly companion?: string;
}

/** `errors/<name>.error.json` */
export interface ErrorReport extends ErrorReportMeta {
  readonly source: string;
  /** the name the source has in errors/ */
  readonly file: string;
  readonly errors: readonly ReturnType<AgentError['toJSON']>[];
}

/** The human report: a heading, then every problem on its own line. */
export function renderErrorText(source: string, errors: readonly AgentError[]): string {
  const n = errors.length;
  const lines = [`${source}: ${n} problem${n === 1 ? '' : 's'}; the file was not sent to KSeF. Fix the export or the mapping and drop the file again.`, ''];
  for (const e of errors) lines.push(describeError(e.where.file ? e : e.at({ file: source })));
  return lines.join('\r\n') + '\r\n';
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** A free name in errors/, or the one an earlier attempt for the same claim chose. */
async function chooseName(dir: string, sourceName: string, claimId: string): Promise<string> {
  const base = safeFileName(sourceName);
  for (let n = 1; ; n++) {
    const name = numberedName(base, n);
    const json = join(dir, `${name}.error.json`);
    if (await exists(json)) {
      const prev = JSON.parse(await readFile(json, 'utf8').catch(() => '{}')) as { claimId?: string };
      if (prev.claimId === claimId) return name;
      continue;
    }
    if (await exists(join(dir, name))) continue;
    return name;
  }
}

/**
 * Puts a source that could not become valid invoices into `errors/` with its reports:
 * `<name>.error.json` (codes and locations) and `<name>.error.txt` (one problem per line naming
 * row, field, value and rule), both written before the source is moved, so a retry after a
 * crash finds and reuses the same name. Returns the source's path in errors/.
 */
export async function writeErrorReport(
  outboxDir: string,
  srcPath: string,
  sourceName: string,
  errors: readonly AgentError[],
  meta: ErrorReportMeta,
): Promise<string> {
  const dir = join(outboxDir, 'errors');
  const name = await chooseName(dir, sourceName, meta.claimId);
  const report: ErrorReport = { ...meta, source: sourceName, file: name, errors: errors.map((e) => e.toJSON()) };
  await writeFileAtomic(join(dir, `${name}.error.json`), JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(join(dir, `${name}.error.txt`), renderErrorText(sourceName, errors));
  if (!(await exists(srcPath))) return join(dir, name); // moved by an earlier attempt
  const placed = await moveNoOverwrite(srcPath, dir, name);
  if (basename(placed) !== name) {
    // someone else took the name meanwhile: keep reports and source together
    const moved = basename(placed);
    await writeFileAtomic(join(dir, `${moved}.error.json`), JSON.stringify({ ...report, file: moved }, null, 2) + '\n');
    await writeFileAtomic(join(dir, `${moved}.error.txt`), renderErrorText(sourceName, errors));
  }
  return placed;
}
