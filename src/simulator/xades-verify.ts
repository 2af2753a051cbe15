/**
 * Checks a signed AuthTokenRequest the way KSeF does before it accepts a XAdES login (PROTOCOL
 * §4.6): the document is readable and an AuthTokenRequest valid against the auth XSD (when found,
 * auth-schema.ts), it carries exactly one enveloped
 * signature whose references (the whole document and the XAdES SignedProperties) and
 * SignatureValue verify (xml-crypto), and whose SigningCertificate digest is the digest of the
 * certificate in KeyInfo. What is wrong with the document is a 400 with KSeF's exception code;
 * what is wrong with the certificate itself (dates, trust, subject) is decided by the caller.
 */
import { createHash, createPublicKey, KeyObject, verify as verifySig, X509Certificate, type KeyLike } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { authSchemaProblems } from './auth-schema.ts';
import { apiError } from './http-errors.ts';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const AUTH_NS = ['http://ksef.mf.gov.pl/auth/token/2.0', 'http://ksef.mf.gov.pl/auth/token/2.1'];
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
const DIGESTS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
};

export interface VerifiedAuthRequest {
  readonly challenge: string;
  readonly context: { readonly type: string; readonly value: string };
  readonly subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint';
  readonly certificate: X509Certificate;
  readonly signingTime: string;
}

/** XML-DSig ECDSA: the signature value is r‖s (IEEE P1363), not DER. */
function ecdsa(uri: string, hash: string) {
  return class {
    getSignature(): string {
      throw new Error('verification only');
    }
    verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
      return verifySig(hash, Buffer.from(material, 'utf8'), { key: key instanceof KeyObject ? key : createPublicKey(key as string), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'));
    }
    getAlgorithmName(): string {
      return uri;
    }
  };
}

type El = Element;
const children = (e: El, ns: string, name: string): El[] => {
  const out: El[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as El).namespaceURI === ns && (n as El).localName === name) out.push(n as El);
  return out;
};
const descendants = (doc: Document | El, ns: string, name: string): El[] => Array.from(doc.getElementsByTagNameNS(ns, name)) as El[];
const text = (e: El | undefined): string => (e?.textContent ?? '').trim();

