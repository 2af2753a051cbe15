// Issue 10 item 6 (simulator): GET /auth/sessions lists the caller's logins; X-System-Warning as
// KSeF sends it; 404 bodies name the /v2 instance path; an export package carries
// lastIssueDate / lastInvoicingDate / lastPermanentStorageDate only when truncated, and only the
// one of the filter's date type; 429 blocks lengthen with requests made during the block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { RateLimiter } from '../../src/simulator/rate-limits.ts';
import { SimTestClient, rsaEncrypt } from '../helpers/sim-client.ts';

const NIP = '5265877635';
const OTHER = '7010001454';
const DAY = 86_400_000;

test('GET /auth/sessions lists the context\'s active logins, newest first, with isCurrent; a logged-out one disappears', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const token = sim.registerToken(NIP);
    const a = new SimTestClient(sim.baseUrl);
    const b = new SimTestClient(sim.baseUrl);
    const other = new SimTestClient(sim.baseUrl);
    await a.login(NIP, token);
    await b.login(NIP, token);
    await other.login(OTHER, sim.registerToken(OTHER));
    const list = await a.call('GET', '/auth/sessions');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 2);
    assert.deepEqual(list.json.items.map((i: { isCurrent: boolean }) => i.isCurrent).sort(), [false, true]);
    for (const i of list.json.items) {
      assert.equal(i.status.code, 200);
      assert.equal(i.isTokenRedeemed, true);
      assert.equal(i.authenticationMethodInfo.category, 'Token');
      assert.match(i.referenceNumber, /-AU-/);
    }
    const small = await a.call('GET', '/auth/sessions?pageSize=5');
    assert.equal(small.status, 400);
    assert.equal((await b.call('DELETE', '/auth/sessions/current')).status, 204);
    const after = await a.call('GET', '/auth/sessions');
    assert.equal(after.json.items.length, 1);
    assert.equal(after.json.items[0].isCurrent, true);
    assert.deepEqual([...a.violations, ...b.violations], []);
  } finally {
    await sim.close();
  }
});

test('X-System-Warning: echoed from X-Test-System-Warning (ASCII-folded), and sent on every answer while the admin sets one', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const plain = await client.call('GET', '/rate-limits');
    assert.equal(plain.headers['x-system-warning'], undefined);
    const forced = await client.call('GET', '/rate-limits', { headers: { 'X-Test-System-Warning': '[W001]: Ósma próba' } });
    assert.equal(forced.headers['x-system-warning'], '[W001]: Osma proba');
    sim.setFaults({ systemWarning: '[MAINT-1]: Przerwa techniczna 2026-12-01 16:00-18:00, dostęp ograniczony' });
    const warned = await client.call('GET', '/limits/context');
    assert.equal(warned.headers['x-system-warning'], '[MAINT-1]: Przerwa techniczna 2026-12-01 16:00-18:00, dostep ograniczony');
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('404 for an unknown API path: problem+json with instance /v2/…, traceId and timestamp', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const r = await fetch(`${sim.baseUrl}/no/such/thing`);
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = await r.json();
    assert.equal(body.instance, '/v2/no/such/thing');
    assert.equal(body.title, 'Not Found');
    assert.equal(body.status, 404);
    assert.match(body.traceId, /^[0-9a-f]{32}$/);
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
  } finally {
    await sim.close();
  }
});

test('export package: last*Date only when truncated, and only the one of the filter date type', async () => {
  const now = Date.now();
  const sim = await startSimulator({ rateLimits: 'off', exportMaxInvoices: 5 });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    sim.generateIncoming({ buyerNip: NIP, count: 8, from: now - 10 * DAY, to: now - DAY });
    const cert = await client.certificate('SymmetricKeyEncryption');
    const exportPkg = async (dateType: string, from: number) => {
      const start = await client.call('POST', '/invoices/exports', {
        json: {
          encryption: { encryptedSymmetricKey: rsaEncrypt(cert.certificate, randomBytes(32)), initializationVector: randomBytes(16).toString('base64'), publicKeyId: cert.publicKeyId },
          filters: { subjectType: 'Subject2', dateRange: { dateType, from: new Date(from).toISOString(), to: new Date(now).toISOString() } },
        },
      });
      assert.equal(start.status, 201, start.text);
      const st = await client.call('GET', `/invoices/exports/${start.json.referenceNumber}`);
      return st.json.package;
    };
    const keys = (p: Record<string, unknown>) => ['lastIssueDate', 'lastInvoicingDate', 'lastPermanentStorageDate'].filter((k) => p[k] !== undefined);
    const issue = await exportPkg('Issue', now - 20 * DAY);
    assert.equal(issue.isTruncated, true);
    assert.deepEqual(keys(issue), ['lastIssueDate']);
    const invoicing = await exportPkg('Invoicing', now - 20 * DAY);
    assert.deepEqual(keys(invoicing), ['lastInvoicingDate']);
    const storage = await exportPkg('PermanentStorage', now - 20 * DAY);
    assert.deepEqual(keys(storage), ['lastPermanentStorageDate']);
    const whole = await exportPkg('PermanentStorage', Date.parse(storage.lastPermanentStorageDate) + 1);
    assert.equal(whole.isTruncated, false);
    assert.equal(whole.invoiceCount, 3);
    assert.deepEqual(keys(whole), []);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('429: requests during a block are refused, count, and double the block (at most 1 h); honouring Retry-After keeps the plain wait', () => {
  const rl = new RateLimiter('prod');
  const hit = (t: number) => rl.check('invoiceMetadata', NIP, '1.2.3.4', t, 'x');
  for (let i = 0; i < 8; i++) assert.equal(hit(0).ok, true);
  const first = hit(0);
  assert.equal(first.retryAfterSec, 1);
  // hammering during the block: 2, 4, 8 … seconds
  assert.deepEqual([hit(100), hit(200), hit(300)].map((v) => [v.ok, v.retryAfterSec]), [[false, 2], [false, 4], [false, 8]]);
  assert.match(hit(400).message!, /wydłuża/);
  let t = 500;
  let last = 0;
  for (let i = 0; i < 20; i++) last = hit((t += 10)).retryAfterSec!;
  assert.equal(last, 3600);
  // another key that waits out its Retry-After is never escalated
  const polite = (t2: number) => rl.check('invoiceMetadata', OTHER, '1.2.3.4', t2, 'x');
  for (let i = 0; i < 8; i++) polite(0);
  assert.equal(polite(0).retryAfterSec, 1);
  assert.equal(polite(1_000).ok, true);
});
