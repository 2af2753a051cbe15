// Issue 10 item 6 (client): the redeem race (21301 right after status 200, CIRFMF/ksef-api#238) is
// met with a fresh login, bounded; a UPO not yet available (21178) is transient; auth polling,
// redeem and refresh count in the group KSeF puts them in (openapi x-rate-limits: 60/s, per IP,
// like the other unauthenticated auth calls), not in "other"; close() logs out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKsefError, RateLimiter } from '../../src/ksef/index.ts';
import { errorFromResponse } from '../../src/ksef/errors.ts';
import type { RateGroup } from '../../src/ksef/rate-limiter.ts';
import { startClientSim } from '../helpers/client-sim.ts';

describe('client fidelity: auth', () => {
  it('a 21301 on redeem right after status 200 is answered with a fresh login', async () => {
    const t = await startClientSim({ sim: { faults: { redeemRaces: 1 } } });
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      assert.ok(s.referenceNumber);
      assert.equal(t.tokenReads(), 2, 'one login lost the race, the second one got the tokens');
      assert.equal(t.client.authStats().authentications, 1);
    } finally {
      await t.close();
    }
  });

  it('a redeem that keeps answering 21301 gives up after 3 logins with KSEF_AUTH_FAILED (config)', async () => {
    const t = await startClientSim({ sim: { faults: { redeemRaces: 100 } } });
    try {
      await assert.rejects(t.client.openOnlineSession('FA(3)'), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_AUTH_FAILED');
        assert.equal(e.kind, 'config');
        assert.ok(e.hasException(21301), e.message);
        assert.match(e.message, /21301/);
        return true;
      });
      assert.equal(t.tokenReads(), 3);
    } finally {
      await t.close();
    }
  });

  it('21178 (UPO not found yet) is transient', () => {
    const e = errorFromResponse({
      status: 400,
      contentType: 'application/json',
      bodyText: JSON.stringify({ exception: { exceptionDetailList: [{ exceptionCode: 21178, exceptionDescription: 'Nie znaleziono UPO dla podanych kryteriów.' }], serviceCode: 'x', timestamp: '2026-01-01T00:00:00Z' } }),
      operation: 'GET /sessions/{ref}/invoices/{…}/upo',
    });
    assert.equal(e.code, 'KSEF_UPO_NOT_FOUND');
    assert.equal(e.kind, 'transient');
  });

  it('a UPO asked for before it exists fails transient over HTTP', async () => {
    const t = await startClientSim({ sim: { faults: { upoDelayMs: 3_600_000 } } });
    try {
      const { faSample } = await import('../helpers/fa-samples.ts');
      const s = await t.client.openOnlineSession('FA(3)');
      const sent = await s.send(faSample({ sellerNip: t.nip, invoiceNumber: 'UPO/1' }));
      assert.equal(sent.kind, 'submitted');
      const invoiceReferenceNumber = sent.kind === 'submitted' ? sent.invoiceReferenceNumber : '';
      await assert.rejects(t.client.getInvoiceUpo(s.referenceNumber, { invoiceReferenceNumber }), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_UPO_NOT_FOUND');
        assert.equal(e.kind, 'transient');
        return true;
      });
    } finally {
      await t.close();
    }
  });

  it('auth status polling, redeem and refresh count in the public (per-IP) group; close() logs out', async () => {
    const log: string[] = [];
    class Recording extends RateLimiter {
      override acquire(context: string, group: RateGroup): Promise<void> {
        log.push(`acquire ${group}`);
        return super.acquire(context, group);
      }
    }
    const t = await startClientSim({
      sim: { accessTokenTtlMs: 5 * 60_000 },
      client: { fetchRateLimits: false },
    });
    const client = t.newClient({ fetchRateLimits: false, limiter: new Recording({ clock: t.clock }), onResponse: (r) => {
      if (r.url.includes('/v2/')) log.push(`${r.method} ${new URL(r.url).pathname.replace(/^\/v2/, '').replace(/\/\d{8}-AU-[^/]+$/, '/{ref}')}`);
    } });
    try {
      log.length = 0;
      await client.openOnlineSession('FA(3)');
      t.clock.advance(4.5 * 60_000);
      await client.openOnlineSession('FA(3)');
      const pairs: Record<string, string> = {};
      for (let i = 0; i + 1 < log.length; i++) if (log[i]!.startsWith('acquire ') && !log[i + 1]!.startsWith('acquire ')) pairs[log[i + 1]!] = log[i]!.slice(8);
      assert.deepEqual(
        { status: pairs['GET /auth/{ref}'], redeem: pairs['POST /auth/token/redeem'], refresh: pairs['POST /auth/token/refresh'] },
        { status: 'public', redeem: 'public', refresh: 'public' },
        log.join('\n'),
      );
      const before = t.sim.counters().requests['DELETE /auth/sessions/current'] ?? 0;
      await client.close();
      assert.equal((t.sim.counters().requests['DELETE /auth/sessions/current'] ?? 0) - before, 1, 'close() logged out');
    } finally {
      await t.close();
    }
  });
});
