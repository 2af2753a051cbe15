import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isKsefError } from '../../src/ksef/index.ts';
import { buildAuthTokenRequest, signedAuthTokenRequest, type XadesCredential } from '../../src/ksef/xades-login.ts';
import { loadXsdFile } from '../../src/xsd/xsd-validator.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { personOf, sealOf, selfSigned, type TestCertificate } from '../helpers/cert-fixtures.ts';

const AUTH_XSD = resolve(process.cwd(), '../shared/schemas/auth/schemat_auth_v2-1.xsd');
const cred = (c: TestCertificate): XadesCredential => ({ certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, subjectIdentifierType: 'certificateSubject' });

describe('XAdES login: the signed AuthTokenRequest', () => {
  it('is valid against the official auth schema 2.1, unsigned and signed', { skip: !existsSync(AUTH_XSD) && 'auth XSD not found beside the repository' }, async () => {
    const xsd = await loadXsdFile(AUTH_XSD);
    const challenge = '20251125-CR-20F5EE4000-DA48AE4124-46';
    assert.deepEqual(xsd.validate(buildAuthTokenRequest(challenge, '5265877635', 'certificateSubject')), []);
    const c = await selfSigned({ alg: 'rsa', subject: sealOf('5265877635') });
    const signed = signedAuthTokenRequest(challenge, '5265877635', cred(c));
    // the schema has no slot for ds:Signature (lax); what it constrains must still hold
    const problems = xsd.validate(signed).filter((p) => !/Signature/.test(p.message));
    assert.deepEqual(problems, []);
    assert.match(signed, /<ds:Signature [^>]*Id="Signature"/);
    assert.match(signed, /xml-exc-c14n#/);
    assert.match(signed, /<xades:SigningTime>/);
    assert.match(signed, /<xades:CertDigest>/);
    assert.match(signed, /xmlenc#sha256/);
  });
});

describe('XAdES login against the simulator over HTTP', () => {
  for (const alg of ['rsa', 'ec'] as const) {
    it(`logs in with a self-signed ${alg.toUpperCase()} seal certificate in test mode, opens a session, refreshes`, async () => {
      const t = await startClientSim({ sim: { accessTokenTtlMs: 5 * 60_000 } });
      try {
        const c = await selfSigned({ alg, subject: sealOf(t.nip) });
        const client = t.newClient({ certificate: async () => cred(c) });
        const s = await client.openOnlineSession('FA(3)');
        assert.ok(s.referenceNumber);
        assert.equal(client.authStats().authentications, 1);
        t.clock.advance(4.5 * 60_000);
        await client.openOnlineSession('FA(2)');
        assert.equal(client.authStats().refreshes, 1);
        assert.equal(client.authStats().authentications, 1);
        assert.equal(t.tokenReads(), 0);
      } finally {
        await t.close();
      }
    });
  }

  it('logs in as a person whose serialNumber carries the NIP (TINPL-)', async () => {
    const t = await startClientSim();
    try {
      const c = await selfSigned({ alg: 'ec', subject: personOf(t.nip) });
      const s = await t.newClient({ certificate: async () => cred(c) }).openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
    } finally {
      await t.close();
    }
  });

  it('keeps polling while the certificate check is in progress (status 100)', async () => {
    const t = await startClientSim({ sim: { certificateCheckDelayMs: 3_000 } });
    try {
      const c = await selfSigned({ alg: 'ec', subject: sealOf(t.nip) });
      const start = t.clock.now();
      const polls: number[] = [];
      const client = t.newClient({ certificate: async () => cred(c), onResponse: (r) => { if (/\/auth\/\d{8}-AU-/.test(r.url)) polls.push(JSON.parse(r.body.toString('utf8')).status.code); } });
      const s = await client.openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      // polled every 500 ms (the client's interval) on the shared clock: 100 at 0, 0.5 … 2.5 s, then 200 at 3 s
      assert.deepEqual(polls, [100, 100, 100, 100, 100, 100, 200]);
      assert.equal(t.sim.counters().requests['GET /auth/{referenceNumber}'], 7, 'the simulator counts every poll');
      assert.ok(t.clock.now() - start >= 3_000);
    } finally {
      await t.close();
    }
  });

  const refusal = async (fn: () => Promise<unknown>): Promise<string> => {
    try {
      await fn();
    } catch (e) {
      assert.ok(isKsefError(e), String(e));
      assert.equal(e.code, 'KSEF_AUTH_FAILED');
      assert.equal(e.kind, 'config');
      return e.message;
    }
    assert.fail('the login was not refused');
  };

  it('refuses an expired certificate with 460 Nieważny certyfikat', async () => {
    const t = await startClientSim();
    try {
      const c = await selfSigned({ alg: 'ec', subject: sealOf(t.nip), notBefore: Date.now() - 400 * 86_400_000, notAfter: Date.now() - 86_400_000 });
      const m = await refusal(() => t.newClient({ certificate: async () => cred(c) }).openOnlineSession('FA(3)'));
      assert.match(m, new RegExp(`KSeF refused the login for NIP ${t.nip}: status 460 .*\\(Nieważny certyfikat\\): KSeF does not accept the certificate`));
    } finally {
      await t.close();
    }
  });

  it('refuses a certificate of another NIP with 415 (no permission in this context)', async () => {
    const t = await startClientSim();
    try {
      const c = await selfSigned({ alg: 'ec', subject: sealOf('5265877635') });
      const m = await refusal(() => t.newClient({ certificate: async () => cred(c) }).openOnlineSession('FA(3)'));
      assert.match(m, /status 415 .*Brak przypisanych uprawnień.*holds no permission/);
    } finally {
      await t.close();
    }
  });

  it('refuses a self-signed certificate in prod mode (untrusted chain) and accepts one from the simulator CA', async () => {
    const t = await startClientSim({ sim: { mode: 'prod' } });
    try {
      const self = await selfSigned({ alg: 'rsa', subject: sealOf(t.nip) });
      const m = await refusal(() => t.newClient({ certificate: async () => cred(self) }).openOnlineSession('FA(3)'));
      assert.match(m, /status 460 .*Niezaufany łańcuch certyfikatów/);
      const { privateKey, publicKey } = (await import('../helpers/cert-fixtures.ts')).keyPair('rsa');
      const issued = await t.sim.issueCertificate(publicKey, sealOf(t.nip));
      const ok = { certificatePem: issued.certificatePem, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), subjectIdentifierType: 'certificateSubject' as const };
      const s = await t.newClient({ certificate: async () => ok }).openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      // revoked: the next login is refused
      assert.equal(await t.sim.revokeCertificate(issued.serialNumber), true);
      const m2 = await refusal(() => t.newClient({ certificate: async () => ok }).openOnlineSession('FA(3)'));
      assert.match(m2, /status 460 .*Certyfikat odwołany/);
    } finally {
      await t.close();
    }
  });

  it('a document KSeF refuses (signature by a key that is not the certificate\'s: 9105) is a config refusal, not a data error', async () => {
    const t = await startClientSim();
    try {
      const c = await selfSigned({ alg: 'ec', subject: sealOf(t.nip) });
      const wrongKey = await selfSigned({ alg: 'ec', subject: sealOf(t.nip), fresh: true });
      const m = await refusal(() => t.newClient({ certificate: async () => ({ ...cred(c), privateKeyPem: wrongKey.privateKeyPem }) }).openOnlineSession('FA(3)'));
      assert.match(m, new RegExp(`KSeF refused the signed login document of NIP ${t.nip}: 9105 Nieprawidłowy podpis`));
    } finally {
      await t.close();
    }
  });
});
