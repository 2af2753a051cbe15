/**
 * KSeF certificate endpoints (certyfikaty-KSeF.md; openapi tag "Certyfikaty"): limits, enrolment
 * data, enrolment (PKCS#10 CSR), enrolment status, retrieve, query and revoke. Certificates are
 * issued for real by the simulator CA (ca.ts, `sim.ca()`), the one the XAdES login trusts in prod
 * mode and asks about revocation. The operations belong to the authenticated subject,
 * not to the login context. As in KSeF, a KSeF-token login may not request or revoke certificates
 * (25001/25002, 403) unless the simulator was started with allowTokenCertificateEnrollment.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateType, RevocationReason } from './ca.ts';
import { apiError, forbidden, gone, SimHttpError } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import type { Sim } from './sim-context.ts';
import type { KsefCertificateRecord, SignerIdentity, StatusInfo } from './state.ts';
import { oidOf, SUBJECT_OIDS } from '../core/subject-oids.ts';

const VALIDITY_MS = 2 * 365 * 86_400_000;
const STATUS_RETENTION_MS = 30 * 86_400_000;
const SERIAL = /^[0-9A-F]{16}$/;
const NAME = /^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]{5,100}$/;
const TYPES: readonly string[] = ['Authentication', 'Offline'];
const REASONS: readonly string[] = ['Unspecified', 'Superseded', 'KeyCompromise'];
const STATUSES: readonly string[] = ['Active', 'Blocked', 'Revoked', 'Expired'];

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  25001: 'Brak możliwości pobrania danych do CSR dla wykorzystanego sposobu uwierzytelnienia.',
  25002: 'Brak możliwości złożenia wniosku certyfikacyjnego dla wykorzystanego sposobu uwierzytelnienia.',
  25003: 'Dane w CSR nie zgadzają się z danymi w użytym wektorze uwierzytelniającym.',
  25004: 'Niepoprawny format CSR lub niepoprawny podpis CSR.',
  25005: 'Wniosek certyfikacyjny o podanym numerze referencyjnym nie istnieje.',
  25006: 'Osiągnięto limit możliwych do złożenia wniosków certyfikacyjnych.',
  25007: 'Osiągnięto limit dopuszczalnej liczby posiadanych certyfikatów.',
  25008: 'Certyfikat o podanym numerze seryjnym nie istnieje.',
  25009: 'Nie można odwołać wskazanego certyfikatu, ponieważ jest już odwołany, zablokowany lub nieważny.',
  25010: 'Nieprawidłowy typ lub długość klucza.',
  25011: 'Nieprawidłowy algorytm podpisu CSR.',
};

function certError(code: number, ...details: string[]): SimHttpError {
  return new SimHttpError(400, [{ code, description: DESCRIPTIONS[code] ?? 'Błąd.', ...(details.length ? { details } : {}) }]);
}

interface Requester {
  readonly method: 'Token' | 'XadesSignature';
  readonly owner: SignerIdentity['identifier'];
  readonly enrollmentData: Record<string, string | string[]>;
}

/** Who is asking: the signer of a signature login, or (token) the NIP the token belongs to. */
function requesterOf(sim: Sim, req: SimRequest): Requester {
  const op = sim.state.authOps.get(req.auth!.ref);
  if (op?.signer) return { method: 'XadesSignature', owner: op.signer.identifier, enrollmentData: op.signer.enrollmentData };
  const nip = op?.nip ?? req.auth!['context-identifier-value'];
  const name = `Podmiot ${nip}`;
  return {
    method: 'Token',
    owner: { type: 'Nip', value: nip },
    enrollmentData: { commonName: name, countryName: 'PL', organizationName: name, organizationIdentifier: `VATPL-${nip}` },
  };
}

function requireSignature(sim: Sim, who: Requester, code: 25001 | 25002 | 403): void {
  if (who.method !== 'Token' || sim.opts.allowTokenCertificateEnrollment) return;
  if (code === 403) throw forbidden('Ta operacja nie jest dostępna dla użytej metody uwierzytelnienia.', 'auth-method-not-allowed', { authenticationMethodCategory: 'Token' });
  throw certError(code, 'Uwierzytelnienie tokenem KSeF nie pozwala na złożenie wniosku o certyfikat; uwierzytelnij się podpisem (XAdES).');
}

