// The simulator's rate limiter forgets what can no longer matter: a block that has run out and the
// stamps of a key no window sees any more (1 h). Many distinct contexts and IPs must not grow its
// memory for ever; a live block, and its lengthening with requests made during it, survive the
// pruning. Injected clock (the `nowMs` argument), no sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/simulator/rate-limits.ts';

const NIP = '5265877635';
const HOUR = 3_600_000;

test('blocks and stamps of many IPs are pruned once expired; a live block keeps lengthening', () => {
  const rl = new RateLimiter('prod');
  const hit = (ip: string, t: number) => rl.check('invoiceMetadata', NIP, ip, t, 'x');
  // 500 clients, each over the 8/s limit at t=0: 500 blocks of 1 s
  for (let n = 0; n < 500; n++) {
    const ip = `10.0.${n >> 8}.${n & 255}`;
    for (let i = 0; i < 8; i++) assert.equal(hit(ip, 0).ok, true);
    assert.equal(hit(ip, 0).retryAfterSec, 1);
  }
  assert.deepEqual(rl.sizes(), { keys: 500, blocks: 500 });
  // one client keeps hammering during its block: 2, 4, 8 s … up to the hour (the block lengthens)
  const rude = '10.9.9.9';
  for (let i = 0; i < 8; i++) hit(rude, 0);
  assert.equal(hit(rude, 0).retryAfterSec, 1);
  assert.deepEqual([hit(rude, 100), hit(rude, 200), hit(rude, 300)].map((v) => v.retryAfterSec), [2, 4, 8]);
  let t = 300;
  for (let i = 0; i < 9; i++) hit(rude, (t += 100));
  // two minutes later the 500 one-second blocks are over and forgotten; the rude one is not
  const later = 2 * 60_000;
  assert.equal(hit('10.8.8.8', later).ok, true);
  assert.equal(rl.sizes().blocks, 1, 'only the live block is left');
  assert.equal(rl.sizes().keys, 502, 'stamps stay while the hour window sees them');
  // …and a request during it still lengthens it: refused, a full hour from now
  const during = hit(rude, later + 10_000);
  assert.equal(during.ok, false);
  assert.equal(during.retryAfterSec, 3600);
  // when the hour window no longer sees them, the stamps go too; the rude block runs out an hour
  // after its last request and is forgotten as well
  assert.equal(hit('10.7.7.7', later + HOUR + 1).ok, true);
  assert.deepEqual(rl.sizes(), { keys: 2, blocks: 1 }, 'the rude key (its last request is younger than an hour) and 10.7.7.7');
  assert.equal(hit('10.7.7.7', later + 10_000 + HOUR + 60_000).ok, true);
  assert.deepEqual(rl.sizes(), { keys: 1, blocks: 0 });
});

test('a block that ran out is forgotten when its key is checked again; a new violation starts from the plain wait', () => {
  const rl = new RateLimiter('prod');
  const hit = (t: number) => rl.check('invoiceStatus', NIP, '1.2.3.4', t, 'x');
  for (let i = 0; i < 30; i++) hit(0);
  assert.equal(hit(0).retryAfterSec, 1);
  assert.equal(hit(500).retryAfterSec, 2);
  assert.equal(rl.sizes().blocks, 1);
  assert.equal(hit(2_600).ok, true, 'the block ended at 2 s');
  assert.equal(rl.sizes().blocks, 0);
  for (let i = 0; i < 29; i++) assert.equal(hit(2_600).ok, true);
  assert.equal(hit(2_600).retryAfterSec, 1, 'the plain window wait, not a doubled one');
});
