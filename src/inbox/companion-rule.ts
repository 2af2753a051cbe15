import { readFile } from 'node:fs/promises';

/**
 * A mapping whose invoices come from two files delivered together (`input.companion`): the file
 * the mapping is given (the primary, e.g. the header file `FV_0412_nag.csv`) and its companion
 * (e.g. the lines file `FV_0412_poz.csv`), named after the primary's stem.
 */
export interface CompanionRule {
  /** the companion's name: `{stem}` replaced by the primary's stem, e.g. "{stem}_poz.csv" */
  readonly files: string;
  /** the primary's name: group 1 is the stem, matched case-insensitively, e.g. "^(.*)_nag\.csv$" */
  readonly stem: RegExp;
  /** record type of the companion's records (e.g. "line") */
  readonly type: string;
  /** record type of the primary's records (e.g. "invoice") */
  readonly ownType: string;
  /** how long one file of a pair waits for the other before it is taken alone and refused */
  readonly waitMs: number;
}

/** Default wait for the other file of a pair: 10 minutes. */
export const COMPANION_WAIT_MS = 10 * 60_000;

/** Checks the raw `input.companion` section; returns the problems (empty when it is usable). */
export function companionProblems(raw: { files?: unknown; stem?: unknown }): { key: 'files' | 'stem'; message: string }[] {
  const out: { key: 'files' | 'stem'; message: string }[] = [];
  if (typeof raw.files === 'string' && !raw.files.includes('{stem}')) out.push({ key: 'files', message: `"${raw.files}" must contain {stem}, where the stem of the primary file's name goes` });
  if (typeof raw.files === 'string' && /[/\\]/.test(raw.files)) out.push({ key: 'files', message: `"${raw.files}" is a file name in the same inbox; it cannot name a folder` });
  if (typeof raw.stem === 'string') {
    try {
      // one more alternative that always matches the empty string reveals the number of groups
      const groups = new RegExp(`${raw.stem}|`).exec('')!.length - 1;
      if (groups < 1) out.push({ key: 'stem', message: `"${raw.stem}" has no group in parentheses; group 1 must capture the stem, e.g. ^(.*)_nag\\.csv$` });
    } catch (e) {
      out.push({ key: 'stem', message: `"${raw.stem}" is not a valid regular expression: ${(e as Error).message}` });
    }
  }
  return out;
}

/** The rule of a schema-checked `input.companion` section (undefined when absent or unusable). */
export function companionRuleOf(raw: unknown): CompanionRule | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { files?: unknown; stem?: unknown; type?: unknown; ownType?: unknown; waitSeconds?: unknown };
  if (typeof r.files !== 'string' || typeof r.stem !== 'string' || typeof r.type !== 'string' || typeof r.ownType !== 'string') return undefined;
  if (companionProblems(r).length > 0) return undefined;
  const waitMs = typeof r.waitSeconds === 'number' && r.waitSeconds >= 0 ? r.waitSeconds * 1000 : COMPANION_WAIT_MS;
  return { files: r.files, stem: new RegExp(r.stem, 'is'), type: r.type, ownType: r.ownType, waitMs };
}

/**
 * The companion rule of a mapping file, read leniently for the inbox watcher (which must know
 * pairs before any file is claimed): a mapping that cannot be read or parsed has none here, and
 * its files are claimed one by one and refused at intake with the mapping's own errors.
 */
export async function readCompanionRule(mappingPath: string): Promise<CompanionRule | undefined> {
  try {
    const m = JSON.parse(await readFile(mappingPath, 'utf8')) as { input?: { companion?: unknown } };
    return companionRuleOf(m.input?.companion);
  } catch {
    return undefined;
  }
}

/** The stem of a primary file's name, or undefined when the name is not a primary's. */
export function stemOf(rule: CompanionRule, name: string): string | undefined {
  const m = rule.stem.exec(name);
  return m ? (m[1] ?? '') : undefined;
}

/** The name of the companion of a primary file, or undefined when the name is not a primary's. */
export function companionNameFor(rule: CompanionRule, primaryName: string): string | undefined {
  const stem = stemOf(rule, primaryName);
  return stem === undefined ? undefined : rule.files.split('{stem}').join(stem);
}

/** True when a name has the shape of a companion (the `files` pattern, any stem). */
export function isCompanionName(rule: CompanionRule, name: string): boolean {
  const body = rule.files.split('{stem}').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'is').test(name);
}

/**
 * The pair rules of an inbox as one scan sees them (an inbox may have several mappings, each
 * with or without input.companion): the rule a file is under, that of the mapping chosen for
 * its name (undefined: it is claimed alone), and every rule (the watcher lists their companion
 * files even when the inbox's file pattern names only the primaries).
 */
export interface PairRules {
  readonly ruleFor: (name: string) => CompanionRule | undefined;
  readonly all: readonly CompanionRule[];
}

/** The pair rules of an inbox with one mapping: its rule (or none) for every file. */
export const singlePairRules = (rule: CompanionRule | undefined): PairRules => ({ ruleFor: () => rule, all: rule ? [rule] : [] });
