import { sha256Base64 } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import { getSessionStatus } from './status.ts';
import type { UpoDocument } from './types.ts';

const enc = encodeURIComponent;

/** Which invoice's UPO: by invoice reference, by KSeF number, and/or its pre-signed URL. */
export interface InvoiceUpoRef {
  readonly invoiceReferenceNumber?: string;
  readonly ksefNumber?: string;
  /** `upoDownloadUrl` from the invoice status; tried first, the API is the fallback */
  readonly upoDownloadUrl?: string;
}

function toUpo(bytes: Buffer, headers: Readonly<Record<string, string>>, what: string): UpoDocument {
  const text = bytes.subarray(0, 512).toString('utf8');
  // storage has been seen answering an HTML page (200) until the UPO is ready
  if (/^\s*<(!doctype|html)/i.test(text)) {
    throw new KsefError('KSEF_FIREWALL', `${what}: an HTML page came back instead of the UPO XML; will retry later`);
  }
  const announced = headers['x-ms-meta-hash'];
  if (announced && sha256Base64(bytes) !== announced) {
    throw new KsefError('KSEF_INTEGRITY', `${what}: the UPO does not match the hash KSeF announced`);
  }
  return { xml: bytes, ...(announced ? { announcedHash: announced } : {}) };
}

export async function getInvoiceUpo(http: KsefHttp, sessionRef: string, ref: InvoiceUpoRef): Promise<UpoDocument> {
  if (ref.upoDownloadUrl) {
    try {
      const r = await http.call<Buffer>({ method: 'GET', url: ref.upoDownloadUrl, idempotent: true, expect: 'bytes', operation: 'GET UPO download URL' });
      return toUpo(r.body, r.headers, 'UPO download URL');
    } catch (e) {
      // an expired pre-signed URL is not the end: the API serves the same UPO
      if (!isKsefError(e) || (!ref.invoiceReferenceNumber && !ref.ksefNumber)) throw e;
    }
  }
  const path = ref.ksefNumber
    ? `/sessions/${enc(sessionRef)}/invoices/ksef/${enc(ref.ksefNumber)}/upo`
    : ref.invoiceReferenceNumber
      ? `/sessions/${enc(sessionRef)}/invoices/${enc(ref.invoiceReferenceNumber)}/upo`
      : undefined;
  if (!path) throw new KsefError('KSEF_PROTOCOL', 'getInvoiceUpo needs an invoice reference number, a KSeF number or a download URL');
  const r = await http.call<Buffer>({ method: 'GET', path, auth: 'access', group: 'sessionMisc', idempotent: true, expect: 'bytes', operation: 'GET /sessions/{ref}/invoices/{…}/upo' });
  return toUpo(r.body, r.headers, 'invoice UPO');
}

/** The session's collective UPO: every page, in order. Available only after close (status 200). */
export async function getSessionUpo(http: KsefHttp, sessionRef: string): Promise<UpoDocument[]> {
  const s = await getSessionStatus(http, sessionRef);
  const pages = s.upo?.pages ?? [];
  if (pages.length === 0) {
    throw new KsefError('KSEF_UPO_NOT_FOUND', `session ${sessionRef} has no UPO yet (status ${s.status.code})`, { statusCode: s.status.code, kind: 'transient' });
  }
  const out: UpoDocument[] = [];
  for (const p of pages) {
    let doc: UpoDocument | undefined;
    if (p.downloadUrl) {
      try {
        const r = await http.call<Buffer>({ method: 'GET', url: p.downloadUrl, idempotent: true, expect: 'bytes', operation: 'GET session UPO download URL' });
        doc = toUpo(r.body, r.headers, 'session UPO download URL');
      } catch (e) {
        if (!isKsefError(e)) throw e;
      }
    }
    if (!doc) {
      const r = await http.call<Buffer>({
        method: 'GET',
        path: `/sessions/${enc(sessionRef)}/upo/${enc(p.referenceNumber)}`,
        auth: 'access',
        group: 'sessionMisc',
        idempotent: true,
        expect: 'bytes',
        operation: 'GET /sessions/{ref}/upo/{upoRef}',
      });
      doc = toUpo(r.body, r.headers, 'session UPO');
    }
    out.push(doc);
  }
  return out;
}
