import type { CompanyConfig, PurchaseRole, PurchasesPolicy } from '../../config/agent-config.ts';
import type { Clock, KsefClient, KsefLogger } from '../../ksef/index.ts';
import type { CompiledPurchaseMapping } from '../../purchases-mapping/index.ts';
import type { OutputOptions } from './purchase-outbox.ts';
import type { PurchaseState } from './purchase-state.ts';
import type { RateBudget } from './rate-budget.ts';

/** The client calls the purchase job needs (a KsefClient has them all). */
export type PurchaseKsefClient = Pick<KsefClient, 'startExport' | 'getExport' | 'waitForExport' | 'downloadExportPackage' | 'queryMetadata' | 'downloadInvoice'> &
  Partial<Pick<KsefClient, 'rateLimits'>>;

export type PurchaseCompany = Pick<CompanyConfig, 'id' | 'nip' | 'folders'>;

export type PurchaseStrategy = 'export' | 'auto';

export interface PurchaseCallCounts {
  exports: number;
  metadataQueries: number;
  downloads: number;
  packages: number;
}

export interface RoleSyncReport {
  readonly role: PurchaseRole;
  downloaded: number;
  duplicates: number;
  /** the main stream's cursor after the run */
  cursor: string;
  /** true when the run ended because there was nothing more to ask, not because of a limit or error */
  caughtUp: boolean;
  csvFiles: string[];
  /** invoices stored without their flat ERP row (the purchase mapping failed for them) */
  flatErrors: Array<{ ksefNumber: string; code: string; message: string }>;
  /**
   * exports KSeF ended in an error status (not 420) or forgot, each asked again; a run that then
   * got its answer or moved on keeps them here (and in the log) as warnings
   */
  dropped: Array<{ reference: string; code: string; status?: number; message: string; from: string; to?: string }>;
  error?: { code: string; message: string };
}

/** Everything one run works with; built by runPurchaseSync. */
export interface SyncContext {
  readonly company: PurchaseCompany;
  readonly client: PurchaseKsefClient;
  readonly clock: Clock;
  readonly outboxDir: string;
  readonly workDir: string;
  readonly state: PurchaseState;
  readonly budget: RateBudget;
  readonly outputs: OutputOptions;
  readonly mapping?: CompiledPurchaseMapping;
  readonly logger?: KsefLogger & { error?(message: string, meta?: Record<string, unknown>): void };
  readonly minWindowMs: number;
  readonly maxExportsPerRun: number;
  readonly strategy: PurchaseStrategy;
  readonly smallBatchMax: number;
  readonly calls: PurchaseCallCounts;
  readonly afterInvoice?: (ksefNumber: string) => void;
  save(): Promise<void>;
}

export type { PurchasesPolicy };