function records(sim: Sim): KsefCertificateRecord[] {
  return (sim.state.data.ksefCertificates ??= []);
}

const sameOwner = (a: Requester['owner'], b: Requester['owner']): boolean => a.type === b.type && a.value === b.value;

function ownRecords(sim: Sim, who: Requester): KsefCertificateRecord[] {
  return records(sim).filter((r) => sameOwner(r.owner, who.owner));
}

/** Active / Revoked / Expired, as the query shows it (issued certificates only). */
export async function certificateStatus(sim: Sim, rec: KsefCertificateRecord): Promise<'Active' | 'Revoked' | 'Expired'> {
  const ca = await sim.ca();
  if (rec.serialNumber && ca.find(rec.serialNumber)?.revoked) return 'Revoked';
  if (rec.validTo !== undefined && rec.validTo <= sim.now()) return 'Expired';
  return 'Active';
}

/** The issued certificate with this serial number (any owner), for signature verification. */
export function findCertificate(sim: Sim, serialNumber: string): KsefCertificateRecord | undefined {
  return records(sim).find((r) => r.serialNumber === serialNumber.toUpperCase() && r.readyAt <= sim.now());
}

async function limitsOf(sim: Sim, who: Requester) {
  const own = ownRecords(sim, who);
  let active = 0;
  for (const r of own) if (r.serialNumber && r.status.code === 200 && (await certificateStatus(sim, r)) === 'Active') active++;
  const { certificates, enrollments } = sim.opts.certificateLimits;
  const certificate = { limit: certificates, remaining: Math.max(0, certificates - active) };
  const enrollment = { limit: enrollments, remaining: Math.max(0, enrollments - own.length) };
  return { canRequest: certificate.remaining > 0 && enrollment.remaining > 0, enrollment, certificate };
}

/**
 * The CSR subject as sorted `OID=value` pairs; an attribute outside the enrolment-data set shows
 * as `?` so that a subject with extra attributes never equals the expected one.
 */
function subjectPairs(name: x509.Name): string[] {
  const out = Object.values(SUBJECT_OIDS).flatMap((oid) => name.getField(oid).map((v) => `${oid}=${v}`));
  const total = name.toJSON().reduce((n, rdn) => n + Object.values(rdn).reduce((m, v) => m + v.length, 0), 0);
  for (let i = out.length; i < total; i++) out.push('?');
  return out.sort();
}

function expectedPairs(data: Record<string, string | string[]>): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    const oid = oidOf(field);
    if (!oid) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(`${oid}=${v}`);
  }
  return out.sort();
}

const HASHES = new Set(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

async function checkCsr(der: Buffer, who: Requester): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  } catch {
    throw certError(25004, 'CSR nie jest poprawnym żądaniem PKCS#10 w formacie DER.');
  }
  const alg = csr.signatureAlgorithm as { name?: string; hash?: { name?: string } };
  if (!['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA'].includes(alg.name ?? '') || !HASHES.has(alg.hash?.name ?? '')) {
    throw certError(25011, `Algorytm podpisu CSR ${alg.name ?? '?'}/${alg.hash?.name ?? '?'} nie jest dozwolony.`);
  }
  const details = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' }).asymmetricKeyDetails ?? {};
  const rsaOk = details.modulusLength === 2048 && alg.name !== 'ECDSA';
  const ecOk = details.namedCurve === 'prime256v1' && alg.name === 'ECDSA';
  if (!rsaOk && !ecOk) throw certError(25010, 'Dozwolone klucze: RSA 2048 bitów albo EC P-256.');
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw certError(25004, 'Podpis CSR jest nieprawidłowy.');
  const got = subjectPairs(csr.subjectName);
  const want = expectedPairs(who.enrollmentData);
  if (got.join('\n') !== want.join('\n')) throw certError(25003, `Oczekiwano: ${want.join(', ')}; otrzymano: ${got.join(', ')}.`);
  return csr;
}

function limitsHandler(sim: Sim, req: SimRequest) {
  return limitsOf(sim, requesterOf(sim, req)).then((json) => ({ status: 200, json }));
}

function enrollmentDataHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  requireSignature(sim, who, 25001);
  return { status: 200, json: who.enrollmentData };
}

async function enrollHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  requireSignature(sim, who, 25002);
  const body = parseJson(req);
  const name = body['certificateName'];
  const type = body['certificateType'];
  const csrB64 = body['csr'];
  const validFromRaw = body['validFrom'];
  if (typeof name !== 'string' || !NAME.test(name)) throw apiError(21405, 'certificateName: 5–100 znaków (litery, cyfry, spacja, _ i -).');
  if (typeof type !== 'string' || !TYPES.includes(type)) throw apiError(21405, 'certificateType: Authentication albo Offline.');
  if (typeof csrB64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(csrB64)) throw apiError(21405, 'csr: wymagany CSR PKCS#10 (DER) w Base64.');
  const validFrom = validFromRaw === undefined || validFromRaw === null ? undefined : Date.parse(String(validFromRaw));
  if (validFrom !== undefined && Number.isNaN(validFrom)) throw apiError(21405, 'validFrom: wymagana data w formacie ISO 8601.');
  const limits = await limitsOf(sim, who);
  if (limits.enrollment.remaining <= 0) throw certError(25006);
  if (limits.certificate.remaining <= 0) throw certError(25007);
  const csr = await checkCsr(Buffer.from(csrB64, 'base64'), who);
  const now = sim.now();
  const spki = Buffer.from(csr.publicKey.rawData);
  const publicKeyHash = createHash('sha256').update(spki).digest('hex');
  const rec: KsefCertificateRecord = {
    referenceNumber: referenceNumber('EH', now),
    requestDate: now,
    owner: who.owner,
    name,
    type: type as CertificateType,
    commonName: String([who.enrollmentData['commonName']].flat()[0] ?? ''),
    publicKeyHash,
    readyAt: now + sim.opts.processingDelayMs,
    status: { code: 200, description: 'Wniosek obsłużony (certyfikat wygenerowany)' },
  };
  const takenByOther = records(sim).some((r) => r.publicKeyHash === publicKeyHash && r.serialNumber && !sameOwner(r.owner, who.owner));
  if (takenByOther) {
    rec.status = { code: 400, description: 'Wniosek odrzucony', details: ['Klucz publiczny został już certyfikowany przez inny podmiot.'] };
  } else {
    const notBefore = validFrom ?? now;
    const notAfter = notBefore + VALIDITY_MS;
    const ca = await sim.ca();
    const issued = await ca.issueCertificate(spki, csr.subjectName, rec.type, { notBefore, notAfter });
    rec.serialNumber = issued.serialNumber;
    rec.certificate = new X509Certificate(issued.certificatePem).raw.toString('base64');
    rec.validFrom = notBefore;
    rec.validTo = notAfter;
  }
  records(sim).push(rec);
  sim.state.touch();
  return { status: 202, json: { referenceNumber: rec.referenceNumber, timestamp: sim.iso(now) } };
}

function enrollmentStatusHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  const rec = ownRecords(sim, who).find((r) => r.referenceNumber === req.params['referenceNumber']);
  if (!rec) throw certError(25005);
  const now = sim.now();
  if (now > rec.requestDate + STATUS_RETENTION_MS) throw gone('Operacja wygasła i nie jest już dostępna.');
  const status: StatusInfo = now < rec.readyAt ? { code: 100, description: 'Wniosek przyjęty do realizacji' } : rec.status;
  const serial = now >= rec.readyAt && rec.serialNumber ? { certificateSerialNumber: rec.serialNumber } : {};
  return { status: 200, json: { requestDate: sim.iso(rec.requestDate), status, ...serial } };
}

function issued(sim: Sim, who: Requester): KsefCertificateRecord[] {
  return ownRecords(sim, who).filter((r) => r.serialNumber && r.readyAt <= sim.now());
}

function retrieveHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  const serials = parseJson(req)['certificateSerialNumbers'];
  if (!Array.isArray(serials) || serials.length < 1 || serials.length > 10 || !serials.every((s) => typeof s === 'string' && SERIAL.test(s))) {
    throw apiError(21405, 'certificateSerialNumbers: od 1 do 10 numerów seryjnych (16 cyfr szesnastkowych).');
  }
  const mine = issued(sim, who);
  const certificates = serials
    .map((s) => mine.find((r) => r.serialNumber === s))
    .filter((r): r is KsefCertificateRecord => r !== undefined)
    .map((r) => ({ certificate: r.certificate!, certificateName: r.name, certificateSerialNumber: r.serialNumber!, certificateType: r.type }));
  return { status: 200, json: { certificates } };
}

function intParam(req: SimRequest, name: string, def: number, min: number, max: number): number {
  const raw = req.query.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw apiError(21405, `${name}: liczba całkowita ${min}–${max}.`);
  return n;
}

async function queryHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  const pageSize = intParam(req, 'pageSize', 10, 10, 50);
  const pageOffset = intParam(req, 'pageOffset', 0, 0, 1_000_000);
  const f = parseJson(req);
  const opt = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  if (opt('type') && !TYPES.includes(opt('type')!)) throw apiError(21405, 'type: Authentication albo Offline.');
  if (opt('status') && !STATUSES.includes(opt('status')!)) throw apiError(21405, 'status: Active, Blocked, Revoked albo Expired.');
  const expiresAfter = opt('expiresAfter') ? Date.parse(opt('expiresAfter')!) : undefined;
  const rows = [];
  for (const r of issued(sim, who).sort((a, b) => b.requestDate - a.requestDate)) {
    const status = await certificateStatus(sim, r);
    if (opt('certificateSerialNumber') && r.serialNumber !== opt('certificateSerialNumber')) continue;
    if (opt('name') && !r.name.includes(opt('name')!)) continue;
    if (opt('type') && r.type !== opt('type')) continue;
    if (opt('status') && status !== opt('status')) continue;
    if (expiresAfter !== undefined && !(r.validTo! > expiresAfter)) continue;
    rows.push({
      certificateSerialNumber: r.serialNumber!,
      name: r.name,
      type: r.type,
      commonName: r.commonName,
      status,
      subjectIdentifier: r.owner,
      validFrom: sim.iso(r.validFrom),
      validTo: sim.iso(r.validTo),
      ...(r.lastUseDate !== undefined ? { lastUseDate: sim.iso(r.lastUseDate) } : {}),
      requestDate: sim.iso(r.requestDate),
    });
  }
  const page = rows.slice(pageOffset * pageSize, (pageOffset + 1) * pageSize);
  return { status: 200, json: { certificates: page, hasMore: rows.length > (pageOffset + 1) * pageSize } };
}

async function revokeHandler(sim: Sim, req: SimRequest) {
  const who = requesterOf(sim, req);
  requireSignature(sim, who, 403);
  const serial = req.params['certificateSerialNumber']!;
  if (!SERIAL.test(serial)) throw apiError(21405, 'certificateSerialNumber: 16 cyfr szesnastkowych (wielkie litery).');
  const reason = parseJson(req)['revocationReason'] ?? 'Unspecified';
  if (typeof reason !== 'string' || !REASONS.includes(reason)) throw apiError(21405, 'revocationReason: Unspecified, Superseded albo KeyCompromise.');
  const rec = issued(sim, who).find((r) => r.serialNumber === serial);
  if (!rec) throw certError(25008);
  if ((await certificateStatus(sim, rec)) !== 'Active') throw certError(25009);
  (await sim.ca()).revoke(serial, sim.now(), reason as RevocationReason);
  sim.state.touch();
  return { status: 204 };
}

export const certificateRoutes: Route[] = [
  route('GET', '/certificates/limits', 'other', 'access', limitsHandler),
  route('GET', '/certificates/enrollments/data', 'other', 'access', enrollmentDataHandler),
  route('POST', '/certificates/enrollments', 'other', 'access', enrollHandler),
  route('GET', '/certificates/enrollments/{referenceNumber}', 'other', 'access', enrollmentStatusHandler),
  route('POST', '/certificates/retrieve', 'other', 'access', retrieveHandler),
  route('POST', '/certificates/query', 'other', 'access', queryHandler),
  route('POST', '/certificates/{certificateSerialNumber}/revoke', 'other', 'access', revokeHandler),
];
