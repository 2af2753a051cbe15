/**
 * Client calls of the KSeF certificate endpoints (certyfikaty-KSeF.md): limits, enrolment data,
 * enrolment, its status, retrieve, query and revoke. All in the `other` rate-limit group, all with
 * the access token of the login. The refusals KSeF documents (250xx) are explained in words.
 */
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import type { PollOptions } from './status.ts';

export type KsefCertificateType = 'Authentication' | 'Offline';
export type CertificateStatus = 'Active' | 'Blocked' | 'Revoked' | 'Expired';

/** Subject fields the CSR must carry (CertificateEnrollmentDataResponse). */
export interface EnrollmentData {
  readonly commonName: string;
  readonly countryName: string;
  readonly givenName?: string | readonly string[] | null;
  readonly surname?: string | null;
  readonly serialNumber?: string | null;
  readonly uniqueIdentifier?: string | null;
  readonly organizationName?: string | null;
  readonly organizationIdentifier?: string | null;
}

export interface CertificateLimits {
  readonly canRequest: boolean;
  readonly enrollment: { readonly limit: number; readonly remaining: number };
  readonly certificate: { readonly limit: number; readonly remaining: number };
}

export interface EnrollmentStatus {
  readonly requestDate: string;
  readonly status: { readonly code: number; readonly description: string; readonly details?: readonly string[] };
  readonly certificateSerialNumber?: string;
}

export interface RetrievedCertificate {
  /** DER, Base64 */
  readonly certificate: string;
  readonly certificateName: string;
  readonly certificateSerialNumber: string;
  readonly certificateType: KsefCertificateType;
}

export interface CertificateListItem {
  readonly certificateSerialNumber: string;
  readonly name: string;
  readonly type: KsefCertificateType;
  readonly commonName: string;
  readonly status: CertificateStatus;
  readonly subjectIdentifier: { readonly type: string; readonly value: string };
  readonly validFrom: string;
  readonly validTo: string;
  readonly lastUseDate?: string;
  readonly requestDate: string;
}

export interface CertificateQuery {
  readonly certificateSerialNumber?: string;
  readonly name?: string;
  readonly type?: KsefCertificateType;
  readonly status?: CertificateStatus;
  readonly expiresAfter?: string;
}

/** What a certificate refusal means for an operator (codes from openapi.json). */
const MEANINGS: Readonly<Record<number, string>> = {
  25001: 'KSeF gives certificate data only to a login made with a signature (qualified signature or seal, Trusted Profile, or a KSeF certificate; on TEST a self-signed certificate). A KSeF token cannot request a certificate: get the first certificate in the Ministry of Finance certificate module (see docs/authentication.md)',
  25002: 'KSeF accepts certificate requests only from a login made with a signature, not with a KSeF token (see docs/authentication.md)',
  25003: 'the CSR subject differs from the enrolment data KSeF gave for this login; generate the key and CSR again with `cert keygen` using the same credential',
  25004: 'the CSR is not a valid PKCS#10 request or its signature does not verify',
  25005: 'KSeF does not know this enrolment reference (or it belongs to another subject)',
  25006: 'the limit of certificate requests for this subject is reached',
  25007: 'the limit of certificates this subject may hold is reached; revoke one you no longer use',
  25008: 'no certificate with this serial number belongs to this subject',
  25009: 'the certificate is already revoked, blocked or expired',
  25010: 'KSeF accepts only RSA 2048-bit or EC P-256 keys',
  25011: 'the CSR signature algorithm is not accepted (RSA PKCS#1 v1.5, RSA-PSS or ECDSA with SHA-1/256/384/512)',
};

/** The same error, its message followed by what the KSeF code means. */
function explain(e: unknown): never {
  if (isKsefError(e)) {
    const meaning = e.exceptionCodes.map((c) => MEANINGS[c]).filter(Boolean);
    if (meaning.length > 0) {
      throw new KsefError(e.code as never, `${e.message}: ${meaning.join('; ')}`, {
        kind: 'config',
        exceptions: e.exceptions,
        cause: e,
        ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
        ...(e.operation !== undefined ? { operation: e.operation } : {}),
      });
    }
    // a KSeF refusal only: a 403 firewall page stays KSEF_FIREWALL (transient)
    if (e.code === 'KSEF_FORBIDDEN') {
      throw new KsefError('KSEF_FORBIDDEN', `${e.message}: this operation is not available for the way this company logs in (KSeF refuses it to KSeF-token logins)`, {
        kind: 'config', httpStatus: 403, exceptions: e.exceptions, cause: e,
        ...(e.operation !== undefined ? { operation: e.operation } : {}),
      });
    }
  }
  throw e;
}

