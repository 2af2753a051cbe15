import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, PROD_RATE_LIMITS } from '../../src/ksef/rate-limiter.ts';
import { parseRateLimits } from '../../src/ksef/client.ts';
import { createFakeClock } from '../helpers/client-clock.ts';

describe('RateLimiter', () => {
  it('keeps invoiceSend within 10/s, 30/min and 180/h on sliding windows', async () => {
    const clock = createFakeClock(0);
    const limiter = new RateLimiter({ clock, marginMs: 0 });
    const stamps: number[] = [];
    for (let i = 0; i < 200; i++) {
      await limiter.acquire('1111111111', 'invoiceSend');
      stamps.push(clock.now());
    }
    const within = (end: number, span: number) => stamps.filter((t) => t > end - span && t <= end).length;
    for (const t of stamps) {
      assert.ok(within(t, 1_000) <= 10, `1 s window at ${t}`);
      assert.ok(within(t, 60_000) <= 30, `1 min window at ${t}`);
      assert.ok(within(t, 3_600_000) <= 180, `1 h window at ${t}`);
    }
    // the first 10 go at once, the 11th waits for the 1 s window
    assert.equal(stamps[9], 0);
    assert.equal(stamps[10], 1_000);
    // call 181 must wait until the first hour's first call leaves the window
    assert.equal(stamps[180], 3_600_000);
  });

  it('counts per (context, group) separately', async () => {
    const clock = createFakeClock(0);
    const limiter = new RateLimiter({ clock, limits: { invoiceMetadata: { perSecond: 1, perMinute: 2, perHour: 2 } }, marginMs: 0 });
    await limiter.acquire('A', 'invoiceMetadata');
    await limiter.acquire('A', 'invoiceMetadata');
    // the second call waited 1 s for the per-second window; the first leaves the hour at 3,600,000
    assert.equal(clock.now(), 1_000);
    assert.equal(limiter.delayFor('A', 'invoiceMetadata'), 3_599_000);
    assert.equal(limiter.delayFor('B', 'invoiceMetadata'), 0);
    assert.equal(limiter.delayFor('A', 'invoiceDownload'), 0);
  });

  it('serves concurrent callers in order without exceeding a window', async () => {
    const clock = createFakeClock(0);
    const limiter = new RateLimiter({ clock, limits: { other: { perSecond: 2 } }, marginMs: 0 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.acquire('ctx', 'other').then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.ok(clock.now() >= 2_000);
  });

  it('block() holds a key for Retry-After', async () => {
    const clock = createFakeClock(0);
    const limiter = new RateLimiter({ clock });
    limiter.block('ctx', 'invoiceSend', 5_000);
    await limiter.acquire('ctx', 'invoiceSend');
    assert.equal(clock.now(), 5_000);
  });

  it('takes limits from GET /rate-limits and ignores junk', () => {
    const t = parseRateLimits({ invoiceSend: { perSecond: 100, perMinute: 300, perHour: 1800 }, other: 'x', bogus: { perSecond: 1 } });
    assert.deepEqual(t, { invoiceSend: { perSecond: 100, perMinute: 300, perHour: 1800 } });
    const limiter = new RateLimiter();
    limiter.setLimits(t);
    assert.equal(limiter.getLimits().invoiceSend.perHour, 1800);
    assert.deepEqual(limiter.getLimits().invoiceMetadata, PROD_RATE_LIMITS.invoiceMetadata);
  });
});
