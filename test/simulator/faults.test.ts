import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

test('5xx, HTML firewall page, dropped connection, latency: set at start and through the admin API', async () => {
  const sim = await startSimulator({ rateLimits: 'off', faults: { error5xxRate: 1, paths: ['/auth/challenge'] } });
  const admin = (body: unknown) => fetch(sim.baseUrl.replace('/v2', '/_sim/faults'), { method: 'POST', body: JSON.stringify(body) });
  try {
    const client = new SimTestClient(sim.baseUrl);
    const e = await client.call('POST', '/auth/challenge', { token: null });
    assert.equal(e.status, 500);
    assert.equal(e.json.exception.exceptionDetailList[0].exceptionCode, 500);
    assert.equal((await client.call('GET', '/security/public-key-certificates', { token: null })).status, 200);
    await admin({ error5xxRate: 0, firewallHtmlRate: 1 });
    const fw = await client.call('POST', '/auth/challenge', { token: null, raw: true });
    assert.equal(fw.status, 403);
    assert.match(fw.headers['content-type']!, /text\/html/);
    assert.match(fw.text, /Request Rejected/);
    await admin({ firewallHtmlRate: 0, dropRate: 1 });
    await assert.rejects(fetch(`${sim.baseUrl}/auth/challenge`, { method: 'POST' }));
    await admin({ dropRate: 0, latencyMs: 120, paths: [] });
    const t0 = Date.now();
    assert.equal((await client.call('POST', '/auth/challenge', { token: null })).status, 200);
    assert.ok(Date.now() - t0 >= 100);
    const current = await (await fetch(sim.baseUrl.replace('/v2', '/_sim/faults'))).json();
    assert.equal(current.latencyMs, 120);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('outage window (503 for N ms of the simulator clock), forced session expiry, slow UPO', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', now: () => now });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    sim.setFaults({ outageMs: 30_000 });
    const down = await client.call('POST', '/auth/challenge', { token: null, raw: true });
    assert.equal(down.status, 503);
    assert.equal(down.headers['retry-after'], '30');
    now += 30_000;
    assert.equal((await client.call('POST', '/auth/challenge', { token: null })).status, 200);

    sim.setFaults({ upoDelayMs: 10_000 });
    const s = await client.openOnline();
    const sent = await client.send(s, fa3Invoice({ sellerNip: NIP, number: 'U/1', issueDate: '2026-03-02' }));
    const st = await client.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}`);
    assert.equal(st.json.status.code, 200);
    assert.equal(st.json.upoDownloadUrl, undefined);
    const noUpo = await client.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}/upo`);
    assert.equal(noUpo.json.exception.exceptionDetailList[0].exceptionCode, 21178);
    now += 10_000;
    assert.equal((await client.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}/upo`)).status, 200);

    const expired = await fetch(sim.baseUrl.replace('/v2', '/_sim/sessions/expire'), { method: 'POST', body: JSON.stringify({ referenceNumber: s.ref }) });
    assert.deepEqual((await expired.json()).expired, [s.ref]);
    const late = await client.send(s, fa3Invoice({ sellerNip: NIP, number: 'U/2', issueDate: '2026-03-02' }));
    assert.equal(late.json.exception.exceptionDetailList[0].exceptionCode, 21180);
    // Expired means closed: 170 while the (slow) session UPO is prepared, then 200.
    assert.equal((await client.call('GET', `/sessions/${s.ref}`)).json.status.code, 170);
    now += 10_000;
    const ss = await client.call('GET', `/sessions/${s.ref}`);
    assert.equal(ss.json.status.code, 200);
    assert.equal(ss.json.upo.pages.length, 1);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
