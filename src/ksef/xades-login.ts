/**
 * The signed document of the XAdES login (PROTOCOL §4.6): an AuthTokenRequest (auth schema 2.1)
 * with an enveloped XAdES-B signature. The signature itself comes from ksef-client-ts's
 * SignatureService (exclusive c14n, SHA-256, SignedProperties with SigningTime and the
 * SigningCertificate digest), which others run against the real KSeF; nothing is canonicalised here.
 */
import { SignatureService } from 'ksef-client-ts';

export const AUTH_TOKEN_REQUEST_NS = 'http://ksef.mf.gov.pl/auth/token/2.1';

export type SubjectIdentifierType = 'certificateSubject' | 'certificateFingerprint';

/** What the XAdES login needs; the key is PEM, unencrypted, and never logged. */
export interface XadesCredential {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly subjectIdentifierType: SubjectIdentifierType;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The unsigned AuthTokenRequest for a NIP context (valid against schemat_auth_v2-1.xsd). */
export function buildAuthTokenRequest(challenge: string, nip: string, subjectIdentifierType: SubjectIdentifierType): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<AuthTokenRequest xmlns="${AUTH_TOKEN_REQUEST_NS}">` +
    `<Challenge>${esc(challenge)}</Challenge>` +
    `<ContextIdentifier><Nip>${esc(nip)}</Nip></ContextIdentifier>` +
    `<SubjectIdentifierType>${subjectIdentifierType}</SubjectIdentifierType>` +
    '</AuthTokenRequest>'
  );
}

/** The AuthTokenRequest signed with the credential: the body of POST /auth/xades-signature. */
export function signedAuthTokenRequest(challenge: string, nip: string, credential: XadesCredential): string {
  return SignatureService.sign(buildAuthTokenRequest(challenge, nip, credential.subjectIdentifierType), credential.certificatePem, credential.privateKeyPem);
}
