/**
 * Which of an inbox's mappings takes a file (issue 11, item 10): the first whose `applies.files`
 * matches the file's name; a mapping that names no files takes every file the ones before it do
 * not; a mapping that reads pairs (input.companion) also takes the files named like its companions
 * (its applies.files names only the primaries). Decided when the file is claimed (the claim keeps the chosen mapping's version), and shown
 * by `preview --config`.
 */
import { AgentError } from '../core/errors.ts';
import type { InboxConfig } from '../config/agent-config.ts';
import { globToRegExp, loadMapping, mappingAppliesTo } from '../mapping/index.ts';
import type { CompiledMapping, MappingApplies, MappingCache } from '../mapping/index.ts';
import { NO_MAPPING_APPLIES, snapshotMapping } from '../inbox/mapping-snapshot.ts';
import { isCompanionName, readCompanionRule, singlePairRules } from '../inbox/companion-rule.ts';
import type { CompanionRule, PairRules } from '../inbox/companion-rule.ts';

/** Every mapping of an inbox, in the configured order. */
export const inboxMappings = (inbox: InboxConfig): readonly string[] => inbox.mappings ?? [inbox.mapping];

/** One of the inbox's mappings as routing sees it: undefined `compiled` when it does not load. */
export interface MappingCandidate {
  readonly path: string;
  readonly compiled?: CompiledMapping;
}

export type MappingChoice =
  | { readonly chosen: string; readonly why: string }
  | { readonly chosen?: undefined; readonly problem: AgentError };

const quoted = (ps: readonly string[]): string => ps.map((p) => `"${p}"`).join(', ');

/**
 * The mapping that takes `fileName`, and why in words; or INBOX_NO_MAPPING naming every pattern.
 * A mapping that does not load takes the file when it comes first (which files it is for is then
 * unknown): the file then fails with that mapping's problems instead of going to a later one.
 */
export function chooseMapping(inboxId: string, candidates: readonly MappingCandidate[], fileName: string): MappingChoice {
  const n = candidates.length;
  for (const [k, c] of candidates.entries()) {
    const which = n === 1 ? `the only mapping of inbox "${inboxId}"` : `mapping ${k + 1} of ${n} of inbox "${inboxId}"`;
    if (!c.compiled) return { chosen: c.path, why: `${which} does not load, so which files it is for is unknown; it takes the file (which fails with its problems) rather than a later mapping` };
    const files = c.compiled.applies.files;
    if (files.length === 0) return { chosen: c.path, why: `${which} names no files (applies.files), so it takes every file${k > 0 ? ' the mappings before it do not' : ''}` };
    if (mappingAppliesTo(c.compiled, fileName)) {
      const match = files.find((p) => globToRegExp(p).test(fileName))!;
      return { chosen: c.path, why: `${which}${k > 0 ? ', the first one that applies,' : ''} has applies.files ${quoted(files)}, and "${fileName}" matches "${match}"` };
    }
    // the second file of a pair belongs to the mapping that reads the pair, though its applies.files names only the primaries
    const pair = c.compiled.companion;
    if (pair && isCompanionName(pair, fileName)) {
      return { chosen: c.path, why: `${which} reads pairs of files (input.companion), and "${fileName}" has the name of a companion file ("${pair.files}"): it is read with its header file${k > 0 ? '; no mapping before it applies' : ''}` };
    }
  }
  const takes = candidates.map((c) => `${c.path} takes ${quoted(c.compiled!.applies.files)}${c.compiled!.companion ? ` with their companion files "${c.compiled!.companion.files}"` : ''}`).join('; ');
  return {
    problem: new AgentError('INBOX_NO_MAPPING', `no mapping of inbox "${inboxId}" applies to the file name "${fileName}": ${takes}. The file was not mapped. Rename it to match a pattern (or add one to a mapping's applies.files) and drop it again`, {
      kind: 'data',
      where: { file: fileName },
      rule: 'a file takes the first of its inbox\'s mappings whose applies.files matches its name (* any characters, ? one, letter case ignored)',
    }),
  };
}

/** The inbox's mappings compiled (through the cache when given); one that does not load has no `compiled`. */
export async function mappingCandidates(inbox: InboxConfig, cache?: MappingCache): Promise<MappingCandidate[]> {
  const out: MappingCandidate[] = [];
  for (const path of inboxMappings(inbox)) {
    try {
      out.push({ path, compiled: await (cache ? cache.get(path) : loadMapping(path)) });
    } catch {
      out.push({ path });
    }
  }
  return out;
}

/**
 * For the claim: the version (sha256 of the kept copy, see mapping-snapshot.ts) of the mapping
 * that takes a file of this name, NO_MAPPING_APPLIES when none does.
 */
export function mappingVersionChooser(workDir: string, inbox: InboxConfig, cache?: MappingCache): (fileName: string) => Promise<string> {
  return async (fileName) => {
    const choice = chooseMapping(inbox.id, await mappingCandidates(inbox, cache), fileName);
    return choice.chosen === undefined ? NO_MAPPING_APPLIES : snapshotMapping(workDir, choice.chosen);
  };
}

/**
 * A mapping whose `applies` names another inbox or company than the one using it: the admin
 * pointed an inbox at a mapping written for another place (CFG_MAPPING_APPLIES).
 */
export function appliesProblems(applies: MappingApplies, companyId: string, inboxId: string): string[] {
  const out: string[] = [];
  if (applies.inbox !== undefined && applies.inbox !== inboxId) out.push(`says it applies to inbox "${applies.inbox}" (applies.inbox), but inbox "${inboxId}" uses it: use it from inbox "${applies.inbox}", or change or remove its applies.inbox`);
  if (applies.company !== undefined && applies.company !== companyId) out.push(`says it applies to company "${applies.company}" (applies.company), but company "${companyId}" uses it: change or remove its applies.company`);
  return out;
}

/**
 * The pair rules of an inbox for its watcher (two files delivered together, input.companion): a
 * file is under the rule of the mapping chosen for its name, by the same choice as the claim's
 * (so a lines file is claimed with its header under that mapping). A mapping that does not load
 * keeps the rule its file names, read leniently (companion-rule.ts), so its pairs still go to
 * errors/ together.
 */
export async function inboxPairRules(inbox: InboxConfig, cache?: MappingCache): Promise<PairRules> {
  const candidates = await mappingCandidates(inbox, cache);
  const rules = new Map<string, CompanionRule | undefined>();
  for (const c of candidates) rules.set(c.path, c.compiled ? c.compiled.companion : await readCompanionRule(c.path));
  if (candidates.length === 1) return singlePairRules(rules.get(candidates[0]!.path));
  return {
    ruleFor: (name) => {
      const choice = chooseMapping(inbox.id, candidates, name);
      return choice.chosen === undefined ? undefined : rules.get(choice.chosen);
    },
    all: [...rules.values()].filter((r): r is CompanionRule => r !== undefined),
  };
}
