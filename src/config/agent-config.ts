import type { FaSchema } from '../core/invoice.ts';
import type { Limits } from '../core/limits.ts';

/** The checked configuration: defaults applied, every folder and file path absolute. */
export type Environment = 'sim' | 'test' | 'demo' | 'prod';

/** Where a KSeF token is read from; the value itself is never part of the configuration. */
export type TokenSource = { readonly env: string } | { readonly file: string };

/**
 * Where a certificate for the XAdES login is read from (paths absolute); checked by the loader:
 * a certificate and a key source (PEM), or a PKCS#12 source; at most one passphrase source.
 */
export interface CertificateSource {
  readonly certificateFile?: string;
  readonly certificateEnv?: string;
  readonly privateKeyFile?: string;
  readonly privateKeyEnv?: string;
  readonly pkcs12File?: string;
  /** Base64 of the PKCS#12 bytes */
  readonly pkcs12Env?: string;
  readonly passphraseEnv?: string;
  readonly passphraseFile?: string;
  readonly subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint';
}

export interface InboxConfig {
  readonly id: string;
  /** absolute folder watched */
  readonly folder: string;
  /** absolute path of the mapping file (the first of `mappings` when the inbox has several) */
  readonly mapping: string;
  /**
   * absolute paths of every mapping of the inbox, in the configured order (a file takes the first
   * whose applies.files matches its name: pipeline/choose-mapping.ts); set by the loader, absent = [mapping]
   */
  readonly mappings?: readonly string[];
  /** file-name glob, case-insensitive; undefined = every file */
  readonly files?: string;
  /** the top-level limits with this inbox's overrides (set by the loader; DEFAULT_LIMITS when absent) */
  readonly limits?: Limits;
}

export interface CompanyFolders {
  readonly inbox: string;
  readonly outbox: string;
  readonly archive: string;
  readonly work: string;
}

export interface CompanyConfig {
  readonly id: string;
  readonly nip: string;
  readonly name: string;
  readonly address: { readonly country: string; readonly line1: string; readonly line2?: string };
  readonly email?: string;
  readonly bankAccount?: string;
  /** client NIPs this company may invoice for besides its own (an accounting office); see checkSellers */
  readonly actsFor?: readonly string[];
  /** exactly one of token and certificate is set */
  readonly token?: TokenSource;
  readonly certificate?: CertificateSource;
  readonly schema: FaSchema;
  readonly folders: CompanyFolders;
  readonly inboxes: readonly InboxConfig[];
}

export interface SimulatorOptions {
  /** what the simulator behaves like: KSeF TEST or PRD */
  readonly mode: 'test' | 'prod';
  /** a simulator already running; none is started in-process when set */
  readonly url?: string;
  readonly rateLimits: 'prod' | 'relaxed' | 'off';
  readonly processingDelayMs: number;
  readonly port: number;
}

export interface SendPolicy {
  readonly mode: 'auto' | 'online' | 'batch';
  readonly batchThreshold: number;
  readonly maxInvoicesPerBatch: number;
  readonly statusPollIntervalMs: number;
  /** first pause after a refusal of kind config (login refused, …); doubles up to 15 minutes */
  readonly refusedRetryMs: number;
  readonly upo: { readonly download: boolean };
}

export type PurchaseRole = 'Subject2' | 'Subject3' | 'SubjectAuthorized';

export interface PurchasesPolicy {
  readonly enabled: boolean;
  readonly intervalMinutes: number;
  readonly roles: readonly PurchaseRole[];
  readonly backfillFrom?: string;
  readonly outputs: { readonly metadata: boolean; readonly csv: boolean; readonly json: boolean };
}

export interface WatcherPolicy {
  readonly usePolling: boolean;
  readonly intervalMs: number;
  readonly stabilityWindowMs: number;
  readonly scanIntervalMs: number;
  /** 'none' or a suffix such as '.done' */
  readonly doneMarker: string;
  readonly ignore: readonly string[];
  readonly maxFilesPerScan: number;
}

export type ResultCsvColumn =
  | 'source' | 'invoiceNumber' | 'status' | 'ksefNumber' | 'acquisitionDate'
  | 'sessionReferenceNumber' | 'invoiceReferenceNumber' | 'upoFile' | 'errorCode' | 'errorMessage'
  | 'invoicingMode' | 'warningCode' | 'warningMessage';

export interface ResultsCsvPolicy {
  readonly enabled: boolean;
  readonly columns: readonly ResultCsvColumn[];
  readonly delimiter: ';' | ',' | '\t' | '|';
  readonly header: boolean;
  /** bytes of the CSV (default utf-8-bom) */
  readonly encoding?: 'utf-8-bom' | 'utf-8' | 'windows-1250';
}

export interface LoggingPolicy {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** absolute */
  readonly dir: string;
  readonly maxSize: number;
  readonly maxFiles: number;
  readonly console: boolean;
}

export interface HealthPolicy {
  readonly enabled: boolean;
  readonly port: number;
  readonly host: string;
  /** free MiB below which a volume counts as full */
  readonly minFreeMb: number;
  /** minutes an invoice may wait for KSeF's answer before health says INVOICES_UNSETTLED */
  readonly unsettledAfterMinutes: number;
}

export interface OncePolicy {
  /** once gives up after this long without progress while work waits */
  readonly patienceMs: number;
}

export interface AgentConfig {
  /** absolute path of the file this was loaded from */
  readonly configFile: string;
  readonly environment: Environment;
  /** absolute */
  readonly root: string;
  readonly simulator: SimulatorOptions;
  readonly ksef: { readonly baseUrl?: string; readonly timeoutMs: number };
  readonly companies: readonly CompanyConfig[];
  readonly send: SendPolicy;
  readonly purchases: PurchasesPolicy;
  readonly once: OncePolicy;
  readonly watcher: WatcherPolicy;
  readonly resultsCsv: ResultsCsvPolicy;
  readonly logging: LoggingPolicy;
  readonly health: HealthPolicy;
  /** size limits checked while a file is read (each inbox has them merged with its own) */
  readonly limits: Limits;
}
