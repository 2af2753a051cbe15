// Issue 10 item 6 (client): close() logs out, unless the rate limiter would make the stop wait —
// a full "other" window, or a 429 block KSeF gave — then it says so and skips the logout; the
// login ends when its tokens expire. Over HTTP against the simulator, on the shared fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/ksef/index.ts';
import { isKsefError } from '../../src/ksef/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const LOGOUT = 'DELETE /auth/sessions/current';

function recordingLogger(): { lines: { level: string; message: string; meta?: Record<string, unknown> }[]; logger: { warn(m: string, meta?: Record<string, unknown>): void; info(m: string, meta?: Record<string, unknown>): void } } {
  const lines: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  return {
    lines,
    logger: {
      warn: (message, meta) => void lines.push({ level: 'warn', message, ...(meta ? { meta } : {}) }),
      info: (message, meta) => void lines.push({ level: 'info', message, ...(meta ? { meta } : {}) }),
    },
  };
}

describe('client close(): logout skipped when the limiter would make the stop wait', () => {
  it('a full "other" window: no logout request, a warning saying why, no waiting; KSeF still lists the login', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'off' }, client: { fetchRateLimits: false } });
    const { lines, logger } = recordingLogger();
    const client = t.newClient({ fetchRateLimits: false, logger, limiter: new RateLimiter({ clock: t.clock, limits: { other: { perMinute: 1 } } }) });
    try {
      await client.certificates.limits(); // the one "other" call the minute allows
      const slept = t.clock.slept;
      await client.close();
      assert.equal(t.clock.slept - slept, 0, 'the stop did not wait');
      assert.equal(t.sim.counters().requests[LOGOUT] ?? 0, 0, 'no logout was sent');
      const skipped = lines.filter((l) => l.message.startsWith('ksef.auth.logout-skipped'));
      assert.equal(skipped.length, 1, JSON.stringify(lines));
      assert.equal(skipped[0]!.level, 'warn');
      assert.match(skipped[0]!.message, /not logging out of KSeF for NIP \d{10}: its request limit would make the stop wait; the login ends when its tokens expire/);
      assert.ok(!lines.some((l) => /logged-out|logout-failed/.test(l.message)));
      const checker = new SimTestClient(t.sim.baseUrl);
      await checker.login(t.nip, t.token);
      assert.equal((await checker.call('GET', '/auth/sessions')).json.items.length, 2, 'the skipped login is still there');
    } finally {
      await t.close();
    }
  });

  it('a 429 block KSeF gave on an "other" endpoint: the logout is skipped instead of waiting out the block', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' }, client: { fetchRateLimits: false } });
    const { lines, logger } = recordingLogger();
    const client = t.newClient({ fetchRateLimits: false, logger, retry: { maxAttempts: 1 } });
    try {
      await client.login();
      // another program of the same company, on the same IP, exhausts GET /certificates/limits
      const other = new SimTestClient(t.sim.baseUrl);
      await other.login(t.nip, t.token);
      for (let i = 0; i < 11; i++) await other.call('GET', '/certificates/limits');
      await assert.rejects(client.certificates.limits(), (e: unknown) => isKsefError(e) && e.code === 'KSEF_RATE_LIMITED');
      const slept = t.clock.slept;
      await client.close();
      assert.equal(t.clock.slept - slept, 0, 'the stop did not wait out the block');
      assert.equal(t.sim.counters().requests[LOGOUT] ?? 0, 0, 'no logout was sent');
      assert.equal(lines.filter((l) => l.message.startsWith('ksef.auth.logout-skipped')).length, 1, JSON.stringify(lines));
    } finally {
      await t.close();
    }
  });
});
