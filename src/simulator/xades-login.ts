/**
 * Whether the certificate of a verified XAdES login may log in to the requested context, as the
 * status of the auth operation (PROTOCOL §4.3): 460 for the certificate itself (dates, chain,
 * revocation), 415 when its subject holds no permission in the context. Test mode accepts
 * self-signed certificates as KSeF TEST does; prod mode (or verifyCertificateChain=true) trusts
 * only the simulator's CA. Subject identifiers are read by the patterns KSeF documents:
 * organizationIdentifier (VATPL)…NIP for a seal, serialNumber (PNOPL|PESEL)…PESEL or (TINPL|NIP)…NIP
 * for a person. The context's own seal or person (its NIP) may always log in; any other identity
 * (a NIP, a PESEL or, with certificateFingerprint, the certificate's SHA-256 fingerprint) only when
 * the context granted it a permission (permissions.ts). The permissions granted are recorded on the
 * login; the server checks them against each route's required permissions (403 missing-permissions).
 */
import * as x509 from '@peculiar/x509';
import { fingerprintOf } from './ca.ts';
import { SUBJECT_OIDS } from '../core/subject-oids.ts';
import { findCertificate } from './certificates.ts';
import { permissionsInContext, type PermissionName } from './permissions.ts';
import type { Sim } from './sim-context.ts';
import type { AuthOperation, SignerIdentity, StatusInfo } from './state.ts';
import type { VerifiedAuthRequest } from './xades-verify.ts';
import { certificateFingerprint } from '../core/certificate-fingerprint.ts';

const CERT_FAILED = 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu';

export type SubjectIdentity = { readonly type: 'Nip' | 'Pesel' | 'Fingerprint'; readonly value: string; readonly kind: 'seal' | 'person' | 'fingerprint' };

/** The identity KSeF reads from a certificate, or undefined when the subject names none. */
export function subjectIdentity(certDer: Buffer, subjectIdentifierType: VerifiedAuthRequest['subjectIdentifierType']): SubjectIdentity | undefined {
  const cert = new x509.X509Certificate(new Uint8Array(certDer));
  if (subjectIdentifierType === 'certificateFingerprint') {
    return { type: 'Fingerprint', value: certificateFingerprint(certDer), kind: 'fingerprint' };
  }
  const name = cert.subjectName;
  const orgId = name.getField('2.5.4.97')[0];
  const seal = orgId?.match(/(VATPL).*?(\d{10})/);
  if (seal) return { type: 'Nip', value: seal[2]!, kind: 'seal' };
  const serial = name.getField('2.5.4.5')[0];
  const pesel = serial?.match(/(PNOPL|PESEL).*?(\d{11})/);
  if (pesel) return { type: 'Pesel', value: pesel[2]!, kind: 'person' };
  const nip = serial?.match(/(TINPL|NIP).*?(\d{10})/);
  if (nip) return { type: 'Nip', value: nip[2]!, kind: 'person' };
  return undefined;
}

/**
 * Who signed, as the certificate endpoints need it: the identity KSeF reads from the certificate and
 * the enrolment data (CertificateEnrollmentDataResponse) taken from its subject, so that a company
 * logged in with a seal or a KSeF certificate gets a CSR subject KSeF accepts (25003 otherwise).
 */
export function signerOf(certDer: Buffer, identity: SubjectIdentity): SignerIdentity {
  const name = new x509.X509Certificate(new Uint8Array(certDer)).subjectName;
  const enrollmentData: Record<string, string | string[]> = {};
  for (const [field, oid] of Object.entries(SUBJECT_OIDS)) {
    const values = name.getField(oid);
    if (values.length === 1) enrollmentData[field] = values[0]!;
    else if (values.length > 1) enrollmentData[field] = values;
  }
  return { identifier: { type: identity.type, value: identity.value }, enrollmentData };
}

export async function certificateLoginStatus(
  sim: Sim, doc: VerifiedAuthRequest, verifyChain: boolean,
): Promise<{ status: StatusInfo; certificate: NonNullable<AuthOperation['certificate']>; signer?: SignerIdentity; permissions?: PermissionName[] }> {
  const now = sim.now();
  const cert = doc.certificate;
  const ca = await sim.ca();
  const verdict = ca.verdict(cert);
  const issued = verdict.trusted ? verdict.issued : undefined;
  const identity = subjectIdentity(cert.raw, doc.subjectIdentifierType);
  const method = issued ? 'InternalCertificate' : identity?.kind === 'seal' ? 'QualifiedSeal' : 'QualifiedSignature';
  const certificate = { fingerprint: fingerprintOf(cert), serialNumber: cert.serialNumber.toUpperCase(), issuedHere: issued !== undefined, method };
  const refuse = (detail: string): { status: StatusInfo; certificate: typeof certificate } => ({ status: { code: 460, description: CERT_FAILED, details: [detail] }, certificate });
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return refuse('Nieważny certyfikat');
  if ((sim.opts.mode === 'prod' || verifyChain) && !verdict.trusted) return refuse('Niezaufany łańcuch certyfikatów');
  if (issued?.revoked) return refuse('Certyfikat odwołany');
  if (!identity) return refuse('Niepoprawny certyfikat');
  const granted = permissionsInContext(sim, identity, doc.context.value);
  if (granted?.length === 0) {
    return { status: { code: 415, description: 'Uwierzytelnianie zakończone niepowodzeniem', details: ['Brak przypisanych uprawnień'] }, certificate };
  }
  // the certificate endpoints' query shows when a KSeF certificate was last used to log in
  if (issued) {
    const enrolled = findCertificate(sim, issued.serialNumber);
    if (enrolled) {
      enrolled.lastUseDate = now;
      sim.state.touch();
    }
  }
  return { status: { code: 200, description: 'Uwierzytelnianie zakończone sukcesem' }, certificate, signer: signerOf(cert.raw, identity), ...(granted ? { permissions: granted } : {}) };
}
