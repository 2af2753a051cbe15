import type { FaSchema } from '../core/invoice.ts';
import { aesEncrypt, encryptionInfo, generateSymmetricKey, sha256Base64 } from './crypto.ts';
import type { SymmetricKey } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import { withFreshKey } from './public-keys.ts';
import type { KeyRing } from './public-keys.ts';
import { getInvoiceStatus, getSessionStatus, listSessionInvoices, waitForInvoice, waitForSession } from './status.ts';
import type { PollOptions } from './status.ts';
import { FORM_CODES } from './types.ts';
import type { SessionInvoice, SessionStatus, UpoDocument } from './types.ts';
import { getInvoiceUpo, getSessionUpo } from './upo.ts';

const enc = encodeURIComponent;

export interface SendOptions {
  readonly offlineMode?: boolean;
  /** technical correction of a rejected offline invoice: Base64 SHA-256 of the rejected file */
  readonly hashOfCorrectedInvoice?: string;
}

interface SendFacts {
  readonly sessionReferenceNumber: string;
  /** Base64 SHA-256 of the plain XML: the key to find the invoice again */
  readonly invoiceHash: string;
  readonly invoiceSize: number;
}

/**
 * What happened to one send. `unknown` means the request may have reached KSeF: do NOT send again;
 * call `session.reconcile(outcome)` (it looks the hash up in the session listing) or, after a
 * restart, `client.findInvoiceByHash(sessionRef, hash)`.
 */
export type SendOutcome =
  | (SendFacts & { readonly kind: 'submitted'; readonly invoiceReferenceNumber: string })
  | (SendFacts & { readonly kind: 'unknown'; readonly error: KsefError });

/**
 * An online session: one AES key for its whole life, FA(3) or FA(2), open until closed or until
 * `validUntil` (12 h). Sends are never retried after an ambiguous failure.
 */
export class OnlineSession {
  private closed = false;

  constructor(
    private readonly http: KsefHttp,
    readonly referenceNumber: string,
    readonly validUntil: string,
    readonly schema: FaSchema,
    private readonly key: SymmetricKey,
  ) {}

  /** Still worth sending into: not closed and at least `marginMs` of life left (default 10 min). */
  isUsable(marginMs = 600_000): boolean {
    return !this.closed && Date.parse(this.validUntil) - marginMs > this.http.clock.now();
  }

