import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { CompanyConfig } from '../config/agent-config.ts';
import { claimLayoutOf } from '../inbox/claim-file.ts';
import { NO_MAPPING, NO_MAPPING_APPLIES, mappingSnapshotPath } from '../inbox/mapping-snapshot.ts';
import type { InboxConfig } from '../config/agent-config.ts';
import { chooseMapping, inboxMappings, mappingCandidates } from './choose-mapping.ts';
import type { IntakeItem } from './intake-file.ts';

/** A claimed file that cannot be taken in, and why (it goes to errors with this). */
export interface RefusedItem {
  readonly file: InboxFile;
  readonly problem: AgentError;
}

const refuse = (file: InboxFile, code: string, message: string): RefusedItem => ({
  file,
  problem: new AgentError(code, message, { where: { file: file.sourceName } }),
});

/**
 * The inbox and the mapping a claimed file is taken in with: exactly those its claim recorded
 * (`claimed/<inbox>/<mapping sha256>/`), the mapping as the kept copy of that version. Nothing is
 * guessed: a file whose inbox is no longer configured, or whose mapping version is gone, is
 * refused with a problem saying so. A claim of an older version, which recorded no inbox, is
 * taken with the company's only inbox, or refused when there are several.
 */
export async function intakeItemOf(company: CompanyConfig, file: InboxFile): Promise<IntakeItem | RefusedItem> {
  if (file.problem) return { file, problem: file.problem };
  const layout = claimLayoutOf(company.folders.work, file.path);
  const only = company.inboxes.length === 1 ? company.inboxes[0]!.id : '';
  const inboxId = layout?.inboxId ?? (file.inboxId || only);
  const inbox = company.inboxes.find((b) => b.id === inboxId);
  const placed = { ...file, inboxId };
  if (!inboxId) {
    return refuse(placed, 'INBOX_UNKNOWN', `the file was claimed by an earlier version of the agent, which did not record its inbox; with ${company.inboxes.length} inboxes it is not mapped with a guess. Drop it again into the right inbox`);
  }
  if (!inbox) {
    return refuse(placed, 'INBOX_UNKNOWN', `the file was claimed from inbox "${inboxId}", which is no longer in the configuration of company ${company.id}; it is not mapped with another inbox's mapping. Drop it again into the right inbox (or configure the inbox again)`);
  }
  if (!layout) return { file: placed, inbox };
  if (layout.mappingVersion === NO_MAPPING_APPLIES) {
    // the patterns as they are now (the claim recorded only that none applied)
    const choice = chooseMapping(inboxId, await mappingCandidates(inbox), file.sourceName);
    const problem = choice.chosen === undefined ? choice.problem : new AgentError('INBOX_NO_MAPPING', `no mapping of inbox "${inboxId}" applied to the file name "${file.sourceName}" when it was claimed, so it was not mapped (${choice.chosen} would take it now: ${choice.why}). Drop the file again`, { kind: 'data', where: { file: file.sourceName } });
    return { file: placed, problem };
  }
  if (layout.mappingVersion === NO_MAPPING) {
    const files = inboxMappings(inbox);
    return refuse(placed, 'INBOX_MAPPING_UNREADABLE', `the mapping file ${files.length === 1 ? files[0] : `(one of ${files.join(', ')})`} of inbox "${inboxId}" could not be read when the file was claimed, so it was not mapped. Fix the mapping file and drop the file again`);
  }
  const mapping = mappingSnapshotPath(company.folders.work, layout.mappingVersion);
  if (!(await stat(mapping).then((s) => s.isFile(), () => false))) {
    return refuse(placed, 'INBOX_MAPPING_VERSION_MISSING', `the copy of the version of mapping ${inbox.mapping} the file was claimed with (${mapping}) is gone from the work area, so it is not mapped with another version. Drop the file again`);
  }
  // mapped with the kept copy; errors and results name the configured file
  const mappingFile = await configuredMappingOf(inbox, layout.mappingVersion, file.sourceName);
  return { file: placed, inbox, mappingFile, mappingVersion: { path: mapping, sha256: layout.mappingVersion } };
}

/**
 * The configured mapping file a kept version came from, for errors to name: the one whose bytes
 * are still that version, else the one that would take the file now, else the inbox's first.
 */
async function configuredMappingOf(inbox: InboxConfig, sha256: string, sourceName: string): Promise<string> {
  const files = inboxMappings(inbox);
  if (files.length === 1) return files[0]!;
  for (const f of files) {
    const bytes = await readFile(f).catch(() => undefined);
    if (bytes && createHash('sha256').update(bytes).digest('hex') === sha256) return f;
  }
  return chooseMapping(inbox.id, await mappingCandidates(inbox), sourceName).chosen ?? files[0]!;
}
