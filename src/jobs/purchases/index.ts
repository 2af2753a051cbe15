/** Scheduled, incremental download of purchase invoices: what pipeline/cli call. */
export { runPurchaseSync, MIN_INTERVAL_MS } from './run-purchase-sync.ts';
export type { PurchaseSyncDeps, PurchaseSyncResult } from './run-purchase-sync.ts';
export { PurchaseScheduler } from './purchase-scheduler.ts';
export type { PurchaseSchedulerOptions } from './purchase-scheduler.ts';
export { purchaseStatus, formatPurchaseStatus } from './purchase-status.ts';
export type { PurchaseStatus, PurchaseRoleStatus } from './purchase-status.ts';
export { loadPurchaseState, purchaseStatePath, PURCHASE_STATE_FILE } from './purchase-state.ts';
export type { PurchaseState, RoleState, InFlightExport } from './purchase-state.ts';
export { purchaseFiles, purchaseMonth } from './purchase-outbox.ts';
export type { PurchaseRecordFile, ReceivedInvoice } from './purchase-outbox.ts';
export { planWindow, nextFrom, advanceCursor } from './purchase-window.ts';
export { warsawMidnight, warsawMonth } from '../../core/warsaw-day.ts';
export type { PurchaseCompany, PurchaseKsefClient, PurchaseStrategy, RoleSyncReport } from './sync-context.ts';
