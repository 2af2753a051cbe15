import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const NIP = '5265877635';
const OTHER_NIP = '7010002137';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

const OIDS: Record<string, string> = { commonName: '2.5.4.3', countryName: '2.5.4.6', organizationName: '2.5.4.10', organizationIdentifier: '2.5.4.97', serialNumber: '2.5.4.5' };

/** A DER CSR (Base64) for the enrolment data; `keys` reused to test one key for two owners. */
async function csrFor(data: Record<string, string>, o: { alg?: typeof EC | typeof RSA; keys?: CryptoKeyPair } = {}) {
  const alg = o.alg ?? EC;
  const keys = o.keys ?? ((await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair);
  const name: x509.JsonNameParams = Object.entries(data).map(([k, v]) => ({ [OIDS[k]!]: [k === 'countryName' ? { printableString: v } : { utf8String: v }] }) as Record<string, x509.JsonAttributeObject[]>);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: new x509.Name(name), keys, signingAlgorithm: alg });
  return { csr: Buffer.from(csr.rawData).toString('base64'), keys };
}

async function loggedIn(sim: Awaited<ReturnType<typeof startSimulator>>, nip = NIP) {
  const client = new SimTestClient(sim.baseUrl);
  await client.login(nip, sim.registerToken(nip));
  return client;
}

const code = (r: { json: any }) => r.json?.exception?.exceptionDetailList?.[0]?.exceptionCode;

test('a KSeF-token login may not request or revoke certificates (25001, 25002, 403), as in KSeF', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const client = await loggedIn(sim);
    const limits = await client.call('GET', '/certificates/limits');
    assert.equal(limits.status, 200);
    assert.deepEqual(limits.json, { canRequest: true, enrollment: { limit: 300, remaining: 300 }, certificate: { limit: 100, remaining: 100 } });
    const data = await client.call('GET', '/certificates/enrollments/data');
    assert.equal(data.status, 400);
    assert.equal(code(data), 25001);
    const { csr } = await csrFor({ commonName: 'x', countryName: 'PL' });
    const enrol = await client.call('POST', '/certificates/enrollments', { json: { certificateName: 'Agent auth', certificateType: 'Authentication', csr } });
    assert.equal(code(enrol), 25002);
    const revoke = await client.call('POST', '/certificates/0123456789ABCDEF/revoke', { json: {} });
    assert.equal(revoke.status, 403);
    assert.equal(revoke.json.reasonCode, 'auth-method-not-allowed');
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('enrolment: data → CSR → 100 → 200 with a serial → retrieve a real certificate from the simulator CA → query → revoke', async () => {
  let now = Date.parse('2026-12-01T09:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', allowTokenCertificateEnrollment: true, processingDelayMs: 5_000, now: () => now });
  try {
    const client = await loggedIn(sim);
    const data = await client.call('GET', '/certificates/enrollments/data');
    assert.equal(data.status, 200);
    assert.deepEqual(data.json, { commonName: `Podmiot ${NIP}`, countryName: 'PL', organizationName: `Podmiot ${NIP}`, organizationIdentifier: `VATPL-${NIP}` });
    const { csr } = await csrFor(data.json);
    const enrol = await client.call('POST', '/certificates/enrollments', { json: { certificateName: 'Agent auth 1', certificateType: 'Authentication', csr } });
    assert.equal(enrol.status, 202);
    const ref = enrol.json.referenceNumber as string;
    assert.match(ref, /^\d{8}-EH-/);
    const pending = await client.call('GET', `/certificates/enrollments/${ref}`);
    assert.deepEqual(pending.json, { requestDate: '2026-12-01T09:00:00.000Z', status: { code: 100, description: 'Wniosek przyjęty do realizacji' } });
    now += 5_000;
    const done = await client.call('GET', `/certificates/enrollments/${ref}`);
    assert.equal(done.json.status.code, 200);
    const serial = done.json.certificateSerialNumber as string;
    assert.match(serial, /^[0-9A-F]{16}$/);

    const got = await client.call('POST', '/certificates/retrieve', { json: { certificateSerialNumbers: [serial] } });
    assert.equal(got.json.certificates.length, 1);
    assert.equal(got.json.certificates[0].certificateType, 'Authentication');
    const cert = new X509Certificate(Buffer.from(got.json.certificates[0].certificate, 'base64'));
    const ca = new X509Certificate(await sim.caCertificate());
    assert.equal(cert.verify(ca.publicKey), true, 'issued by the simulator CA');
    assert.equal(cert.checkIssued(ca), true);
    assert.equal(cert.serialNumber, serial);
    assert.match(cert.subject, new RegExp(`VATPL-${NIP}`));
    assert.match(cert.subject, /CN=Podmiot 5265877635/);
    assert.equal(new Date(cert.validFrom).toISOString(), '2026-12-01T09:00:00.000Z');
    assert.equal(new Date(cert.validTo).toISOString(), '2028-11-30T09:00:00.000Z');
    const parsed = new x509.X509Certificate(cert.raw);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    assert.equal(ku.usages & x509.KeyUsageFlags.digitalSignature, x509.KeyUsageFlags.digitalSignature);

    const q = await client.call('POST', '/certificates/query', { json: {} });
    assert.equal(q.json.hasMore, false);
    assert.deepEqual(q.json.certificates.map((c: any) => [c.certificateSerialNumber, c.name, c.type, c.status, c.subjectIdentifier.value]), [[serial, 'Agent auth 1', 'Authentication', 'Active', NIP]]);
    assert.equal(q.json.certificates[0].validTo, '2028-11-30T09:00:00.000Z');

    const limits = await client.call('GET', '/certificates/limits');
    assert.deepEqual(limits.json.certificate, { limit: 100, remaining: 99 });

    assert.equal((await client.call('POST', `/certificates/${serial}/revoke`, { json: { revocationReason: 'Superseded' } })).status, 204);
    const after = await client.call('POST', '/certificates/query', { json: { status: 'Revoked' } });
    assert.deepEqual(after.json.certificates.map((c: any) => c.status), ['Revoked']);
    assert.equal(code(await client.call('POST', `/certificates/${serial}/revoke`, { json: {} })), 25009);
    assert.equal(code(await client.call('POST', '/certificates/0123456789ABCDEF/revoke', { json: {} })), 25008);

    // Another subject sees none of it.
    const other = await loggedIn(sim, OTHER_NIP);
    assert.deepEqual((await other.call('POST', '/certificates/query', { json: {} })).json.certificates, []);
    assert.equal(code(await other.call('GET', `/certificates/enrollments/${ref}`)), 25005);
    assert.deepEqual((await other.call('POST', '/certificates/retrieve', { json: { certificateSerialNumbers: [serial] } })).json.certificates, []);
    assert.deepEqual([...client.violations, ...other.violations], []);
  } finally {
    await sim.close();
  }
});

