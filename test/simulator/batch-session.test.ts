import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { buildBatch, FA3_FORM, rsaEncrypt, SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

async function openBatch(client: SimTestClient, files: { name: string; data: string }[], parts: number) {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const pkg = await buildBatch(files, key, iv, parts);
  const cert = await client.certificate('SymmetricKeyEncryption');
  const open = await client.call('POST', '/sessions/batch', {
    json: { formCode: FA3_FORM, batchFile: pkg.batchFile, encryption: { encryptedSymmetricKey: rsaEncrypt(cert.certificate, key), initializationVector: iv.toString('base64') } },
  });
  return { open, pkg };
}

test('batch: parts uploaded without Authorization, statuses 100 → 150 → 200, per-invoice results and paging', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 2_000, now: () => now });
  try {
    const token = sim.registerToken(NIP);
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, token);
    now += 5_000;
    const seeded = new SimTestClient(sim.baseUrl);
    seeded.accessToken = client.accessToken;
    // One invoice already in KSeF (so the batch copy is a duplicate), one broken.
    const online = await client.openOnline();
    await client.send(online, fa3Invoice({ sellerNip: NIP, number: 'B/0', issueDate: '2026-03-01' }));
    const files = Array.from({ length: 25 }, (_, i) => ({ name: `inv-${i}.xml`, data: fa3Invoice({ sellerNip: NIP, number: `B/${i}`, issueDate: '2026-03-01' }) }));
    files[7] = { name: 'inv-7.xml', data: files[7]!.data.replace('<P_15>', '<P_15>x') };
    const { open, pkg } = await openBatch(client, files, 3);
    assert.equal(open.status, 201);
    const ref = open.json.referenceNumber as string;
    assert.equal(ref.slice(9, 11), 'SB');
    assert.equal(open.json.partUploadRequests.length, 3);
    for (const p of open.json.partUploadRequests) {
      assert.equal(p.method, 'PUT');
      const up = await fetch(p.url, { method: p.method, headers: p.headers, body: new Uint8Array(pkg.encrypted[p.ordinalNumber - 1]!) });
      assert.equal(up.status, 201);
    }
    assert.equal((await client.call('GET', `/sessions/${ref}`)).json.status.code, 100);
    assert.equal((await client.call('POST', `/sessions/batch/${ref}/close`)).status, 204);
    await sim.idle();
    assert.equal((await client.call('GET', `/sessions/${ref}`)).json.status.code, 150);
    now += 2_000;
    const done = await client.call('GET', `/sessions/${ref}`);
    assert.equal(done.json.status.code, 200);
    assert.deepEqual([done.json.invoiceCount, done.json.successfulInvoiceCount, done.json.failedInvoiceCount], [25, 23, 2]);
    assert.equal(done.json.upo.pages.length, 1);

    const seen: { invoiceFileName: string; status: { code: number } }[] = [];
    let continuation: string | undefined;
    let pages = 0;
    do {
      const r = await client.call('GET', `/sessions/${ref}/invoices?pageSize=10`, { headers: continuation ? { 'x-continuation-token': continuation } : {} });
      seen.push(...r.json.invoices);
      continuation = r.json.continuationToken ?? undefined;
      pages++;
    } while (continuation);
    assert.equal(pages, 3);
    assert.equal(seen.length, 25);
    assert.equal(seen.find((i) => i.invoiceFileName === 'inv-7.xml')!.status.code, 430);
    assert.equal(seen.find((i) => i.invoiceFileName === 'inv-0.xml')!.status.code, 440);
    const failed = await client.call('GET', `/sessions/${ref}/invoices/failed?pageSize=10`);
    assert.deepEqual(failed.json.invoices.map((i: { invoiceFileName: string }) => i.invoiceFileName).sort(), ['inv-0.xml', 'inv-7.xml']);
    const bad = await client.call('GET', `/sessions/${ref}/invoices`, { headers: { 'x-continuation-token': '!!' } });
    assert.equal(bad.json.exception.exceptionDetailList[0].exceptionCode, 21418);

    const listed = await client.call('GET', '/sessions?sessionType=Batch');
    assert.deepEqual(listed.json.sessions.map((s: { referenceNumber: string }) => s.referenceNumber), [ref]);
    assert.equal(listed.json.sessions[0].successfulInvoiceCount, 23);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('batch close with a declared part missing gives 21205', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const token = sim.registerToken(NIP);
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, token);
    const files = [{ name: 'a.xml', data: fa3Invoice({ sellerNip: NIP, number: 'M/1' }) }];
    const { open, pkg } = await openBatch(client, files, 1);
    const close = await client.call('POST', `/sessions/batch/${open.json.referenceNumber}/close`);
    assert.equal(close.status, 400);
    assert.equal(close.json.exception.exceptionDetailList[0].exceptionCode, 21205);
    const p = open.json.partUploadRequests[0];
    assert.equal((await fetch(p.url, { method: 'PUT', headers: p.headers, body: new Uint8Array(pkg.encrypted[0]!) })).status, 201);
    assert.equal((await fetch(p.url.replace(/sig=[^&]+/, 'sig=forged'), { method: 'PUT', body: new Uint8Array(pkg.encrypted[0]!) })).status, 403);
    assert.equal((await client.call('POST', `/sessions/batch/${open.json.referenceNumber}/close`)).status, 204);
    await sim.idle();
    assert.equal((await client.call('GET', `/sessions/${open.json.referenceNumber}`)).json.status.code, 200);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('batch never closed: after the upload window (parts × 20 min) it reads 440 everywhere; parts and close are refused', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', now: () => now });
  try {
    const client = new SimTestClient(sim.baseUrl);
    const token = sim.registerToken(NIP);
    await client.login(NIP, token);
    const files = [{ name: 'a.xml', data: fa3Invoice({ sellerNip: NIP, number: 'W/1' }) }, { name: 'b.xml', data: fa3Invoice({ sellerNip: NIP, number: 'W/2' }) }];
    const { open, pkg } = await openBatch(client, files, 2);
    const ref = open.json.referenceNumber as string;
    const p1 = open.json.partUploadRequests[0];
    assert.equal((await fetch(p1.url, { method: 'PUT', headers: p1.headers, body: new Uint8Array(pkg.encrypted[0]!) })).status, 201);
    now += 40 * 60_000 - 1;
    await client.login(NIP, token); // the access token has expired meanwhile
    assert.equal((await client.call('GET', `/sessions/${ref}`)).json.status.code, 100, 'still inside the window');
    now += 1;
    const st = await client.call('GET', `/sessions/${ref}`);
    assert.deepEqual(st.json.status, { code: 440, description: 'Sesja anulowana', details: ['Przekroczono czas wysyłki'] });
    assert.equal(st.json.invoiceCount, 0);
    const listed = await client.call('GET', '/sessions?sessionType=Batch');
    assert.equal(listed.json.sessions[0].status.code, 440);
    const cancelled = await client.call('GET', '/sessions?sessionType=Batch&statuses=Cancelled');
    assert.deepEqual(cancelled.json.sessions.map((s: { referenceNumber: string }) => s.referenceNumber), [ref]);
    assert.equal((await client.call('GET', '/sessions?sessionType=Batch&statuses=InProgress')).json.sessions.length, 0);
    const p2 = open.json.partUploadRequests[1];
    assert.equal((await fetch(p2.url, { method: 'PUT', headers: p2.headers, body: new Uint8Array(pkg.encrypted[1]!) })).status, 403);
    const close = await client.call('POST', `/sessions/batch/${ref}/close`);
    assert.equal(close.status, 400);
    assert.equal(close.json.exception.exceptionDetailList[0].exceptionCode, 21208);
    assert.equal((await client.call('GET', `/sessions/${ref}/invoices`)).json.invoices.length, 0);
    await sim.idle();
    assert.equal(sim.counters().totals.attempts, 0, 'nothing was processed');
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('expireSessions (handle and POST /_sim/sessions/expire) ends the upload window of open batch sessions: 440 at once', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', now: () => now });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const a = await openBatch(client, [{ name: 'a.xml', data: fa3Invoice({ sellerNip: NIP, number: 'X/1' }) }], 1);
    const b = await openBatch(client, [{ name: 'b.xml', data: fa3Invoice({ sellerNip: NIP, number: 'X/2' }) }], 1);
    const refA = a.open.json.referenceNumber as string;
    const refB = b.open.json.referenceNumber as string;
    assert.deepEqual(sim.expireSessions(refA), [refA]);
    assert.equal((await client.call('GET', `/sessions/${refA}`)).json.status.code, 440);
    assert.equal((await client.call('GET', `/sessions/${refB}`)).json.status.code, 100);
    const r = await fetch(sim.baseUrl.replace('/v2', '/_sim/sessions/expire'), { method: 'POST', body: '{}' });
    assert.deepEqual((await r.json()).expired, [refB]);
    const st = await client.call('GET', `/sessions/${refB}`);
    assert.deepEqual(st.json.status.details, ['Przekroczono czas wysyłki']);
    assert.deepEqual(sim.expireSessions(), [], 'a cancelled session is not open any more');
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
