import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const NIP = '5265877635';

test('public keys: two usages, real DER certificates, ids as SHA-256 of cert and SPKI', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const client = new SimTestClient(sim.baseUrl);
    const r = await client.call('GET', '/security/public-key-certificates', { token: null });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.map((c: { usage: string[] }) => c.usage[0]).sort(), ['KsefTokenEncryption', 'SymmetricKeyEncryption']);
    for (const c of r.json) {
      const der = Buffer.from(c.certificate, 'base64');
      const x509 = new X509Certificate(der);
      assert.match(x509.subject, /CN=Ministerstwo Finansów/);
      assert.equal(c.certificateId, createHash('sha256').update(der).digest('base64'));
      assert.equal(c.publicKeyId, createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
      assert.equal(c.publicKeyId.length, 44);
    }
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('unknown, wrong-NIP and revoked tokens end the auth operation with 450; redeem only once', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const token = sim.registerToken(NIP);
    assert.match(token, /^\d{8}-EC-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}\|nip-5265877635\|[0-9a-f]{64}$/);
    const client = new SimTestClient(sim.baseUrl);
    const statusOf = async (nip: string, t: string) => {
      const init = await client.startAuth(nip, t);
      assert.equal(init.status, 202);
      const st = await client.call('GET', `/auth/${init.json.referenceNumber}`, { token: init.json.authenticationToken.token });
      return { code: st.json.status.code as number, details: st.json.status.details as string[] | undefined, op: init.json.authenticationToken.token as string };
    };
    assert.equal((await statusOf(NIP, 'no-such-token')).code, 450);
    assert.equal((await statusOf('1111111111', token)).code, 450);
    const ok = await statusOf(NIP, token);
    assert.equal(ok.code, 200);
    assert.equal((await client.call('POST', '/auth/token/redeem', { token: ok.op })).status, 200);
    const again = await client.call('POST', '/auth/token/redeem', { token: ok.op });
    assert.equal(again.status, 400);
    assert.equal(again.json.exception.exceptionDetailList[0].exceptionCode, 21301);
    sim.revokeToken(token);
    const revoked = await statusOf(NIP, token);
    assert.equal(revoked.code, 450);
    assert.deepEqual(revoked.details, ['Token unieważniony']);
    // A challenge is single use.
    const ch = await client.call('POST', '/auth/challenge', { token: null });
    const body = { challenge: ch.json.challenge, contextIdentifier: { type: 'Nip', value: NIP }, encryptedToken: Buffer.alloc(256).toString('base64') };
    await client.call('POST', '/auth/ksef-token', { token: null, json: body });
    const reuse = await client.call('POST', '/auth/ksef-token', { token: null, json: body });
    assert.equal(reuse.json.exception.exceptionDetailList[0].exceptionCode, 21111);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('access tokens expire (401) on the injected clock and refresh issues a working one', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'prod', accessTokenTtlMs: 60_000, now: () => now });
  try {
    const token = sim.registerToken(NIP);
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, token);
    assert.equal((await client.call('GET', '/rate-limits')).status, 200);
    now += 61_000;
    const expired = await client.call('GET', '/rate-limits');
    assert.equal(expired.status, 401);
    assert.equal(expired.json.detail, 'Token wygasł.');
    const refreshed = await client.call('POST', '/auth/token/refresh', { token: client.refreshToken });
    assert.equal(refreshed.status, 200);
    client.accessToken = refreshed.json.accessToken.token;
    const ok = await client.call('GET', '/rate-limits');
    assert.equal(ok.status, 200);
    assert.equal(ok.json.invoiceSend.perHour, 180);
    const ctx = await client.call('GET', '/limits/context');
    assert.deepEqual(ctx.json.onlineSession, { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10_000 });
    // An access token is not a refresh token.
    const wrong = await client.call('POST', '/auth/token/refresh', { token: client.accessToken });
    assert.equal(wrong.status, 403);
    // Revoking the KSeF token stops refresh (21301).
    sim.revokeToken(token);
    const denied = await client.call('POST', '/auth/token/refresh', { token: client.refreshToken });
    assert.equal(denied.json.exception.exceptionDetailList[0].exceptionCode, 21301);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('key rotation: encryption with the retired key gets 21470, the new listing works', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const token = sim.registerToken(NIP);
    const client = new SimTestClient(sim.baseUrl);
    const oldCert = await client.certificate('KsefTokenEncryption');
    const oldSym = await client.certificate('SymmetricKeyEncryption');
    await client.login(NIP, token);
    const res = await fetch(sim.baseUrl.replace('/v2', '/_sim/keys/rotate'), { method: 'POST', body: '{}' });
    assert.equal(res.status, 200);
    // Named retired key, and unnamed ciphertext that only the retired key opens: both 21470.
    for (const o of [oldCert, { certificate: oldCert.certificate }]) {
      const r = await client.startAuth(NIP, token, o);
      assert.equal(r.status, 400);
      assert.equal(r.json.exception.exceptionDetailList[0].exceptionCode, 21470);
    }
    const { rsaEncrypt } = await import('../helpers/sim-client.ts');
    const open = await client.call('POST', '/sessions/online', {
      json: { formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }, encryption: { encryptedSymmetricKey: rsaEncrypt(oldSym.certificate, Buffer.alloc(32, 1)), initializationVector: Buffer.alloc(16).toString('base64'), publicKeyId: oldSym.publicKeyId } },
    });
    assert.equal(open.json.exception.exceptionDetailList[0].exceptionCode, 21470);
    const fresh = await client.certificate('KsefTokenEncryption');
    assert.notEqual(fresh.publicKeyId, oldCert.publicKeyId);
    assert.equal((await client.startAuth(NIP, token)).status, 202);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
