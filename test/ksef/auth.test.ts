import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKsefError } from '../../src/ksef/index.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

describe('token authentication against the simulator', () => {
  it('refreshes the access token before it expires, without logging in again', async () => {
    const t = await startClientSim({ sim: { accessTokenTtlMs: 5 * 60_000 } });
    try {
      await t.client.getSessionStatus('x').catch(() => undefined);
      assert.equal(t.client.authStats().authentications, 1);
      t.clock.advance(4.5 * 60_000); // inside the 60 s refresh margin
      const s = await t.client.openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      const stats = t.client.authStats();
      assert.equal(stats.refreshes, 1);
      assert.equal(stats.authentications, 1);
      assert.equal(t.tokenReads(), 1);
    } finally {
      await t.close();
    }
  });

  it('logs in again when the refresh token no longer works', async () => {
    const t = await startClientSim({ sim: { accessTokenTtlMs: 5 * 60_000 } });
    try {
      await t.client.openOnlineSession('FA(3)');
      // a week later the refresh token (7 days) is dead too
      t.clock.advance(8 * 24 * 3_600_000);
      await t.client.openOnlineSession('FA(3)');
      assert.equal(t.client.authStats().authentications, 2);
      assert.equal(t.tokenReads(), 2);
    } finally {
      await t.close();
    }
  });

  it('recovers from a 401 by getting a fresh token once', async () => {
    // a negative skew makes the client trust its access token 10 min past expiry, so KSeF says 401
    const t = await startClientSim({ sim: { accessTokenTtlMs: 5 * 60_000 }, client: { refreshSkewMs: -10 * 60_000 } });
    try {
      await t.client.openOnlineSession('FA(3)');
      t.clock.advance(6 * 60_000);
      const s = await t.client.openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      assert.deepEqual(t.client.authStats(), { authentications: 1, refreshes: 1, keyRotations: 0 });
    } finally {
      await t.close();
    }
  });

  it('follows a key rotation (21470): fetches the keys again and retries', async () => {
    const t = await startClientSim();
    try {
      await t.client.openOnlineSession('FA(3)');
      t.sim.rotateKeys();
      // the cached SymmetricKeyEncryption key is now retired: the open gets 21470 first
      const s = await t.client.openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      assert.equal(t.client.authStats().keyRotations, 1);
      // a later full login with the cached, now retired, token-encryption key rotates as well
      t.sim.rotateKeys('KsefTokenEncryption');
      t.clock.advance(8 * 24 * 3_600_000);
      await t.client.openOnlineSession('FA(3)');
      assert.equal(t.client.authStats().authentications, 2);
      assert.equal(t.client.authStats().keyRotations, 2);
    } finally {
      await t.close();
    }
  });

  it('follows a key rotation when opening a batch session and when starting an export, retrying once', async () => {
    const t = await startClientSim();
    try {
      await t.client.openOnlineSession('FA(3)');
      t.sim.rotateKeys();
      const sub = await t.client.submitBatch([{ fileName: 'a.xml', content: faSample({ sellerNip: t.nip, invoiceNumber: 'FV/R/1' }) }], 'FA(3)');
      assert.match(sub.sessionReferenceNumber, /\S/);
      assert.equal(t.client.authStats().keyRotations, 1);
      t.sim.rotateKeys();
      const now = t.clock.now();
      const handle = await t.client.startExport({ subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: new Date(now - 86_400_000).toISOString() } });
      assert.match(handle.referenceNumber, /-EH-/);
      assert.equal(t.client.authStats().keyRotations, 2);
    } finally {
      await t.close();
    }
  });

  it('reports a revoked or unknown token as KSEF_AUTH_FAILED without showing it', async () => {
    const t = await startClientSim();
    try {
      t.sim.revokeToken(t.token);
      await assert.rejects(t.client.openOnlineSession('FA(3)'), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_AUTH_FAILED');
        assert.equal(e.kind, 'config');
        assert.equal(e.statusCode, 450);
        assert.ok(!JSON.stringify(e.toJSON()).includes(t.token));
        assert.ok(!e.message.includes(t.token));
        assert.ok(!String(e.stack).includes(t.token));
        return true;
      });
    } finally {
      await t.close();
    }
  });
});
