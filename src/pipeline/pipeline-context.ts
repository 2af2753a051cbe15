import type { CompanyConfig, ResultsCsvPolicy, SendPolicy } from '../config/agent-config.ts';
import type { EventBus } from '../core/events.ts';
import type { CompanyProfile } from '../core/invoice.ts';
import type { KsefClient } from '../ksef/index.ts';
import type { MappingCache } from '../mapping/index.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SessionJournal } from './session-journal.ts';

/** Everything the pipeline of one company works with; built once by the agent. */
export interface PipelineContext {
  readonly company: CompanyConfig;
  readonly profile: CompanyProfile;
  readonly store: StateStore;
  readonly client: KsefClient;
  readonly bus: EventBus;
  readonly sessions: SessionJournal;
  readonly send: SendPolicy;
  readonly resultsCsv: ResultsCsvPolicy;
  /** local yyyy-mm-dd for business rules */
  readonly today: () => string;
  readonly now: () => Date;
  /** compiled mappings shared by every file taken in (without it each file compiles its mapping) */
  readonly mappings?: MappingCache;
  /** the watcher's done-marker suffix (watcher.doneMarker): markers of a pair completed at a restart are removed */
  readonly doneMarker?: string;
}

export function companyProfile(c: CompanyConfig): CompanyProfile {
  return {
    nip: c.nip,
    name: c.name,
    address: { country: c.address.country, line1: c.address.line1, ...(c.address.line2 !== undefined ? { line2: c.address.line2 } : {}) },
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.bankAccount !== undefined ? { bankAccount: c.bankAccount } : {}),
  } as CompanyProfile;
}

export function localToday(d: Date = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
