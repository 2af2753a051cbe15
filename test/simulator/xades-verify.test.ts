// The simulator's POST /auth/xades-signature verifies the signed AuthTokenRequest for real: each
// kind of broken or tampered document gets the 400 and exception code KSeF documents for it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureService } from 'ksef-client-ts';
import { buildAuthTokenRequest, signedAuthTokenRequest } from '../../src/ksef/xades-login.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { sealOf, selfSigned, type TestCertificate } from '../helpers/cert-fixtures.ts';

const NIP = '5265877635';
let sim: RunningSimulator;
let cert: TestCertificate;
let other: TestCertificate;

before(async () => {
  sim = await startSimulator({ rateLimits: 'off' });
  cert = await selfSigned({ alg: 'rsa', subject: sealOf(NIP) });
  other = await selfSigned({ alg: 'ec', subject: sealOf(NIP), fresh: true });
});
after(() => sim.close());

const challenge = async (): Promise<string> => ((await (await fetch(`${sim.baseUrl}/auth/challenge`, { method: 'POST' })).json()) as { challenge: string }).challenge;
const signed = async (c = cert): Promise<string> => signedAuthTokenRequest(await challenge(), NIP, { certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, subjectIdentifierType: 'certificateSubject' });
const post = async (xml: string): Promise<{ status: number; codes: number[]; details: string[] }> => {
  const r = await fetch(`${sim.baseUrl}/auth/xades-signature`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  const body = (await r.json()) as { exception?: { exceptionDetailList: { exceptionCode: number; details?: string[] }[] } };
  const list = body.exception?.exceptionDetailList ?? [];
  return { status: r.status, codes: list.map((e) => e.exceptionCode), details: list.flatMap((e) => e.details ?? []) };
};

describe('POST /auth/xades-signature verifies the signature', () => {
  it('accepts a correctly signed document (202) and refuses the same challenge again (21111)', async () => {
    const xml = await signed();
    assert.equal((await post(xml)).status, 202);
    assert.deepEqual(await post(xml), { status: 400, codes: [21111], details: ['Wyzwanie jest nieznane, wygasło lub zostało już użyte.'] });
  });

  const cases: [string, (xml: string) => string, number, RegExp?][] = [
    ['the context NIP changed after signing', (x) => x.replace(`<Nip>${NIP}</Nip>`, '<Nip>1111111111</Nip>'), 9105, /^Treść dokumentu zmieniona po podpisaniu: skrót Reference URI="" \(cały dokument\) nie zgadza się\.$/],
    ['SubjectIdentifierType changed after signing', (x) => x.replace('>certificateSubject<', '>certificateFingerprint<'), 9105, /^Treść dokumentu zmieniona po podpisaniu: skrót Reference URI="" \(cały dokument\)/],
    ['the SigningTime changed after signing (SignedProperties digest)', (x) => x.replace(/<xades:SigningTime>\d{4}/, '<xades:SigningTime>2019'), 9105, /^Treść dokumentu zmieniona po podpisaniu: skrót Reference URI="#[^"]+" \(SignedProperties\) nie zgadza się\.$/],
    ['the SignatureValue altered', (x) => x.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`), 9105, /signature value .* is incorrect/],
    ['the signature removed', (x) => x.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''), 9102],
    ['not XML at all', () => 'this is not <xml', 21001],
    ['another root element', (x) => x.replace(/AuthTokenRequest/g, 'Wniosek'), 21401],
  ];
  for (const [name, tamper, code, detail] of cases) {
    it(`refuses a document with ${name}: 400 ${code}${detail ? ' naming what was altered' : ''}`, async () => {
      const r = await post(tamper(await signed()));
      assert.equal(r.status, 400);
      assert.deepEqual(r.codes, [code]);
      if (detail) assert.match(r.details.join(' | '), detail);
    });
  }

  it('refuses a SigningCertificate digest that is not the digest of the KeyInfo certificate (9105, that exact reason)', async () => {
    // A properly signed document whose only fault is the CertDigest: signed as a twin certificate
    // (same key pair, other subject), then the KeyInfo certificate swapped for `cert`. KeyInfo is
    // not covered by the signature, so the references and SignatureValue still verify with the
    // same key and the verifier gets as far as comparing CertDigest with the KeyInfo certificate.
    const twin = await selfSigned({ alg: 'rsa', subject: sealOf(NIP, 'Bliźniak sp. z o.o.') });
    const xml = signedAuthTokenRequest(await challenge(), NIP, { certificatePem: twin.certificatePem, privateKeyPem: cert.privateKeyPem, subjectIdentifierType: 'certificateSubject' });
    const certB64 = cert.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = xml.replace(/<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${certB64}<`);
    assert.notEqual(swapped, xml);
    const r = await post(swapped);
    assert.deepEqual(r, { status: 400, codes: [9105], details: ['Skrót SigningCertificate nie odpowiada certyfikatowi z KeyInfo.'] });
    // the untouched twin document is accepted: the refusal above is the digest alone
    const ok = await post(signedAuthTokenRequest(await challenge(), NIP, { certificatePem: twin.certificatePem, privateKeyPem: cert.privateKeyPem, subjectIdentifierType: 'certificateSubject' }));
    assert.equal(ok.status, 202);
  });

  it('refuses a certificate in KeyInfo that did not make the signature (9105)', async () => {
    const xml = await signed();
    const otherB64 = other.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    const r = await post(xml.replace(/<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${otherB64}<`));
    assert.deepEqual(r.codes, [9105]);
  });

  it('refuses an unreadable certificate in KeyInfo (21115)', async () => {
    const r = await post((await signed()).replace(/<ds:X509Certificate>[^<]+</, '<ds:X509Certificate>bm90IGEgY2VydA==<'));
    assert.deepEqual(r.codes, [21115]);
  });
});

describe('POST /auth/xades-signature checks the document against the auth XSD and the SigningTime against its clock', () => {
  // signed for real (the signature verifies), but the signed content breaks schemat_auth_v2-1.xsd
  const signedRaw = (xml: string, c = cert): string => SignatureService.sign(xml, c.certificatePem, c.privateKeyPem);
  const xsdCases: [string, (ch: string) => string, RegExp][] = [
    ['a context NIP that is not a NIP (leading zero)', (ch) => buildAuthTokenRequest(ch, '0123456789', 'certificateSubject'), /0123456789|pattern/i],
    ['an element the schema does not know', (ch) => buildAuthTokenRequest(ch, NIP, 'certificateSubject').replace('</AuthTokenRequest>', '<Extra>1</Extra></AuthTokenRequest>'), /Extra/],
    ['the elements in another order', (ch) => buildAuthTokenRequest(ch, NIP, 'certificateSubject').replace(/(<ContextIdentifier>.*<\/ContextIdentifier>)(<SubjectIdentifierType>.*<\/SubjectIdentifierType>)/, '$2$1'), /SubjectIdentifierType|ContextIdentifier/],
  ];
  for (const [name, build, detail] of xsdCases) {
    it(`refuses a validly signed document with ${name}: 400 21401 with the XSD's message`, async () => {
      const r = await post(signedRaw(build(await challenge())));
      assert.equal(r.status, 400);
      assert.deepEqual(r.codes, [21401]);
      assert.match(r.details.join(' '), detail);
    });
  }

  it('accepts a SigningTime within the tolerance and refuses one too far in the future or older than the challenge (9105 naming the times)', async () => {
    let offset = 0;
    const clocked = await startSimulator({ rateLimits: 'off', now: () => Date.now() + offset });
    try {
      const ch = async (): Promise<string> => ((await (await fetch(`${clocked.baseUrl}/auth/challenge`, { method: 'POST' })).json()) as { challenge: string }).challenge;
      const send = async (): Promise<{ status: number; text: string }> => {
        const xml = signedAuthTokenRequest(await ch(), NIP, { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem, subjectIdentifierType: 'certificateSubject' });
        const r = await fetch(`${clocked.baseUrl}/auth/xades-signature`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
        return { status: r.status, text: await r.text() };
      };
      // the simulator's clock 4 minutes behind the signer: within the 5-minute tolerance
      offset = -4 * 60_000;
      assert.equal((await send()).status, 202);
      // 10 minutes behind: the signature is from the simulator's future
      offset = -10 * 60_000;
      const future = await send();
      assert.equal(future.status, 400);
      assert.match(future.text, /9105/);
      assert.match(future.text, /SigningTime [^ ]+ jest późniejszy niż czas serwera [^ ]+ o więcej niż 5 min/);
      // 20 minutes ahead: signed long before the challenge was issued (a replayed or pre-made signature)
      offset = 20 * 60_000;
      const old = await send();
      assert.equal(old.status, 400);
      assert.match(old.text, /SigningTime [^ ]+ jest wcześniejszy niż wydanie wyzwania [^ ]+ o więcej niż 5 min/);
    } finally {
      await clocked.close();
    }
  });
});
