import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundedPool, createLimiter, firstFailure } from '../../src/core/bounded-pool.ts';

test('boundedPool: never more than the limit at once, outcomes in input order', async () => {
  let running = 0;
  let most = 0;
  const out = await boundedPool([30, 5, 20, 1, 10, 2], 3, async (ms, k) => {
    most = Math.max(most, ++running);
    await sleep(ms);
    running--;
    return k * 10;
  });
  assert.equal(most, 3);
  assert.deepEqual(out.map((o) => (o.started && o.ok ? o.value : null)), [0, 10, 20, 30, 40, 50]);
  assert.equal(firstFailure(out), undefined);
});

test('boundedPool: stopAfter halts new starts, started ones finish, the rest is not started; firstFailure names it', async () => {
  const started: number[] = [];
  const out = await boundedPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    await sleep(n === 2 ? 1 : 5);
    if (n === 2) throw new Error('part 2 failed');
    return n;
  }, { stopAfter: () => true });
  assert.deepEqual(started, [1, 2]);
  assert.deepEqual(out.map((o) => (!o.started ? 'never' : o.ok ? 'ok' : 'failed')), ['ok', 'failed', 'never', 'never', 'never', 'never']);
  assert.equal((firstFailure(out) as Error).message, 'part 2 failed');
});

test('boundedPool: shouldStop is asked before each start', async () => {
  let n = 0;
  const out = await boundedPool([1, 2, 3, 4], 1, async (x) => x, { shouldStop: () => n++ >= 2 });
  assert.deepEqual(out.map((o) => o.started), [true, true, false, false]);
});

test('createLimiter: at most N tasks at once, started in the order given', async () => {
  const limit = createLimiter(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all([1, 2, 3, 4, 5].map((k) => limit(async () => {
    order.push(k);
    most = Math.max(most, ++running);
    await sleep(3);
    running--;
  })));
  assert.equal(most, 2);
  assert.deepEqual(order, [1, 2, 3, 4, 5]);
});
