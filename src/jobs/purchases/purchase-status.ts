import type { PurchaseRole, PurchasesPolicy } from '../../config/agent-config.ts';
import { AgentError } from '../../core/errors.ts';
import { loadPurchaseState } from './purchase-state.ts';
import type { StoredSyncError } from './purchase-state.ts';
import type { PurchaseCompany } from './sync-context.ts';

export interface PurchaseRoleStatus {
  readonly role: PurchaseRole;
  readonly cursor: string;
  readonly backfill?: { readonly cursor: string; readonly until: string };
  readonly exportInFlight?: string;
  readonly downloaded: number;
  readonly duplicates: number;
  readonly lastSuccessAt?: string;
}

/** What `status` prints about the purchase download of one company. */
export interface PurchaseStatus {
  readonly companyId: string;
  readonly enabled: boolean;
  readonly lastSyncAt?: string;
  readonly lastSuccessAt?: string;
  readonly deferredUntil?: string;
  /** the last error, when it happened after the last success */
  readonly lastError?: StoredSyncError;
  readonly downloaded: number;
  readonly roles: readonly PurchaseRoleStatus[];
}

/** Reads the persisted state only: no KSeF call, safe while a sync runs. */
export async function purchaseStatus(company: PurchaseCompany, policy?: Pick<PurchasesPolicy, 'enabled'>): Promise<PurchaseStatus> {
  let state;
  try {
    state = await loadPurchaseState(company.folders.work, company.id, company.nip);
  } catch (e) {
    const err = e instanceof AgentError ? { code: e.code, message: e.message } : { code: 'PURCHASE_INTERNAL', message: String(e) };
    return { companyId: company.id, enabled: policy?.enabled ?? true, downloaded: 0, roles: [], lastError: { ...err, at: new Date().toISOString() } };
  }
  const roles: PurchaseRoleStatus[] = Object.entries(state.roles).map(([role, rs]) => ({
    role: role as PurchaseRole,
    cursor: rs!.main.cursor,
    ...(rs!.backfill?.until ? { backfill: { cursor: rs!.backfill.cursor, until: rs!.backfill.until } } : {}),
    ...(rs!.inFlight ? { exportInFlight: rs!.inFlight.referenceNumber } : {}),
    downloaded: rs!.downloaded,
    duplicates: rs!.duplicates,
    ...(rs!.lastSuccessAt ? { lastSuccessAt: rs!.lastSuccessAt } : {}),
  }));
  const recentError = state.lastError && (!state.lastSuccessAt || Date.parse(state.lastError.at) >= Date.parse(state.lastSuccessAt)) ? state.lastError : undefined;
  return {
    companyId: company.id,
    enabled: policy?.enabled ?? true,
    ...(state.lastSyncAt ? { lastSyncAt: state.lastSyncAt } : {}),
    ...(state.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt } : {}),
    ...(state.deferredUntil ? { deferredUntil: state.deferredUntil } : {}),
    ...(recentError ? { lastError: recentError } : {}),
    downloaded: roles.reduce((n, r) => n + r.downloaded, 0),
    roles,
  };
}

/** Human lines for the status command. */
export function formatPurchaseStatus(s: PurchaseStatus): string[] {
  if (!s.enabled) return [`purchases ${s.companyId}: download disabled`];
  const lines = [`purchases ${s.companyId}: last sync ${s.lastSyncAt ?? 'never'}, last success ${s.lastSuccessAt ?? 'never'}, ${s.downloaded} invoices downloaded`];
  for (const r of s.roles) {
    lines.push(`  ${r.role}: cursor ${r.cursor}, ${r.downloaded} downloaded, ${r.duplicates} repeats skipped${r.backfill ? `, back-fill at ${r.backfill.cursor} until ${r.backfill.until}` : ''}${r.exportInFlight ? `, export ${r.exportInFlight} in flight` : ''}`);
  }
  if (s.deferredUntil) lines.push(`  waiting for KSeF limits until ${s.deferredUntil}`);
  if (s.lastError) lines.push(`  last error ${s.lastError.at}: ${s.lastError.message} [${s.lastError.code}]`);
  return lines;
}