  async send(xml: Uint8Array | string, opts: SendOptions = {}): Promise<SendOutcome> {
    const plain = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml);
    const encrypted = aesEncrypt(this.key, plain);
    const facts: SendFacts = { sessionReferenceNumber: this.referenceNumber, invoiceHash: sha256Base64(plain), invoiceSize: plain.length };
    try {
      const r = await this.http.call<{ referenceNumber: string }>({
        method: 'POST',
        path: `/sessions/online/${enc(this.referenceNumber)}/invoices`,
        json: {
          invoiceHash: facts.invoiceHash,
          invoiceSize: facts.invoiceSize,
          encryptedInvoiceHash: sha256Base64(encrypted),
          encryptedInvoiceSize: encrypted.length,
          encryptedInvoiceContent: encrypted.toString('base64'),
          offlineMode: opts.offlineMode ?? false,
          ...(opts.hashOfCorrectedInvoice ? { hashOfCorrectedInvoice: opts.hashOfCorrectedInvoice } : {}),
        },
        auth: 'access',
        group: 'invoiceSend',
        idempotent: false,
        expect: 'json',
        operation: 'POST /sessions/online/{ref}/invoices',
      });
      return { ...facts, kind: 'submitted', invoiceReferenceNumber: r.body.referenceNumber };
    } catch (e) {
      if (isKsefError(e) && e.code === 'KSEF_OUTCOME_UNKNOWN') return { ...facts, kind: 'unknown', error: e };
      // a session KSeF closed or no longer knows is never used again: the next send opens a new one
      if (isKsefError(e) && (e.code === 'KSEF_SESSION_CLOSED' || e.code === 'KSEF_SESSION_NOT_FOUND')) this.closed = true;
      throw e;
    }
  }

  /** For an `unknown` outcome: the invoice as KSeF knows it in this session, or undefined if it never arrived. */
  async reconcile(outcome: SendOutcome): Promise<SessionInvoice | undefined> {
    if (outcome.kind === 'submitted') return getInvoiceStatus(this.http, this.referenceNumber, outcome.invoiceReferenceNumber);
    return this.findByHash(outcome.invoiceHash);
  }

  async findByHash(invoiceHash: string): Promise<SessionInvoice | undefined> {
    const all = await listSessionInvoices(this.http, this.referenceNumber);
    return all.find((i) => i.invoiceHash === invoiceHash);
  }

  invoiceStatus(invoiceReferenceNumber: string): Promise<SessionInvoice> {
    return getInvoiceStatus(this.http, this.referenceNumber, invoiceReferenceNumber);
  }

  waitForInvoice(invoiceReferenceNumber: string, poll?: PollOptions): Promise<SessionInvoice> {
    return waitForInvoice(this.http, this.referenceNumber, invoiceReferenceNumber, poll);
  }

  /** UPO of one accepted invoice (pre-signed URL first, then the API). */
  invoiceUpo(inv: Pick<SessionInvoice, 'referenceNumber' | 'ksefNumber' | 'upoDownloadUrl'>): Promise<UpoDocument> {
    return getInvoiceUpo(this.http, this.referenceNumber, {
      invoiceReferenceNumber: inv.referenceNumber,
      ...(inv.ksefNumber ? { ksefNumber: inv.ksefNumber } : {}),
      ...(inv.upoDownloadUrl ? { upoDownloadUrl: inv.upoDownloadUrl } : {}),
    });
  }

  status(): Promise<SessionStatus> {
    return getSessionStatus(this.http, this.referenceNumber);
  }

  /** Close the session (starts the collective UPO). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.http.call({
        method: 'POST',
        path: `/sessions/online/${enc(this.referenceNumber)}/close`,
        auth: 'access',
        group: 'onlineSession',
        idempotent: false,
        expect: 'none',
        operation: 'POST /sessions/online/{ref}/close',
      });
    } catch (e) {
      if (!isKsefError(e)) throw e;
      if (e.code === 'KSEF_OUTCOME_UNKNOWN') {
        // ask instead of repeating: a session past 100 is closed
        const s = await getSessionStatus(this.http, this.referenceNumber);
        if (s.status.code === 100) throw e;
      } else if (e.code !== 'KSEF_SESSION_CLOSED') throw e;
    }
    this.closed = true;
  }

  /** After close: wait for status 200 and fetch every page of the session UPO. */
  async sessionUpo(poll?: PollOptions): Promise<UpoDocument[]> {
    const s = await waitForSession(this.http, this.referenceNumber, { ...poll, until: (st) => (st.upo?.pages?.length ?? 0) > 0 || st.status.code >= 300 });
    if (s.status.code >= 300) {
      throw new KsefError('KSEF_SESSION_FAILED', `session ${this.referenceNumber} ended with status ${s.status.code} ${s.status.description}`, { statusCode: s.status.code });
    }
    return getSessionUpo(this.http, this.referenceNumber);
  }
}

/** Open an online session with a fresh AES key. On 21470 the key list is fetched again and the open repeated once. */
export async function openOnlineSession(http: KsefHttp, keys: KeyRing, schema: FaSchema, onKeyRotation?: () => void): Promise<OnlineSession> {
  const key = generateSymmetricKey();
  return withFreshKey(keys, 'SymmetricKeyEncryption', onKeyRotation, async ({ publicKey, publicKeyId }) => {
    const r = await http.call<{ referenceNumber: string; validUntil: string }>({
      method: 'POST',
      path: '/sessions/online',
      json: { formCode: FORM_CODES[schema], encryption: encryptionInfo(key, publicKey, publicKeyId) },
      auth: 'access',
      group: 'onlineSession',
      idempotent: false,
      expect: 'json',
      operation: 'POST /sessions/online',
    });
    return new OnlineSession(http, r.body.referenceNumber, r.body.validUntil, schema, key);
  });
}