/** Throws a SimHttpError (400) naming what is wrong; returns what the signed document says. */
export function verifyAuthTokenRequest(body: Buffer, opts: { authSchemaDir?: string | undefined } = {}): VerifiedAuthRequest {
  const xml = body.toString('utf8');
  if (xml.includes('\uFFFD')) throw apiError(21217, 'Dokument nie jest poprawnie zakodowany w UTF-8.');
  let broken: string | undefined;
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (m: string) => { broken ??= m; }, fatalError: (m: string) => { broken ??= m; } } }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (broken || !root) throw apiError(21001, ...(broken ? [broken.split('\n')[0]!] : []));
  if (root.localName !== 'AuthTokenRequest' || !AUTH_NS.includes(root.namespaceURI ?? '')) {
    throw apiError(21401, `Oczekiwano elementu AuthTokenRequest w przestrzeni nazw ${AUTH_NS.join(' lub ')}.`);
  }
  const signatures = descendants(doc, DS, 'Signature');
  if (signatures.length === 0) throw apiError(9102);
  if (signatures.length > 1) throw apiError(9103);
  const sigEl = signatures[0]!;
  // enveloped: the signature sits inside the document it signs (detached ones are refused)
  if (sigEl.parentNode !== root) throw apiError(9105, 'Podpis musi być otaczany (enveloped) w elemencie AuthTokenRequest.');

  // the signed content against the official schema, as KSeF validates it (21401 with the validator's words)
  const problems = authSchemaProblems(root, sigEl, opts.authSchemaDir);
  if (problems?.length) throw apiError(21401, ...problems.slice(0, 3).map((p) => p.message));
  const ns = root.namespaceURI!;
  const challenge = text(children(root, ns, 'Challenge')[0]);
  const ctxEl = children(root, ns, 'ContextIdentifier')[0];
  const ctx = ctxEl ? Array.from(ctxEl.childNodes).find((n) => n.nodeType === 1) as El | undefined : undefined;
  const sit = text(children(root, ns, 'SubjectIdentifierType')[0]);
  if (!/^\d{8}-CR-[A-F0-9]{10}-[A-F0-9]{10}-[A-F0-9]{2}$/.test(challenge) || !ctx || !['Nip', 'InternalId', 'NipVatUe', 'PeppolId'].includes(ctx.localName ?? '')
    || (sit !== 'certificateSubject' && sit !== 'certificateFingerprint')) {
    throw apiError(21401, 'Wymagane elementy: Challenge, ContextIdentifier (Nip|InternalId|NipVatUe|PeppolId), SubjectIdentifierType (certificateSubject|certificateFingerprint).');
  }
  const certB64 = text(descendants(sigEl, DS, 'X509Certificate')[0]).replace(/\s+/g, '');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(certB64, 'base64'));
  } catch {
    throw apiError(21115, 'Brak lub nieczytelny certyfikat w KeyInfo/X509Data.');
  }

  const signed = new SignedXml({ publicCert: certificate.publicKey, getCertFromKeyInfo: () => null });
  const algs = signed.SignatureAlgorithms as Record<string, unknown>;
  algs['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'] = ecdsa('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'sha256');
  algs['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384'] = ecdsa('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', 'sha384');
  let valid = false;
  let why = 'Weryfikacja podpisu nie powiodła się.';
  try {
    signed.loadSignature(sigEl);
    valid = signed.checkSignature(xml);
  } catch (e) {
    why = e instanceof Error ? e.message.split('\n')[0]! : why;
  }
  if (!valid) {
    // name the reference whose digest no longer matches: the content was altered after signing
    const broken = signed.getReferences().find((r) => r.validationError);
    if (broken) {
      const type = descendants(sigEl, DS, 'Reference').find((r) => (r.getAttribute('URI') ?? '') === (broken.uri ?? ''))?.getAttribute('Type');
      const what = broken.uri === '' || broken.isEmptyUri ? 'cały dokument' : type === SIGNED_PROPERTIES_TYPE ? 'SignedProperties' : 'element podpisany';
      why = `Treść dokumentu zmieniona po podpisaniu: skrót Reference URI="${broken.uri ?? ''}" (${what}) nie zgadza się.`;
    }
    throw apiError(9105, why);
  }

  // the references must cover the whole document and the SignedProperties
  const refs = descendants(sigEl, DS, 'Reference');
  if (!refs.some((r) => r.getAttribute('URI') === '')) throw apiError(9105, 'Podpis nie obejmuje całego dokumentu (Reference URI="").');
  const spRef = refs.find((r) => r.getAttribute('Type') === SIGNED_PROPERTIES_TYPE);
  const spId = spRef?.getAttribute('URI')?.replace(/^#/, '');
  const sp = descendants(sigEl, XADES, 'SignedProperties').find((e) => e.getAttribute('Id') === spId);
  if (!spRef || !sp) throw apiError(9105, 'Brak podpisanych właściwości XAdES (SignedProperties).');
  const signingTime = text(descendants(sp, XADES, 'SigningTime')[0]);
  if (!signingTime || Number.isNaN(Date.parse(signingTime))) throw apiError(9105, 'Brak SigningTime w SignedProperties.');
  const certDigest = descendants(sp, XADES, 'CertDigest')[0] ?? undefined;
  const method = certDigest ? DIGESTS[descendants(certDigest, DS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? ''] : undefined;
  const expected = method ? createHash(method).update(certificate.raw).digest('base64') : undefined;
  if (!certDigest || !expected || text(descendants(certDigest, DS, 'DigestValue')[0]) !== expected) {
    throw apiError(9105, 'Skrót SigningCertificate nie odpowiada certyfikatowi z KeyInfo.');
  }
  return {
    challenge,
    context: { type: ctx.localName!, value: text(ctx) },
    subjectIdentifierType: sit,
    certificate,
    signingTime,
  };
}
