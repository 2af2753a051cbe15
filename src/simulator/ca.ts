/**
 * The simulator's certificate authority: it stands for the KSeF certificate authority, whose
 * certificates (types Authentication and Offline) are the ones prod mode trusts for the XAdES
 * login. Its key and the certificates it issued live in the simulator state, so a restart keeps
 * trusting them and a revocation holds. Certificates are built with @peculiar/x509 (WebCrypto).
 * The certificate endpoints (certificates.ts), the admin/test API (index.ts) and the XAdES login
 * (xades-login.ts) all go through this one CA, so a certificate revoked through
 * `POST /certificates/{serial}/revoke` fails the next login with 460 "Certyfikat odwołany".
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SUBJECT_OIDS } from '../core/subject-oids.ts';
import { certificateFingerprint } from '../core/certificate-fingerprint.ts';

export type CertificateType = 'Authentication' | 'Offline';
export type RevocationReason = 'Unspecified' | 'Superseded' | 'KeyCompromise';

/** Subject attributes as KSeF reads them (PROTOCOL §4.6; podpis-xades.md). */
export interface CertificateSubject {
  readonly commonName: string;
  readonly countryName?: string;
  /** seal: organizationName + organizationIdentifier `VATPL-<NIP>` */
  readonly organizationName?: string;
  readonly organizationIdentifier?: string;
  /** person: givenName + surname + serialNumber `TINPL-<NIP>` or `PNOPL-<PESEL>` */
  readonly givenName?: string;
  readonly surname?: string;
  readonly serialNumber?: string;
}

export interface Validity {
  readonly notBefore: number;
  readonly notAfter: number;
}

/** One certificate the CA issued, as kept in the simulator state. */
export interface IssuedCertificate {
  /** hex, upper case, as X509Certificate.serialNumber prints it */
  readonly serialNumber: string;
  /** SHA-256 of the DER, hex upper case */
  readonly fingerprint: string;
  readonly type: CertificateType;
  readonly subject: CertificateSubject;
  readonly certificatePem: string;
  readonly validFrom: string;
  readonly validTo: string;
  revoked: boolean;
  revokedAt?: number;
  revocationReason?: RevocationReason;
}

export interface CaData {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  issued: IssuedCertificate[];
}

/** The subject attributes the CA writes, in this order. */
const SUBJECT_ORDER: readonly (keyof CertificateSubject)[] = ['countryName', 'organizationName', 'organizationIdentifier', 'givenName', 'surname', 'serialNumber', 'commonName'];

function jsonName(s: CertificateSubject): x509.JsonName {
  return SUBJECT_ORDER.filter((k) => s[k] !== undefined).map((k) => ({ [SUBJECT_OIDS[k]]: [s[k]!] }));
}

function signingParams(key: KeyObject): { importAlg: RsaHashedImportParams | EcKeyImportParams; signAlg: Algorithm | EcdsaParams } {
  if (key.asymmetricKeyType === 'ec') return { importAlg: { name: 'ECDSA', namedCurve: 'P-256' }, signAlg: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams };
  return { importAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signAlg: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm };
}

async function cryptoKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, signingParams(key).importAlg, false, ['sign']) as Promise<CryptoKey>;
}

/** 8 random bytes, positive, first byte non-zero: 16 hex digits, as KSeF shows certificate serial numbers. */
function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(8));
  b[0] = (b[0]! & 0x7f) | 0x10;
  return Buffer.from(b).toString('hex').toUpperCase();
}

export interface CreateCertificateInput {
  /** the subject; an x509.Name keeps a CSR's exact encoding */
  readonly subject: CertificateSubject | x509.Name;
  /** the subject's public key: a KeyObject, SPKI PEM, or a PKCS#10 CSR (PEM or DER, signature checked) */
  readonly publicKey: KeyObject | string | Buffer;
  /** issuer certificate and key; omitted = self-signed with `selfKey` */
  readonly issuer?: { readonly certificatePem: string; readonly privateKey: KeyObject };
  readonly selfKey?: KeyObject;
  readonly validity: Validity;
  readonly isCa?: boolean;
  /** KSeF key usage: Authentication = digitalSignature, Offline = nonRepudiation; omitted = both */
  readonly type?: CertificateType;
  readonly serialNumber?: string;
}

function isSpki(der: Buffer): boolean {
  try {
    createPublicKey({ key: der, format: 'der', type: 'spki' });
    return true;
  } catch {
    return false;
  }
}

