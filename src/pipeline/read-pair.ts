import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AgentError } from '../core/errors.ts';
import type { InputOptions } from '../core/input-options.ts';
import type { Limits } from '../core/limits.ts';
import type { SourceRecord } from '../core/records.ts';
import type { CompanionRule } from '../inbox/companion-rule.ts';
import { companionNameFor, isCompanionName } from '../inbox/companion-rule.ts';
import { readRecords } from '../readers/index.ts';

/** Where the companion of a file is: its bytes and the name it is reported under. */
export interface PairFile {
  readonly path: string;
  readonly name: string;
}

const minutes = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${ms / 1000} seconds`);

const exists = (p: string): Promise<boolean> => stat(p).then((s) => s.isFile(), () => false);

/** A file beside `file` with this name, letter case aside (Windows and SMB names are case-insensitive). */
async function beside(file: string, name: string): Promise<string | undefined> {
  const dir = dirname(file);
  if (await exists(join(dir, name))) return join(dir, name);
  const found = (await readdir(dir).catch(() => [] as string[])).find((n) => n.toLowerCase() === name.toLowerCase());
  return found !== undefined ? join(dir, found) : undefined;
}

/**
 * The companion of `file` for a mapping that reads pairs: the one claimed with it (`claimed`), or,
 * for a file outside the claim area (preview), the file beside it named by `input.companion.files`.
 * A file that cannot have one here gets the error that goes into its report: a companion on its
 * own (INBOX_COMPANION_ALONE), or a primary whose companion did not come (INBOX_COMPANION_MISSING,
 * naming the expected name). `mappingName` (the configured mapping file) is named in the errors:
 * in an inbox with several mappings it says whose pair rule made the file wait.
 */
export async function pairOf(file: string, displayName: string, rule: CompanionRule, claimed: PairFile | undefined, mappingName?: string): Promise<PairFile | AgentError> {
  const where = { file: displayName, ...(mappingName !== undefined ? { mapping: `${mappingName}#/input/companion` } : {}) };
  const problem = (code: string, message: string, rulText: string): AgentError => new AgentError(code, message, { kind: 'data', where, rule: rulText });
  const of = mappingName !== undefined ? ` of mapping ${mappingName}` : '';
  if (claimed) {
    if (await exists(claimed.path)) return claimed;
    return problem('INBOX_COMPANION_MISSING', `its companion file ${claimed.name} was to be taken with it, but it was no longer in the inbox when the claim took it (removed or renamed by another program meanwhile); the invoices were not sent`, 'drop both files into the inbox again');
  }
  if (isCompanionName(rule, displayName)) {
    return problem('INBOX_COMPANION_ALONE', `${displayName} is the second file of a pair (input.companion.files "${rule.files}"${of}) and is read only together with its primary file, which did not come within ${minutes(rule.waitMs)}; nothing was sent`, 'drop the primary file and this one into the inbox together');
  }
  const name = companionNameFor(rule, displayName);
  if (name === undefined) {
    return problem('INBOX_COMPANION_MISSING', `the name ${displayName} does not match input.companion.stem (${rule.stem.source})${of}, so the name of its companion file cannot be told; nothing was sent`, 'name the file as the mapping expects, or fix input.companion.stem');
  }
  const found = await beside(file, name);
  if (found) return { path: found, name };
  return problem('INBOX_COMPANION_MISSING', `its companion file ${name} did not come within ${minutes(rule.waitMs)} (input.companion.waitSeconds${of}); nothing was sent`, `drop ${displayName} and ${name} into the inbox together`);
}

/**
 * The records of a pair: the primary's, typed `ownType`, then the companion's, typed `type`, each
 * with its own provenance (file name, row). Limits apply to each file as to a file read alone.
 */
export async function* readPair(file: string, displayName: string, companion: PairFile, input: InputOptions, rule: CompanionRule, limits: Limits): AsyncGenerator<SourceRecord> {
  for await (const r of readRecords(file, input, displayName, limits)) yield { ...r, recordType: rule.ownType };
  for await (const r of readRecords(companion.path, input, companion.name, limits)) yield { ...r, recordType: rule.type };
}
