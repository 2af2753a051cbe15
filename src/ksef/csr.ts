/**
 * A key pair and a PKCS#10 CSR for a KSeF certificate enrolment: the subject is exactly the
 * enrolment data KSeF returned (any change is refused with 25003); keys are EC P-256 (KSeF's
 * recommendation) or RSA 2048. The private key leaves as PKCS#8 PEM, encrypted when a passphrase
 * is given. Built with @peculiar/x509 (no hand-written DER).
 */
import { generateKeyPairSync, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { EnrollmentData } from './certificates.ts';
import { SUBJECT_OIDS, type SubjectField } from '../core/subject-oids.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type CsrKeyType = 'ec' | 'rsa';

/** Enrolment-data fields in the order KSeF's own example CSR uses. */
const CSR_ORDER: readonly (keyof EnrollmentData & SubjectField)[] = ['commonName', 'givenName', 'surname', 'organizationName', 'organizationIdentifier', 'countryName', 'serialNumber', 'uniqueIdentifier'];

/** PrintableString where X.520 asks for it (country, serial number), UTF8String elsewhere. */
const PRINTABLE = new Set<string>([SUBJECT_OIDS.countryName, SUBJECT_OIDS.serialNumber]);

export function subjectName(data: EnrollmentData): x509.Name {
  const rdns: Record<string, x509.JsonAttributeObject[]>[] = [];
  for (const field of CSR_ORDER) {
    const oid = SUBJECT_OIDS[field];
    const raw = data[field];
    if (raw === undefined || raw === null) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      rdns.push({ [oid]: [PRINTABLE.has(oid) && x509.Name.isPrintableString(v as string) ? { printableString: v as string } : { utf8String: v as string }] });
    }
  }
  return new x509.Name(rdns);
}

export interface KeyAndCsr {
  /** PKCS#10, DER */
  readonly csrDer: Buffer;
  readonly csrPem: string;
  /** PKCS#8 PEM, encrypted (AES-256-CBC) when a passphrase was given */
  readonly privateKeyPem: string;
  readonly subject: string;
}

const ALGS = {
  ec: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  rsa: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
} as const;

export async function buildKeyAndCsr(data: EnrollmentData, keyType: CsrKeyType, passphrase?: string): Promise<KeyAndCsr> {
  const pair = keyType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = ALGS[keyType];
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' })), alg, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' })), alg, true, ['verify']),
  };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subjectName(data), keys, signingAlgorithm: alg });
  return {
    csrDer: Buffer.from(csr.rawData),
    csrPem: csr.toString('pem') + '\n',
    privateKeyPem: exportKey(pair.privateKey, passphrase),
    subject: csr.subject,
  };
}

function exportKey(key: KeyObject, passphrase?: string): string {
  return passphrase
    ? key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString()
    : key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** PEM of a CSR file back to DER (accepts DER too). */
export function csrDerOf(text: Buffer): Buffer {
  const s = text.toString('latin1');
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]+?)-----END CERTIFICATE REQUEST-----/.exec(s);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : text;
}

/** DER certificate → PEM. */
export function certificatePem(der: Buffer): string {
  return new X509Certificate(der).toString();
}