export interface CertificateApi {
  limits(): Promise<CertificateLimits>;
  enrollmentData(): Promise<EnrollmentData>;
  enroll(req: { certificateName: string; certificateType: KsefCertificateType; csrDer: Buffer; validFrom?: string }): Promise<{ referenceNumber: string; timestamp: string }>;
  enrollmentStatus(referenceNumber: string): Promise<EnrollmentStatus>;
  /** polls until the status is final; a refusal (not 200) is a KsefError naming KSeF's reason */
  waitForEnrollment(referenceNumber: string, poll?: PollOptions): Promise<EnrollmentStatus & { certificateSerialNumber: string }>;
  retrieve(serialNumbers: readonly string[]): Promise<RetrievedCertificate[]>;
  query(filter?: CertificateQuery, paging?: { pageSize?: number; pageOffset?: number }): Promise<{ certificates: CertificateListItem[]; hasMore: boolean }>;
  revoke(serialNumber: string, reason?: 'Unspecified' | 'Superseded' | 'KeyCompromise'): Promise<void>;
}

export function certificateApi(http: KsefHttp, ready: () => Promise<void> = () => Promise.resolve()): CertificateApi {
  const call = async <T>(method: 'GET' | 'POST', path: string, o: { json?: unknown; query?: Record<string, number | undefined>; idempotent?: boolean; operation?: string; expect?: 'json' | 'none' } = {}): Promise<T> => {
    await ready();
    try {
      const r = await http.call<T>({
        method, path, auth: 'access', group: 'other', idempotent: o.idempotent ?? true, expect: o.expect ?? 'json',
        ...(o.json !== undefined ? { json: o.json } : {}), ...(o.query ? { query: o.query } : {}), ...(o.operation ? { operation: o.operation } : {}),
      });
      return r.body;
    } catch (e) {
      return explain(e);
    }
  };
  const api: CertificateApi = {
    limits: () => call('GET', '/certificates/limits'),
    enrollmentData: () => call('GET', '/certificates/enrollments/data'),
    enroll: (req) => call('POST', '/certificates/enrollments', {
      json: { certificateName: req.certificateName, certificateType: req.certificateType, csr: req.csrDer.toString('base64'), ...(req.validFrom ? { validFrom: req.validFrom } : {}) },
      // a lost answer would leave an enrolment we cannot name; KSeF dedupes nothing here
      idempotent: false,
    }),
    enrollmentStatus: (ref) => call('GET', `/certificates/enrollments/${encodeURIComponent(ref)}`, { operation: 'GET /certificates/enrollments/{referenceNumber}' }),
    async waitForEnrollment(ref, poll = {}) {
      const interval = poll.intervalMs ?? 1000;
      const deadline = http.clock.now() + (poll.timeoutMs ?? 120_000);
      for (;;) {
        const st = await api.enrollmentStatus(ref);
        if (st.status.code === 200 && st.certificateSerialNumber) return st as EnrollmentStatus & { certificateSerialNumber: string };
        if (st.status.code === 200) throw new KsefError('KSEF_PROTOCOL', `KSeF answered the certificate request ${ref} with status 200 but no certificate serial number; run \`cert enroll\` again later with --reference ${ref}`);
        if (st.status.code !== 100) {
          const why = [st.status.description, ...(st.status.details ?? [])].join(': ');
          throw new KsefError('KSEF_BAD_REQUEST', `KSeF refused the certificate request ${ref}: status ${st.status.code} ${why}`, { kind: st.status.code >= 500 ? 'transient' : 'config', statusCode: st.status.code });
        }
        if (http.clock.now() > deadline) throw new KsefError('KSEF_POLL_TIMEOUT', `the certificate request ${ref} is still being processed; run \`cert enroll\` again later with --reference ${ref}`);
        await http.clock.sleep(interval);
      }
    },
    retrieve: async (serials) => (await call<{ certificates: RetrievedCertificate[] }>('POST', '/certificates/retrieve', { json: { certificateSerialNumbers: serials } })).certificates,
    query: (filter = {}, paging = {}) => call('POST', '/certificates/query', { json: filter, query: { pageSize: paging.pageSize, pageOffset: paging.pageOffset } }),
    revoke: async (serial, reason) => {
      await call('POST', `/certificates/${encodeURIComponent(serial)}/revoke`, { json: reason ? { revocationReason: reason } : {}, expect: 'none', operation: 'POST /certificates/{certificateSerialNumber}/revoke' });
    },
  };
  return api;
}
