import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKsefClient, invoiceError, invoiceState, isKsefError } from '../../src/ksef/index.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

describe('invoice outcomes against the simulator', () => {
  it('duplicate (seller NIP, kind, P_2) → 440 naming the original KSeF number', async () => {
    const t = await startClientSim();
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const first = await s.send(faSample({ sellerNip: t.nip, invoiceNumber: 'FV/DUP/1' }));
      assert.equal(first.kind, 'submitted');
      if (first.kind !== 'submitted') return;
      const ok = await s.waitForInvoice(first.invoiceReferenceNumber);
      assert.equal(ok.status.code, 200);
      // a different file (other date) with the same number is still a duplicate
      const second = await s.send(faSample({ sellerNip: t.nip, invoiceNumber: 'FV/DUP/1', issueDate: '2026-02-16' }));
      assert.equal(second.kind, 'submitted');
      if (second.kind !== 'submitted') return;
      const dup = await s.waitForInvoice(second.invoiceReferenceNumber);
      assert.equal(dup.status.code, 440);
      assert.equal(invoiceState(dup.status.code), 'duplicate');
      assert.equal(dup.status.extensions?.originalKsefNumber, ok.ksefNumber);
      assert.equal(dup.status.extensions?.originalSessionReferenceNumber, s.referenceNumber);
      const err = invoiceError(dup);
      assert.equal(err?.code, 'KSEF_DUPLICATE');
      assert.ok(err?.message.includes(ok.ksefNumber!));
      const row = t.sim.counters().sends.find((r) => r.invoiceNumber === 'FV/DUP/1');
      assert.deepEqual([row?.attempts, row?.accepted, row?.duplicates], [2, 1, 1]);
    } finally {
      await t.close();
    }
  });

  it('XSD violation → 430 with the validator messages', async () => {
    const t = await startClientSim();
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const bad = faSample({ sellerNip: t.nip, invoiceNumber: 'FV/BAD/1' }).replace(/<P_1>[^<]*<\/P_1>/, '<P_1>15.02.2026</P_1>');
      const out = await s.send(bad);
      assert.equal(out.kind, 'submitted');
      if (out.kind !== 'submitted') return;
      const inv = await s.waitForInvoice(out.invoiceReferenceNumber);
      assert.equal(inv.status.code, 430);
      const err = invoiceError(inv);
      assert.equal(err?.code, 'KSEF_INVOICE_INVALID');
      assert.ok((err?.details ?? []).some((d) => /P_1/.test(d)), JSON.stringify(err?.details));
    } finally {
      await t.close();
    }
  });

  it('FA(2) is accepted by a TEST-mode simulator', async () => {
    const t = await startClientSim();
    try {
      const s = await t.client.openOnlineSession('FA(2)');
      const out = await s.send(faSample({ schema: 'FA(2)', sellerNip: t.nip, invoiceNumber: 'FV2/1' }));
      assert.equal(out.kind, 'submitted');
      if (out.kind !== 'submitted') return;
      const inv = await s.waitForInvoice(out.invoiceReferenceNumber);
      assert.equal(inv.status.code, 200, JSON.stringify(inv.status));
    } finally {
      await t.close();
    }
  });

  it('FA(2) is refused by a simulator in prod mode', async () => {
    const t = await startClientSim({ sim: { mode: 'prod' } });
    try {
      await assert.rejects(t.client.openOnlineSession('FA(2)'), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_BAD_REQUEST');
        assert.equal(e.httpStatus, 400);
        assert.deepEqual(e.exceptionCodes, [21405]);
        return true;
      });
      assert.equal(t.sim.counters().sessions.online, 0);
    } finally {
      await t.close();
    }
  });

  it('FA(2) toward DEMO or PROD is refused before any request', async () => {
    for (const environment of ['demo', 'prod'] as const) {
      const c = createKsefClient({ environment, nip: '5265877635', token: async () => 'never-used' });
      assert.equal(c.baseUrl, environment === 'prod' ? 'https://api.ksef.mf.gov.pl/v2' : 'https://api-demo.ksef.mf.gov.pl/v2');
      await assert.rejects(c.openOnlineSession('FA(2)'), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_SCHEMA_NOT_ALLOWED');
        assert.match(e.message, /TEST/);
        return true;
      });
      await assert.rejects(c.submitBatch([{ fileName: 'a.xml', content: '<x/>' }], 'FA(2)'), { code: 'KSEF_SCHEMA_NOT_ALLOWED' });
      await c.close();
    }
  });
});
