import type { Where } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';

/** A problem kept in the state (and reported in result files). */
export interface StoredError {
  readonly code: string;
  readonly message: string;
  readonly where?: Where;
}

/**
 * Life of a claimed file: `claimed` → `mapped` (its invoices planned) → `done`, or `failed`
 * (it goes to errors/), or `duplicate` (identical content already processed).
 */
export type FileState = 'claimed' | 'mapped' | 'failed' | 'duplicate' | 'done';

/** A claimed file and what has happened to it. */
export interface FileRecord extends InboxFile {
  /** the claim id: the claimed file's name in the work area */
  readonly id: string;
  readonly state: FileState;
  readonly invoiceIds: readonly string[];
  readonly errors?: readonly StoredError[];
  /** for `duplicate`: the file whose content this repeats */
  readonly duplicateOf?: string;
  /** set when the file leaves the hot state (archived or reported) */
  readonly finishedAt?: string;
  /**
   * For `claimed`: how many times its intake (read → map → check) started and did not finish,
   * written durably before each start; a file that crashed the agent twice is quarantined.
   */
  readonly intakeAttempts?: number;
  readonly updatedAt: string;
}

/**
 * Life of an invoice: `planned` → `intent-recorded` (durably, before any send) → `sent`
 * (session and invoice reference known) → `accepted` | `rejected` | `failed`.
 * `intent-recorded` → `planned` is allowed only when reconciliation proves KSeF never got it.
 * `sent` → `planned` only when KSeF's final status refused it for a missing permission (410): it
 * holds no such invoice, and the invoice goes out again once the permission is granted.
 */
export type InvoiceState = 'planned' | 'intent-recorded' | 'sent' | 'accepted' | 'rejected' | 'failed';

export const FINAL_INVOICE_STATES: readonly InvoiceState[] = ['accepted', 'rejected', 'failed'];

export interface InvoiceRecord {
  /** `<file id>#<1-based index in the file>` */
  readonly id: string;
  readonly fileId: string;
  readonly companyId: string;
  /** invoice number (FA P_2) */
  readonly number: string;
  /** FA RodzajFaktury, e.g. VAT, KOR */
  readonly kind: string;
  readonly sellerNip: string;
  /** sha256 of the FA XML to be sent */
  readonly hash: string;
  /**
   * the invoice's business content: sha256 of the FA XML without its creation time (faContentHash);
   * decides whether a number used again is the same invoice. Absent in state written before it existed.
   */
  readonly contentHash?: string;
  readonly state: InvoiceState;
  readonly sessionKind?: 'online' | 'batch';
  readonly sessionReferenceNumber?: string;
  readonly invoiceReferenceNumber?: string;
  readonly ksefNumber?: string;
  readonly acquisitionDate?: string;
  /** file name under outbox/upo/ once saved */
  readonly upoFile?: string;
  /** for accepted via a 440 duplicate naming our original */
  readonly duplicateOfOriginal?: boolean;
  readonly error?: StoredError;
  /** what the checks found that does not stop the invoice (e.g. FA_ISSUE_DATE_PAST): reported in its result */
  readonly warnings?: readonly StoredError[];
  /** FA P_1 (yyyy-mm-dd), for what an offline classification means for the dates */
  readonly issueDate?: string;
  /** how KSeF recorded the invoice: `Online` or `Offline` (TrybWysylki), as it reported it */
  readonly invoicingMode?: string;
  readonly intentAt?: string;
  readonly sentAt?: string;
  readonly finalAt?: string;
  readonly updatedAt: string;
}

/** What the pipeline knows about an invoice when it plans it. */
export interface PlannedInvoice {
  readonly number: string;
  readonly kind: string;
  readonly sellerNip: string;
  readonly hash: string;
  /** see InvoiceRecord.contentHash */
  readonly contentHash?: string;
  readonly warnings?: readonly StoredError[];
  /** FA P_1 (yyyy-mm-dd) */
  readonly issueDate?: string;
}

/** Facts a transition may add. */
export type InvoicePatch = Partial<Pick<InvoiceRecord,
  'sessionKind' | 'sessionReferenceNumber' | 'invoiceReferenceNumber' | 'ksefNumber' | 'acquisitionDate' | 'upoFile' | 'duplicateOfOriginal' | 'error' | 'invoicingMode'>>;