async function spkiOf(publicKey: KeyObject | string | Buffer): Promise<Buffer> {
  if (typeof publicKey === 'object' && !Buffer.isBuffer(publicKey)) return publicKey.export({ type: 'spki', format: 'der' });
  const text = Buffer.isBuffer(publicKey) ? publicKey.toString('latin1') : publicKey;
  if (Buffer.isBuffer(publicKey) && isSpki(publicKey)) return createPublicKey({ key: publicKey, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
  if (/-----BEGIN PUBLIC KEY-----/.test(text)) return createPublicKey(text).export({ type: 'spki', format: 'der' });
  const csr = Buffer.isBuffer(publicKey) && !/-----BEGIN/.test(text) ? new x509.Pkcs10CertificateRequest(new Uint8Array(publicKey)) : new x509.Pkcs10CertificateRequest(text);
  if (!(await csr.verify())) throw new Error('the certificate signing request does not carry a valid signature');
  return Buffer.from(csr.publicKey.rawData);
}

function keyUsage(input: CreateCertificateInput): x509.KeyUsageFlags {
  if (input.isCa) return x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
  if (input.type === 'Authentication') return x509.KeyUsageFlags.digitalSignature;
  if (input.type === 'Offline') return x509.KeyUsageFlags.nonRepudiation;
  return x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
}

const nameOf = (s: CertificateSubject | x509.Name): x509.Name | x509.JsonName => (s instanceof x509.Name ? s : jsonName(s));

/** The subject attributes of an x509 name, as the CA's records keep them. */
export function subjectOf(name: x509.Name): CertificateSubject {
  const out: Record<string, string> = {};
  for (const k of SUBJECT_ORDER) {
    const v = name.getField(SUBJECT_OIDS[k])[0];
    if (v !== undefined) out[k] = v;
  }
  return { ...out, commonName: out['commonName'] ?? '' } as CertificateSubject;
}

/** An X.509 certificate, PEM. Used by the CA and by tests that need foreign or self-signed ones. */
export async function createCertificate(input: CreateCertificateInput): Promise<string> {
  const signer = input.issuer?.privateKey ?? input.selfKey;
  if (!signer) throw new Error('createCertificate needs an issuer or selfKey');
  const spki = await spkiOf(input.publicKey);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(input.isCa === true, undefined, true),
    new x509.KeyUsagesExtension(keyUsage(input), true),
    await x509.SubjectKeyIdentifierExtension.create(new x509.PublicKey(new Uint8Array(spki))),
  ];
  if (input.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(new x509.X509Certificate(input.issuer.certificatePem)));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: input.serialNumber ?? randomSerial(),
    subject: nameOf(input.subject),
    issuer: input.issuer ? new x509.X509Certificate(input.issuer.certificatePem).subjectName : nameOf(input.subject),
    notBefore: new Date(input.validity.notBefore),
    notAfter: new Date(input.validity.notAfter),
    publicKey: new Uint8Array(spki),
    signingKey: await cryptoKey(signer),
    signingAlgorithm: signingParams(signer).signAlg,
    extensions,
  }, webcrypto as unknown as Crypto);
  return cert.toString('pem');
}

/** SHA-256 of a certificate's DER, hex upper case: KSeF's certificate fingerprint. */
export function fingerprintOf(cert: X509Certificate): string {
  return certificateFingerprint(cert.raw);
}

/** A fresh CA (EC P-256: fast to make; KSeF's own CA algorithm does not matter to clients). */
export async function createCaData(nowMs: number): Promise<CaData> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificatePem = await createCertificate({
    subject: { countryName: 'PL', organizationName: 'KSeF simulator', commonName: 'KSeF simulator CA' },
    publicKey,
    selfKey: privateKey,
    validity: { notBefore: nowMs - 86_400_000, notAfter: nowMs + 20 * 365 * 86_400_000 },
    isCa: true,
  });
  return { certificatePem, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), issued: [] };
}

/** What the CA knows about a certificate presented at login. */
export type ChainVerdict = { readonly trusted: true; readonly issued: IssuedCertificate | undefined } | { readonly trusted: false };

/**
 * The CA over its state record. `issueCertificate` is what the certificate enrolment endpoints
 * (and tests, and admins) call; `verdict` is what the XAdES login asks in prod mode.
 */
export class SimCa {
  readonly #cert: X509Certificate;

  constructor(readonly data: CaData, private readonly touch: () => void = () => undefined) {
    this.#cert = new X509Certificate(data.certificatePem);
  }

  get certificatePem(): string {
    return this.data.certificatePem;
  }

  /**
   * Issue a certificate of `type` for `subject` over the key in `csrOrPublicKey` (a CSR's
   * signature is checked; an SPKI DER Buffer is taken as the key). An x509.Name subject (a CSR's)
   * is kept byte for byte.
   */
  async issueCertificate(csrOrPublicKey: KeyObject | string | Buffer, subject: CertificateSubject | x509.Name, type: CertificateType, validity: Validity): Promise<IssuedCertificate> {
    const certificatePem = await createCertificate({
      subject, publicKey: csrOrPublicKey, validity, type,
      issuer: { certificatePem: this.data.certificatePem, privateKey: createPrivateKey(this.data.privateKeyPem) },
    });
    const c = new X509Certificate(certificatePem);
    const record: IssuedCertificate = {
      serialNumber: c.serialNumber.toUpperCase(), fingerprint: fingerprintOf(c), type,
      subject: subject instanceof x509.Name ? subjectOf(subject) : subject, certificatePem,
      validFrom: new Date(c.validFrom).toISOString(), validTo: new Date(c.validTo).toISOString(), revoked: false,
    };
    this.data.issued.push(record);
    this.touch();
    return record;
  }

  find(serialNumber: string): IssuedCertificate | undefined {
    return this.data.issued.find((r) => r.serialNumber === serialNumber.toUpperCase());
  }

  revoke(serialNumber: string, nowMs: number, reason: RevocationReason = 'Unspecified'): boolean {
    const r = this.find(serialNumber);
    if (!r || r.revoked) return false;
    r.revoked = true;
    r.revokedAt = nowMs;
    r.revocationReason = reason;
    this.touch();
    return true;
  }

  /** Trusted when the CA signed it; `issued` is its record (revocation) when this CA issued it. */
  verdict(cert: X509Certificate): ChainVerdict {
    if (!cert.checkIssued(this.#cert) || !cert.verify(this.#cert.publicKey)) return { trusted: false };
    return { trusted: true, issued: this.find(cert.serialNumber) };
  }
}
