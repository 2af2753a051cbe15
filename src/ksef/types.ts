/** Typed records the client returns. Plain data: no undici or crypto objects leak out. */

export interface KsefStatus {
  readonly code: number;
  readonly description: string;
  readonly details?: readonly string[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Form codes for session open (PROTOCOL §5.1). */
export const FORM_CODES = {
  'FA(3)': { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
  'FA(2)': { systemCode: 'FA (2)', schemaVersion: '1-0E', value: 'FA' },
} as const;

/** `SessionInvoiceStatusResponse`, as KSeF sends it. */
export interface SessionInvoice {
  readonly ordinalNumber?: number;
  readonly invoiceNumber?: string;
  readonly ksefNumber?: string;
  readonly referenceNumber: string;
  readonly invoiceHash: string;
  readonly invoiceFileName?: string;
  readonly acquisitionDate?: string;
  readonly invoicingDate?: string;
  readonly permanentStorageDate?: string;
  readonly upoDownloadUrl?: string;
  readonly upoDownloadUrlExpirationDate?: string;
  readonly invoicingMode?: string;
  readonly status: KsefStatus;
}

export interface UpoPage {
  readonly referenceNumber: string;
  readonly downloadUrl?: string;
  readonly downloadUrlExpirationDate?: string;
}

/** `GET /sessions/{ref}`. */
export interface SessionStatus {
  readonly status: KsefStatus;
  readonly dateCreated?: string;
  readonly dateUpdated?: string;
  readonly validUntil?: string;
  readonly upo?: { readonly pages: readonly UpoPage[] };
  readonly invoiceCount?: number;
  readonly successfulInvoiceCount?: number;
  readonly failedInvoiceCount?: number;
}

/** Where an invoice stands, in the words the pipeline uses. */
export type InvoiceState = 'processing' | 'accepted' | 'duplicate' | 'rejected';

export function invoiceState(code: number): InvoiceState {
  if (code === 100 || code === 150) return 'processing';
  if (code === 200) return 'accepted';
  if (code === 440) return 'duplicate';
  return 'rejected';
}

/** The UPO bytes exactly as KSeF gave them. */
export interface UpoDocument {
  readonly xml: Buffer;
  /** SHA-256 (Base64) KSeF announced in `x-ms-meta-hash`, when it did */
  readonly announcedHash?: string;
}