export interface StoreCounts {
  readonly activeFiles: number;
  readonly filesByState: Readonly<Record<FileState, number>>;
  /** invoices not yet finished, by state */
  readonly invoicesByState: Readonly<Record<InvoiceState, number>>;
  /** finished on `day` (local yyyy-mm-dd) */
  readonly acceptedOnDay: number;
  readonly rejectedOnDay: number;
  readonly failedOnDay: number;
  readonly filesFailedOnDay: number;
}

/** The mutations available inside `batch`: synchronous, made durable together at the end. */
export interface StoreTx {
  recordClaim(file: InboxFile): FileRecord;
  planInvoices(fileId: string, invoices: readonly PlannedInvoice[]): InvoiceRecord[];
  failFile(fileId: string, errors: readonly StoredError[]): FileRecord;
  markDuplicateFile(fileId: string, originalFileId: string): FileRecord;
  transition(invoiceId: string, to: InvoiceState, patch?: InvoicePatch): InvoiceRecord;
  annotate(invoiceId: string, patch: InvoicePatch): InvoiceRecord;
  finishFile(fileId: string): void;
  /** Sets the intake attempt counter of a claimed file (see FileRecord.intakeAttempts). */
  setIntakeAttempts(fileId: string, attempts: number): FileRecord;
}

/**
 * Durable state of files and invoices. Every mutating call resolves only after the change is on
 * disk (fsynced), so the caller may perform the next side effect. Lookups are synchronous and
 * served from memory.
 */
export interface StateStore {
  open(): Promise<void>;
  close(): Promise<void>;

  /** Runs several mutations with one durable write at the end (e.g. planning 10,000 invoices). */
  batch<T>(fn: (tx: StoreTx) => T): Promise<T>;

  recordClaim(file: InboxFile): Promise<FileRecord>;
  planInvoices(fileId: string, invoices: readonly PlannedInvoice[]): Promise<InvoiceRecord[]>;
  failFile(fileId: string, errors: readonly StoredError[]): Promise<FileRecord>;
  markDuplicateFile(fileId: string, originalFileId: string): Promise<FileRecord>;
  /** Moves an invoice along its life; an illegal move throws STORE_BAD_TRANSITION. */
  transition(invoiceId: string, to: InvoiceState, patch?: InvoicePatch): Promise<InvoiceRecord>;
  /** Adds facts without a state change (e.g. the UPO file name after download). */
  annotate(invoiceId: string, patch: InvoicePatch): Promise<InvoiceRecord>;
  /** The file is fully reported (archived or in errors/): it and its invoices leave the hot state. */
  finishFile(fileId: string): Promise<void>;

  /** an active file, or a finished one (without its invoice ids and errors, which stay in the history) */
  getFile(id: string): FileRecord | undefined;
  getInvoice(id: string): InvoiceRecord | undefined;
  invoicesOf(fileId: string): InvoiceRecord[];
  /** the invoices of a finished file as it finished, read from the history on disk ([] when unknown) */
  finishedInvoicesOf(fileId: string): Promise<InvoiceRecord[]>;
  /** every file of this company with this content (active and finished), oldest first */
  filesByHash(companyId: string, sha256: string): FileRecord[];
  /** every file of this company with this source name (active and finished), in no set order */
  filesBySourceName(companyId: string, sourceName: string): FileRecord[];
  /** Is a file of the same name, claimed after `f`, past its claim (so it has a result)? Cheap: finished files are not unpacked. */
  hasNewerFileOfName(f: FileRecord): boolean;
  /** an accepted invoice with this business key, if any (a finished one without intentAt/sentAt) */
  findAccepted(sellerNip: string, kind: string, number: string): InvoiceRecord | undefined;
  /** files not finished yet (for recovery on start) */
  activeFiles(): FileRecord[];
  /** invoices whose send may have happened and whose outcome is unknown: intent-recorded or sent */
  inFlight(): InvoiceRecord[];
  /** invoices planned and not yet sent */
  planned(companyId?: string): InvoiceRecord[];
  counts(day: string): StoreCounts;
}

/** What tells same-name files apart: the `<time>-<random>` a claim name starts with (the claim time for claims from before that layout). */
export function claimKeyOf(f: Pick<FileRecord, 'id' | 'claimedAt'>): string {
  const i = f.id.indexOf('__');
  return i > 0 ? f.id.slice(0, i) : f.claimedAt.replace(/[-:T.Z]/g, '');
}
