import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { RateLimiter } from '../../src/simulator/rate-limits.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const NIP = '5265877635';
const OTHER = '1111111111';

test('sliding windows: per second, per minute, per hour, with Retry-After for the window that is full', () => {
  const rl = new RateLimiter('prod');
  let t = 0;
  const hit = () => rl.check('invoiceMetadata', NIP, '1.2.3.4', t, 'x');
  for (let i = 0; i < 8; i++) assert.equal(hit().ok, true);
  assert.deepEqual(hit(), { ok: false, retryAfterSec: 1, message: 'Przekroczono limit 8 żądań na sekundę. Spróbuj ponownie po 1 sekundach.' });
  t = 1_500;
  // the refused request counts: 9 in the minute already, so 7 more fit under 16
  for (let i = 0; i < 7; i++) assert.equal(hit().ok, true);
  t = 3_000;
  const minute = hit();
  assert.equal(minute.ok, false);
  assert.equal(minute.retryAfterSec, 57); // the oldest of 16 requests (t=0) leaves the minute at 60 s
  t = 61_000;
  // 17 requests in the hour so far, the two refused ones included (refused requests count, as on KSeF)
  for (let i = 0; i < 3; i++) assert.equal(hit().ok, true);
  const hour = hit();
  assert.equal(hour.ok, false);
  assert.match(hour.message!, /20 żądań na godzinę/);
  assert.equal(hour.retryAfterSec, 3600 - 61);
  // Another context, another IP: own counters. Relaxed and off modes.
  assert.equal(rl.check('invoiceMetadata', OTHER, '1.2.3.4', t, 'x').ok, true);
  assert.equal(rl.check('invoiceMetadata', NIP, '5.6.7.8', t, 'x').ok, true);
  const relaxed = new RateLimiter('relaxed');
  for (let i = 0; i < 100; i++) assert.equal(relaxed.check('invoiceMetadata', NIP, 'ip', 0, 'x').ok, true);
  const off = new RateLimiter('off');
  for (let i = 0; i < 1000; i++) assert.equal(off.check('invoiceMetadata', NIP, 'ip', 0, 'x').ok, true);
});

test('HTTP 429 with Retry-After in both error formats; PROD limits for invoice sending', async () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'prod', now: () => now });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const body = { subjectType: 'Subject2', dateRange: { dateType: 'Issue', from: '2026-03-01T00:00:00Z' } };
    for (let i = 0; i < 8; i++) assert.equal((await client.call('POST', '/invoices/query/metadata', { json: body })).status, 200);
    const limited = await client.call('POST', '/invoices/query/metadata', { json: body });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.json.status.code, 429);
    assert.match(limited.json.status.details[0], /8 żądań na sekundę/);
    const pd = new SimTestClient(sim.baseUrl, { problemDetails: true });
    pd.accessToken = client.accessToken;
    const limitedPd = await pd.call('POST', '/invoices/query/metadata', { json: body });
    assert.equal(limitedPd.status, 429);
    assert.match(limitedPd.headers['content-type']!, /problem\+json/);
    assert.equal(limitedPd.json.status, 429);
    // Other groups are not affected.
    assert.equal((await client.call('GET', '/rate-limits')).json.invoiceSend.perHour, 180);
    assert.deepEqual([...client.violations, ...pd.violations], []);
  } finally {
    await sim.close();
  }
});
