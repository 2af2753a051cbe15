/**
 * Everything the simulator knows, as plain JSON-able records. In memory by default; with a
 * stateDir it is loaded at start and written atomically (temp file + rename) after each change,
 * so a restarted simulator continues with the same keys, tokens, sessions, invoices and counters.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CaData, CertificateType } from './ca.ts';
import type { KeyRecord } from './key-ring.ts';
import type { PermissionName, StoredGrant } from './permissions.ts';

export interface FormCode {
  systemCode: string;
  schemaVersion: string;
  value: string;
}

export interface StatusInfo {
  code: number;
  description: string;
  details?: string[];
  extensions?: Record<string, string>;
}

export interface TokenRecord {
  token: string;
  nip: string;
  referenceNumber: string;
  revoked: boolean;
  /** The permissions the token was generated with (POST /tokens); absent: everything in its context. */
  permissions?: PermissionName[];
}

export interface AuthOperation {
  referenceNumber: string;
  nip: string;
  startDate: number;
  status: StatusInfo;
  tokenReferenceNumber?: string;
  /** XAdES login: the certificate used (fingerprint, and serial when the simulator CA issued it) */
  certificate?: { fingerprint: string; serialNumber: string; issuedHere: boolean; method: string };
  /** XAdES login: the status shows 100 until then (KSeF checks OCSP/CRL meanwhile) */
  pendingUntil?: number;
  redeemed: boolean;
  revoked: boolean;
  lastRefresh?: number;
  refreshValidUntil?: number;
  /** A signature (XAdES) login: who signed. Absent for KSeF-token logins. */
  signer?: SignerIdentity;
  /** A login into another NIP's context through a grant: the permissions granted (absent: the context's own identity, everything). */
  permissions?: PermissionName[];
}

/** The authenticated subject of a signature login, as the certificate endpoints need it. */
export interface SignerIdentity {
  identifier: { type: 'Nip' | 'Pesel' | 'Fingerprint'; value: string };
  /** CertificateEnrollmentDataResponse fields read from the signing certificate's subject. */
  enrollmentData: Record<string, string | string[]>;
}

/** A KSeF certificate enrolment (POST /certificates/enrollments) and, once issued, its certificate. */
export interface KsefCertificateRecord {
  referenceNumber: string;
  requestDate: number;
  owner: { type: 'Nip' | 'Pesel' | 'Fingerprint'; value: string };
  name: string;
  type: CertificateType;
  commonName: string;
  /** SHA-256 (hex) of the certified SubjectPublicKeyInfo: one key, one owner. */
  publicKeyHash: string;
  /** The status becomes visible (final) from this moment. */
  readyAt: number;
  status: StatusInfo;
  serialNumber?: string;
  /** DER, Base64. */
  certificate?: string;
  validFrom?: number;
  validTo?: number;
  lastUseDate?: number;
}

export interface UpoPage {
  referenceNumber: string;
  ksefNumbers: string[];
}

export interface BatchPart {
  ordinalNumber: number;
  fileSize: number;
  fileHash: string;
  uploaded: boolean;
}

export interface SessionRecord {
  referenceNumber: string;
  kind: 'Online' | 'Batch';
  nip: string;
  authReferenceNumber: string;
  tokenReferenceNumber?: string;
  formCode: FormCode;
  /** Base64 AES key, or undefined when the wrapped key did not decrypt (status 415). */
  aesKey?: string;
  iv: string;
  offlineMode: boolean;
  dateCreated: number;
  dateUpdated: number;
  validUntil: number;
  closedAt?: number;
  /** Batch only: declared archive and parts. */
  batch?: { fileSize: number; fileHash: string; compressionType: string; parts: BatchPart[] };
  /** A session-level failure status (415, 405, 430, 435, 440, 445…) decided at close. */
  failure?: StatusInfo;
  invoiceRefs: string[];
  upoPages?: UpoPage[];
  /** Batch only: the closed package has been decrypted, unpacked and every invoice taken in. */
  processed?: boolean;
}

export interface SessionInvoice {
  referenceNumber: string;
  sessionReferenceNumber: string;
  ordinalNumber: number;
  invoiceHash: string;
  invoiceFileName?: string;
  invoiceNumber?: string;
  receivedAt: number;
  /** Final status, shown once the processing delay has passed. */
  final: StatusInfo;
  ksefNumber?: string;
  invoicingMode: 'Online' | 'Offline';
}

/** A document with a KSeF number: sent through a session or seeded as incoming. */
export interface StoredInvoice {
  ksefNumber: string;
  xml: string;
  invoiceHash: string;
  sellerNip: string;
  sellerName?: string;
  buyer: { type: 'Nip' | 'VatUe' | 'Other' | 'None'; value?: string; name?: string };
  invoiceNumber: string;
  invoiceKind: string;
  issueDate: string;
  invoicingDate: number;
  acquisitionDate: number;
  permanentStorageDate: number;
  netAmount: string;
  vatAmount: string;
  grossAmount: string;
  currency: string;
  formCode: FormCode;
  invoicingMode: 'Online' | 'Offline';
  sessionReferenceNumber?: string;
}

