import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { isValidKsefNumber, isValidReferenceNumber } from '../../src/simulator/ids.ts';
import { loadXsdFile } from '../../src/xsd/xsd-validator.ts';
import { SimTestClient, sha256b64, FA2_FORM } from '../helpers/sim-client.ts';
import { fa2Invoice, fa3Invoice, SHARED } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

async function setup(opts: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator({ rateLimits: 'off', ...opts });
  const token = sim.registerToken(NIP);
  const client = new SimTestClient(sim.baseUrl);
  await client.login(NIP, token);
  return { sim, client, token };
}

test('online session: send, KSeF number, invoice and session UPO valid against upo-v4-3.xsd', async () => {
  const { sim, client } = await setup();
  try {
    assert.match(sim.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    const session = await client.openOnline();
    assert.equal(session.res.status, 201);
    assert.ok(isValidReferenceNumber(session.ref), session.ref);
    assert.equal(session.ref.slice(9, 11), 'SO');
    const xml = fa3Invoice({ sellerNip: NIP, number: 'FV/1/2026' });
    const sent = await client.send(session, xml);
    assert.equal(sent.status, 202);
    const st = await client.call('GET', `/sessions/${session.ref}/invoices/${sent.json.referenceNumber}`);
    assert.equal(st.status, 200);
    assert.equal(st.json.status.code, 200);
    assert.equal(st.json.invoiceNumber, 'FV/1/2026');
    assert.equal(st.json.invoiceHash, sha256b64(xml));
    assert.ok(isValidKsefNumber(st.json.ksefNumber), st.json.ksefNumber);
    assert.ok(st.json.ksefNumber.startsWith(`${NIP}-`));

    const upoXsd = await loadXsdFile(join(SHARED, 'schemas', 'upo', 'upo-v4-3.xsd'));
    const byApi = await client.call('GET', `/sessions/${session.ref}/invoices/${sent.json.referenceNumber}/upo`);
    assert.equal(byApi.status, 200);
    assert.equal(byApi.headers['x-ms-meta-hash'], sha256b64(byApi.bytes));
    assert.deepEqual(upoXsd.validate(byApi.bytes), []);
    assert.ok(byApi.text.includes(`<NumerKSeFDokumentu>${st.json.ksefNumber}</NumerKSeFDokumentu>`));
    const byKsef = await client.call('GET', `/sessions/${session.ref}/invoices/ksef/${st.json.ksefNumber}/upo`);
    assert.equal(byKsef.text, byApi.text);
    const byUrl = await fetch(st.json.upoDownloadUrl);
    assert.equal(byUrl.status, 200);
    assert.equal(await byUrl.text(), byApi.text);

    assert.equal((await client.call('POST', `/sessions/online/${session.ref}/close`)).status, 204);
    const ss = await client.call('GET', `/sessions/${session.ref}`);
    assert.equal(ss.json.status.code, 200);
    assert.equal(ss.json.successfulInvoiceCount, 1);
    assert.equal(ss.json.upo.pages.length, 1);
    const page = ss.json.upo.pages[0];
    const sessUpo = await client.call('GET', `/sessions/${session.ref}/upo/${page.referenceNumber}`);
    assert.equal(sessUpo.status, 200);
    assert.deepEqual(upoXsd.validate(sessUpo.bytes), []);
    assert.ok(sessUpo.text.includes('<CalkowitaLiczbaDokumentow>1</CalkowitaLiczbaDokumentow>'));
    assert.equal(await (await fetch(page.downloadUrl)).text(), sessUpo.text);

    const listed = await client.call('GET', '/sessions?sessionType=Online&statuses=Succeeded');
    assert.deepEqual(listed.json.sessions.map((x: { referenceNumber: string }) => x.referenceNumber), [session.ref]);
    assert.equal(listed.json.sessions[0].successfulInvoiceCount, 1);
    assert.deepEqual((await client.call('GET', '/sessions?sessionType=Online&statuses=InProgress')).json.sessions, []);
    const after = await client.send(session, fa3Invoice({ sellerNip: NIP, number: 'FV/2/2026' }));
    assert.equal(after.status, 400);
    assert.equal(after.json.exception.exceptionDetailList[0].exceptionCode, 21180);

    const c = sim.counters();
    assert.deepEqual(c.sends.map((s) => [s.sellerNip, s.invoiceKind, s.invoiceNumber, s.attempts, s.accepted]), [[NIP, 'VAT', 'FV/1/2026', 1, 1]]);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('duplicate (seller NIP, kind, P_2) gets 440 naming the original', async () => {
  const { sim, client } = await setup();
  try {
    const s1 = await client.openOnline();
    const first = await client.send(s1, fa3Invoice({ sellerNip: NIP, number: 'DUP/1' }));
    const firstSt = await client.call('GET', `/sessions/${s1.ref}/invoices/${first.json.referenceNumber}`);
    const s2 = await client.openOnline();
    // Different bytes (other buyer), same identity: still a duplicate.
    const second = await client.send(s2, fa3Invoice({ sellerNip: NIP, number: 'DUP/1', buyerNip: '2222222222' }));
    const st = await client.call('GET', `/sessions/${s2.ref}/invoices/${second.json.referenceNumber}`);
    assert.equal(st.json.status.code, 440);
    assert.equal(st.json.status.extensions.originalKsefNumber, firstSt.json.ksefNumber);
    assert.equal(st.json.status.extensions.originalSessionReferenceNumber, s1.ref);
    assert.equal(st.json.invoiceNumber, 'DUP/1');
    assert.equal(st.json.ksefNumber, undefined);
    const row = sim.counters().sends.find((r) => r.invoiceNumber === 'DUP/1')!;
    assert.deepEqual([row.attempts, row.accepted, row.duplicates], [2, 1, 1]);
    const failed = await client.call('GET', `/sessions/${s2.ref}/invoices/failed`);
    assert.equal(failed.json.invoices.length, 1);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('XSD, BOM and processing instructions are rejected with 430 and the reasons', async () => {
  const { sim, client } = await setup();
  try {
    const s = await client.openOnline();
    const valid = fa3Invoice({ sellerNip: NIP, number: 'X/1' });
    const cases: [string, Buffer, RegExp][] = [
      ['xsd', Buffer.from(valid.replace('<P_2>X/1</P_2>', '<P_2>X/1</P_2><Bogus>1</Bogus>')), /Bogus/],
      ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]), /BOM/],
      ['pi', Buffer.from(valid.replace('<Faktura', '<?xml-stylesheet href="a.xsl"?>\n<Faktura')), /przetwarzania/],
      ['encoding', Buffer.from(valid.replace('encoding="UTF-8"', 'encoding="windows-1250"')), /kodowanie/],
    ];
    for (const [name, bytes, reason] of cases) {
      const r = await client.send(s, bytes);
      assert.equal(r.status, 202, name);
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      assert.equal(st.json.status.code, 430, name);
      assert.match(st.json.status.details.join('\n'), reason, name);
    }
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});

test('hash and size mismatches give 21403 and 21402, also as problem-details', async () => {
  const { sim, client } = await setup();
  try {
    const s = await client.openOnline();
    const { sendInvoiceBody } = await import('../helpers/sim-client.ts');
    const body = sendInvoiceBody(fa3Invoice({ sellerNip: NIP, number: 'H/1' }), s.key, s.iv);
    const wrongHash = await client.call('POST', `/sessions/online/${s.ref}/invoices`, { json: { ...body, invoiceHash: sha256b64('other') } });
    assert.equal(wrongHash.status, 400);
    assert.equal(wrongHash.json.exception.exceptionDetailList[0].exceptionCode, 21403);
    const pd = new SimTestClient(sim.baseUrl, { problemDetails: true });
    pd.accessToken = client.accessToken;
    const wrongSize = await pd.call('POST', `/sessions/online/${s.ref}/invoices`, { json: { ...body, encryptedInvoiceSize: 5 } });
    assert.equal(wrongSize.status, 400);
    assert.match(wrongSize.headers['content-type']!, /application\/problem\+json/);
    assert.equal(wrongSize.json.errors[0].code, 21402);
    assert.deepEqual([...client.violations, ...pd.violations], []);
  } finally {
    await sim.close();
  }
});

test('FA(2) is accepted in test mode and refused at session open in prod mode', async () => {
  const t = await setup();
  try {
    const s = await t.client.openOnline(FA2_FORM);
    assert.equal(s.res.status, 201);
    const r = await t.client.send(s, fa2Invoice({ sellerNip: NIP, number: 'FA2/1' }));
    const st = await t.client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
    assert.equal(st.json.status.code, 200, JSON.stringify(st.json.status));
  } finally {
    await t.sim.close();
  }
  const p = await setup({ mode: 'prod' });
  try {
    const s = await p.client.openOnline(FA2_FORM);
    assert.equal(s.res.status, 400);
    assert.equal(s.res.json.exception.exceptionDetailList[0].exceptionCode, 21405);
    assert.match(s.res.json.exception.exceptionDetailList[0].details[0], /TEST/);
    assert.deepEqual(p.client.violations, []);
  } finally {
    await p.sim.close();
  }
});

test('prod mode checks NIP checksums (450); test mode does not', async () => {
  const badNip = '1234567890';
  for (const mode of ['test', 'prod'] as const) {
    const sim = await startSimulator({ rateLimits: 'off', mode });
    try {
      const token = sim.registerToken(badNip);
      const client = new SimTestClient(sim.baseUrl);
      await client.login(badNip, token);
      const s = await client.openOnline();
      const r = await client.send(s, fa3Invoice({ sellerNip: badNip, number: 'N/1' }));
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      assert.equal(st.json.status.code, mode === 'prod' ? 450 : 200, mode);
      if (mode === 'prod') assert.match(st.json.status.details[0], /1234567890/);
    } finally {
      await sim.close();
    }
  }
});

test('an undecryptable session key puts the session in 415 and sends get 21180', async () => {
  const { sim, client } = await setup();
  try {
    const cert = await client.certificate('SymmetricKeyEncryption');
    const { rsaEncrypt } = await import('../helpers/sim-client.ts');
    const res = await client.call('POST', '/sessions/online', {
      json: { formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }, encryption: { encryptedSymmetricKey: rsaEncrypt(cert.certificate, Buffer.alloc(7)), initializationVector: Buffer.alloc(16).toString('base64') } },
    });
    assert.equal(res.status, 201);
    const st = await client.call('GET', `/sessions/${res.json.referenceNumber}`);
    assert.equal(st.json.status.code, 415);
    const send = await client.call('POST', `/sessions/online/${res.json.referenceNumber}/invoices`, { json: { invoiceHash: sha256b64('a'), invoiceSize: 1, encryptedInvoiceHash: sha256b64('b'), encryptedInvoiceSize: 16, encryptedInvoiceContent: Buffer.alloc(16).toString('base64') } });
    assert.equal(send.json.exception.exceptionDetailList[0].exceptionCode, 21180);
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