test('enrolment refusals: wrong subject 25003, bad CSR 25004, RSA 1024 25010, bad name 21405, a key certified for another subject is rejected', async () => {
  const sim = await startSimulator({ rateLimits: 'off', allowTokenCertificateEnrollment: true });
  try {
    const client = await loggedIn(sim);
    const data = (await client.call('GET', '/certificates/enrollments/data')).json;
    const enrol = (body: Record<string, unknown>, c = client) => c.call('POST', '/certificates/enrollments', { json: { certificateName: 'Agent auth', certificateType: 'Authentication', ...body } });

    const wrong = await csrFor({ ...data, organizationIdentifier: `VATPL-${OTHER_NIP}` });
    const r1 = await enrol({ csr: wrong.csr });
    assert.equal(code(r1), 25003);
    const extra = await csrFor({ ...data, serialNumber: 'X' });
    assert.equal(code(await enrol({ csr: extra.csr })), 25003);
    assert.equal(code(await enrol({ csr: Buffer.from('not a csr').toString('base64') })), 25004);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakKeys = {
      publicKey: await webcrypto.subtle.importKey('spki', weak.publicKey.export({ type: 'spki', format: 'der' }), RSA, true, ['verify']),
      privateKey: await webcrypto.subtle.importKey('pkcs8', weak.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA, true, ['sign']),
    };
    assert.equal(code(await enrol({ csr: (await csrFor(data, { alg: RSA, keys: weakKeys })).csr })), 25010);
    const rsa = await csrFor(data, { alg: RSA });
    assert.equal((await enrol({ csr: rsa.csr, certificateType: 'Offline' })).status, 202);
    assert.equal(code(await enrol({ csr: rsa.csr, certificateName: 'x' })), 21405);
    assert.equal(code(await enrol({ csr: rsa.csr, certificateType: 'Both' })), 21405);

    // The same key pair, requested by another subject: accepted, then rejected in the status.
    const other = await loggedIn(sim, OTHER_NIP);
    const otherData = (await other.call('GET', '/certificates/enrollments/data')).json;
    const reused = await csrFor(otherData, { alg: RSA, keys: rsa.keys });
    const r = await enrol({ csr: reused.csr }, other);
    assert.equal(r.status, 202);
    const st = await other.call('GET', `/certificates/enrollments/${r.json.referenceNumber}`);
    assert.deepEqual(st.json.status, { code: 400, description: 'Wniosek odrzucony', details: ['Klucz publiczny został już certyfikowany przez inny podmiot.'] });
    assert.equal(st.json.certificateSerialNumber, undefined);
    const offline = (await client.call('POST', '/certificates/query', { json: { type: 'Offline' } })).json.certificates;
    assert.deepEqual(offline.map((c: any) => c.type), ['Offline']);
    assert.deepEqual([...client.violations, ...other.violations], []);
  } finally {
    await sim.close();
  }
});

test('issued certificates expire on the clock (Expired) and survive a restart with --state-dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-certs-'));
  let now = Date.parse('2026-12-01T09:00:00Z');
  try {
    const opts = { rateLimits: 'off' as const, allowTokenCertificateEnrollment: true, stateDir: dir, now: () => now };
    let sim = await startSimulator(opts);
    const client = await loggedIn(sim);
    const data = (await client.call('GET', '/certificates/enrollments/data')).json;
    const enrol = await client.call('POST', '/certificates/enrollments', { json: { certificateName: 'Agent auth', certificateType: 'Authentication', csr: (await csrFor(data)).csr } });
    const serial = (await client.call('GET', `/certificates/enrollments/${enrol.json.referenceNumber}`)).json.certificateSerialNumber;
    const caBefore = await sim.caCertificate();
    await sim.close();
    sim = await startSimulator(opts);
    try {
      const again = await loggedIn(sim);
      assert.equal(await sim.caCertificate(), caBefore);
      assert.deepEqual((await again.call('POST', '/certificates/query', { json: {} })).json.certificates.map((c: any) => [c.certificateSerialNumber, c.status]), [[serial, 'Active']]);
      now += 2 * 365 * 86_400_000;
      const fresh = await loggedIn(sim);
      assert.deepEqual((await fresh.call('POST', '/certificates/query', { json: {} })).json.certificates.map((c: any) => c.status), ['Expired']);
      assert.deepEqual([...again.violations, ...fresh.violations], []);
    } finally {
      await sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