export interface ExportRecord {
  referenceNumber: string;
  nip: string;
  createdAt: number;
  aesKey?: string;
  iv: string;
  onlyMetadata: boolean;
  ksefNumbers: string[];
  isTruncated: boolean;
  hwm?: number;
  failure?: StatusInfo;
}

export interface SendCounter {
  attempts: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface StateData {
  version: 1;
  jwtSecret: string;
  urlSecret: string;
  keys: KeyRecord[];
  tokens: TokenRecord[];
  authOps: AuthOperation[];
  challenges: { challenge: string; timestampMs: number; used: boolean }[];
  sessions: SessionRecord[];
  sessionInvoices: SessionInvoice[];
  invoices: StoredInvoice[];
  exports: ExportRecord[];
  /** key: `${sellerNip}|${kind}|${P_2}` */
  sends: Record<string, SendCounter>;
  requests: Record<string, number>;
  /** the simulator's certificate authority and what it issued/revoked (created on first use; kept by reset like the keys) */
  ca?: CaData;
  /** permission grants (absent in state files written before they existed) */
  permissions?: StoredGrant[];
  /** grant/revoke operations of the /permissions API (GET /permissions/operations/{ref}) */
  permissionOps?: { referenceNumber: string; contextNip: string; createdAt: number; status: StatusInfo }[];
  /** enrolments filed through the certificate endpoints (the certificates themselves are in `ca.issued`) */
  ksefCertificates?: KsefCertificateRecord[];
}

export function emptyState(): StateData {
  return {
    version: 1,
    jwtSecret: randomBytes(32).toString('base64'),
    urlSecret: randomBytes(32).toString('base64'),
    keys: [],
    tokens: [],
    authOps: [],
    challenges: [],
    sessions: [],
    sessionInvoices: [],
    invoices: [],
    exports: [],
    sends: {},
    requests: {},
  };
}

const FILE = 'ksef-simulator-state.json';

/** In-memory indexes over StateData, plus persistence. */
export class SimState {
  readonly sessions = new Map<string, SessionRecord>();
  readonly sessionInvoices = new Map<string, SessionInvoice>();
  readonly invoices = new Map<string, StoredInvoice>();
  readonly byDuplicateKey = new Map<string, StoredInvoice>();
  readonly authOps = new Map<string, AuthOperation>();
  readonly exports = new Map<string, ExportRecord>();
  private dirty = false;

  constructor(readonly data: StateData, private readonly dir?: string) {
    for (const s of data.sessions) this.sessions.set(s.referenceNumber, s);
    for (const i of data.sessionInvoices) this.sessionInvoices.set(i.referenceNumber, i);
    for (const i of data.invoices) this.indexInvoice(i);
    for (const a of data.authOps) this.authOps.set(a.referenceNumber, a);
    for (const e of data.exports) this.exports.set(e.referenceNumber, e);
  }

  static load(dir?: string): SimState {
    if (dir) {
      const file = join(dir, FILE);
      if (existsSync(file)) return new SimState(JSON.parse(readFileSync(file, 'utf8')) as StateData, dir);
    }
    return new SimState(emptyState(), dir);
  }

  private indexInvoice(i: StoredInvoice): void {
    this.invoices.set(i.ksefNumber, i);
    this.byDuplicateKey.set(duplicateKey(i.sellerNip, i.invoiceKind, i.invoiceNumber), i);
  }

  addSession(s: SessionRecord): void {
    this.data.sessions.push(s);
    this.sessions.set(s.referenceNumber, s);
    this.touch();
  }

  addSessionInvoice(i: SessionInvoice): void {
    this.data.sessionInvoices.push(i);
    this.sessionInvoices.set(i.referenceNumber, i);
    this.touch();
  }

  addInvoice(i: StoredInvoice): void {
    this.data.invoices.push(i);
    this.indexInvoice(i);
    this.touch();
  }

  addAuthOp(a: AuthOperation): void {
    this.data.authOps.push(a);
    this.authOps.set(a.referenceNumber, a);
    this.touch();
  }

  addExport(e: ExportRecord): void {
    this.data.exports.push(e);
    this.exports.set(e.referenceNumber, e);
    this.touch();
  }

  sendCounter(key: string): SendCounter {
    let c = this.data.sends[key];
    if (!c) c = this.data.sends[key] = { attempts: 0, accepted: 0, duplicates: 0, rejected: 0 };
    this.touch();
    return c;
  }

  touch(): void {
    this.dirty = true;
  }

  /** Write the state if it changed (atomic: temp file, then rename). */
  flush(): void {
    if (!this.dir || !this.dirty) return;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, file);
    this.dirty = false;
  }
}

export function duplicateKey(sellerNip: string, kind: string, p2: string): string {
  return `${sellerNip}|${kind}|${p2}`;
}
