import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { unzip } from '../../src/simulator/zip.ts';
import { loadFaValidator } from '../../src/xsd/xsd-validator.ts';
import { rsaEncrypt, sha256b64, SimTestClient } from '../helpers/sim-client.ts';

const BUYER = '5265877635';
const DAY = 86_400_000;

function aesDecrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}

async function login(sim: Awaited<ReturnType<typeof startSimulator>>) {
  const client = new SimTestClient(sim.baseUrl);
  await client.login(BUYER, sim.registerToken(BUYER));
  return client;
}

test('generated purchase invoices are valid FA(3); metadata query pages, truncates at the row cap, enforces 3 months', async () => {
  const now = Date.now();
  const sim = await startSimulator({ rateLimits: 'off', queryMaxRows: 100 });
  try {
    const numbers = sim.generateIncoming({ buyerNip: BUYER, count: 130, from: now - 40 * DAY, to: now });
    assert.equal(numbers.length, 130);
    const client = await login(sim);
    const fa3 = await loadFaValidator('FA(3)');
    const one = await client.call('GET', `/invoices/ksef/${numbers[0]}`);
    assert.equal(one.status, 200);
    assert.deepEqual(fa3.validate(one.bytes), []);
    assert.equal(one.headers['x-ms-meta-hash'], sha256b64(one.bytes));

    const filters = { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: new Date(now - 41 * DAY).toISOString() } };
    const rows: string[] = [];
    let page = 0;
    let last: { hasMore: boolean; isTruncated: boolean } = { hasMore: true, isTruncated: false };
    while (last.hasMore && !last.isTruncated) {
      const r = await client.call('POST', `/invoices/query/metadata?pageSize=30&pageOffset=${page++}`, { json: filters });
      assert.equal(r.status, 200);
      rows.push(...r.json.invoices.map((i: { ksefNumber: string }) => i.ksefNumber));
      last = r.json;
    }
    // 100-row cap: pages of 30, 30, 30, 10 and then hasMore + isTruncated.
    assert.equal(rows.length, 100);
    assert.deepEqual(last, { ...last, hasMore: true, isTruncated: true });
    const seller = await client.call('POST', '/invoices/query/metadata?pageSize=10', { json: { ...filters, subjectType: 'Subject1' } });
    assert.equal(seller.json.invoices.length, 0);
    const tooLong = await client.call('POST', '/invoices/query/metadata', { json: { subjectType: 'Subject2', dateRange: { dateType: 'Issue', from: '2025-01-01T00:00:00Z', to: '2025-05-01T00:00:00Z' } } });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.json.exception.exceptionDetailList[0].exceptionCode, 21405);
    const unknown = await client.call('GET', `/invoices/ksef/${BUYER}-20260101-0123456789AB-00`);
    assert.equal(unknown.json.exception.exceptionDetailList[0].exceptionCode, 21164);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('download before permanent storage gives 21165; HWM stays behind the pending invoice', async () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const sim = await startSimulator({ rateLimits: 'off', permanentStorageDelayMs: 60_000, now: () => now });
  try {
    const [k] = sim.generateIncoming({ buyerNip: BUYER, count: 1, from: now, to: now });
    const client = await login(sim);
    const early = await client.call('GET', `/invoices/ksef/${k}`);
    assert.equal(early.json.exception.exceptionDetailList[0].exceptionCode, 21165);
    const q = await client.call('POST', '/invoices/query/metadata', { json: { subjectType: 'Subject2', dateRange: { dateType: 'Invoicing', from: '2026-03-01T00:00:00Z' } } });
    assert.ok(Date.parse(q.json.permanentStorageHwmDate) < now + 60_000);
    now += 61_000;
    assert.equal((await client.call('GET', `/invoices/ksef/${k}`)).status, 200);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('export of 2,500 purchase invoices in packages of 1,000: encrypted parts, _metadata.json, HWM continuation', async () => {
  const now = Date.now();
  const sim = await startSimulator({ rateLimits: 'off', exportMaxInvoices: 1000, exportPartBytes: 400_000 });
  try {
    const all = new Set(sim.generateIncoming({ buyerNip: BUYER, count: 2500, from: now - 60 * DAY, to: now }));
    const client = await login(sim);
    const cert = await client.certificate('SymmetricKeyEncryption');
    const got = new Map<string, string>();
    let from = new Date(now - 61 * DAY).toISOString();
    let packages = 0;
    let multiPart = false;
    for (;;) {
      const key = randomBytes(32);
      const iv = randomBytes(16);
      const start = await client.call('POST', '/invoices/exports', {
        json: {
          encryption: { encryptedSymmetricKey: rsaEncrypt(cert.certificate, key), initializationVector: iv.toString('base64'), publicKeyId: cert.publicKeyId },
          filters: { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from, restrictToPermanentStorageHwmDate: true } },
        },
      });
      assert.equal(start.status, 201);
      const st = await client.call('GET', `/invoices/exports/${start.json.referenceNumber}`);
      assert.equal(st.json.status.code, 200);
      const pkg = st.json.package;
      packages++;
      multiPart ||= pkg.parts.length > 1;
      const plain: Buffer[] = [];
      for (const p of pkg.parts) {
        const res = await fetch(p.url);
        const enc = Buffer.from(await res.arrayBuffer());
        assert.equal(enc.length, p.encryptedPartSize);
        assert.equal(sha256b64(enc), p.encryptedPartHash);
        const dec = aesDecrypt(key, iv, enc);
        assert.equal(sha256b64(dec), p.partHash);
        plain.push(dec);
      }
      const entries = await unzip(Buffer.concat(plain));
      const meta = JSON.parse(entries.find((e) => e.name === '_metadata.json')!.data.toString('utf8'));
      assert.equal(meta.invoices.length, pkg.invoiceCount);
      for (const e of entries) if (e.name !== '_metadata.json') got.set(e.name.replace(/\.xml$/, ''), e.data.toString('utf8'));
      if (!pkg.isTruncated) break;
      from = pkg.lastPermanentStorageDate;
      assert.ok(packages < 10);
    }
    assert.equal(packages, 3);
    assert.ok(multiPart);
    assert.equal(got.size, 2500);
    assert.deepEqual([...got.keys()].filter((k) => !all.has(k)), []);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
