import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PurchaseRole } from '../../config/agent-config.ts';
import { AgentError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/write-file-atomic.ts';

/** An export KSeF is preparing for us: kept so a restart reads it instead of paying for another. */
export interface InFlightExport {
  readonly referenceNumber: string;
  /** Base64 AES key and IV of the package (the package is as sensitive as the invoices) */
  readonly key: string;
  readonly iv: string;
  readonly stream: StreamName;
  readonly from: string;
  readonly to?: string;
  readonly startedAt: string;
  /** new invoices of this package already complete in the outbox (progress through a crash) */
  storedCount?: number;
}

export type StreamName = 'main' | 'backfill';

/** One date-ordered walk over KSeF's permanent-storage dates. */
export interface StreamState {
  /** next `from`; it comes from KSeF (HWM or last permanent-storage date) and never moves back */
  cursor: string;
  /** for a back-fill stream: where it stops (the main stream's first start) */
  until?: string;
  /** KSeF numbers stored at exactly the cursor moment: the next window starts there (inclusive) and repeats them */
  boundary?: string[];
}

export interface RoleState {
  main: StreamState;
  /** the earliest start this role has covered or is covering (a later, earlier backfillFrom adds a back-fill) */
  coveredFrom?: string;
  backfill?: StreamState;
  inFlight?: InFlightExport;
  lastSuccessAt?: string;
  /** invoices written to the outbox for this role */
  downloaded: number;
  /** invoices KSeF gave again (window overlap, repeated package) and skipped */
  duplicates: number;
}

export interface RateGroupState {
  /** epoch ms of our calls within the last hour */
  calls: number[];
  /** KSeF said 429: nothing before this moment (epoch ms) */
  blockedUntil?: number;
}

export interface StoredSyncError {
  readonly code: string;
  readonly message: string;
  readonly at: string;
  readonly role?: PurchaseRole;
}

export interface PurchaseState {
  version: 1;
  companyId: string;
  nip: string;
  /** the first back-fill start ever used (to notice a later, earlier backfillFrom) */
  firstStart?: string;
  roles: Partial<Record<PurchaseRole, RoleState>>;
  rate: Record<string, RateGroupState>;
  lastSyncAt?: string;
  lastSuccessAt?: string;
  lastError?: StoredSyncError;
  /** when the last run stopped early because of limits: the earliest useful next run */
  deferredUntil?: string;
}

export const PURCHASE_STATE_FILE = 'purchases-state.json';

export function purchaseStatePath(workDir: string): string {
  return join(workDir, PURCHASE_STATE_FILE);
}

export function emptyPurchaseState(companyId: string, nip: string): PurchaseState {
  return { version: 1, companyId, nip, roles: {}, rate: {} };
}

/** Reads the state; a missing file is a fresh start, an unreadable one a loud error (never a silent reset). */
export async function loadPurchaseState(workDir: string, companyId: string, nip: string): Promise<PurchaseState> {
  const path = purchaseStatePath(workDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyPurchaseState(companyId, nip);
    throw e;
  }
  let parsed: PurchaseState;
  try {
    parsed = JSON.parse(text) as PurchaseState;
  } catch (e) {
    throw new AgentError('PURCHASE_STATE_CORRUPT', `${path} is not valid JSON; fix or remove it (removing restarts the download from the back-fill date)`, { kind: 'internal', where: { file: path }, cause: e });
  }
  if (parsed.version !== 1 || typeof parsed.roles !== 'object') {
    throw new AgentError('PURCHASE_STATE_CORRUPT', `${path} is not a purchase state file of version 1`, { kind: 'internal', where: { file: path } });
  }
  if (parsed.nip !== nip) {
    throw new AgentError('PURCHASE_STATE_CORRUPT', `${path} belongs to NIP ${parsed.nip}, not ${nip}: each company needs its own work folder`, { kind: 'config', where: { file: path } });
  }
  parsed.rate ??= {};
  return parsed;
}

/** Atomic and fsynced: on disk before the next KSeF call. */
export async function savePurchaseState(workDir: string, state: PurchaseState): Promise<void> {
  await writeFileAtomic(purchaseStatePath(workDir), `${JSON.stringify(state, null, 2)}\n`);
}
