import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('base64');

describe('online session against the simulator', () => {
  it('authenticates, sends FA(3), gets the KSeF number and both UPOs', async () => {
    const t = await startClientSim();
    try {
      const session = await t.client.openOnlineSession('FA(3)');
      assert.match(session.referenceNumber, /^\d{8}-SO-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/);
      const xml = faSample({ sellerNip: t.nip, invoiceNumber: 'FV/ONLINE/1' });
      const out = await session.send(xml);
      assert.equal(out.kind, 'submitted');
      assert.equal(out.invoiceHash, sha(xml));
      assert.equal(out.invoiceSize, Buffer.byteLength(xml));
      if (out.kind !== 'submitted') return;
      const inv = await session.waitForInvoice(out.invoiceReferenceNumber);
      assert.equal(inv.status.code, 200, JSON.stringify(inv.status));
      assert.match(inv.ksefNumber ?? '', new RegExp(`^${t.nip}-\\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$`));
      assert.equal(inv.invoiceHash, sha(xml));
      assert.equal(inv.invoiceNumber, 'FV/ONLINE/1');

      const upo = await session.invoiceUpo(inv);
      const upoText = upo.xml.toString('utf8');
      assert.match(upoText, /Potwierdzenie/);
      assert.ok(upoText.includes(inv.ksefNumber!), 'the UPO names the KSeF number');
      // the same UPO through the API instead of the pre-signed URL
      const viaApi = await t.client.getInvoiceUpo(session.referenceNumber, { invoiceReferenceNumber: inv.referenceNumber });
      assert.ok(viaApi.xml.toString('utf8').includes(inv.ksefNumber!));

      await session.close();
      const pages = await session.sessionUpo();
      assert.ok(pages.length >= 1);
      assert.ok(pages[0]!.xml.toString('utf8').includes(inv.ksefNumber!));
      assert.equal(t.client.authStats().authentications, 1);
      assert.equal(t.sim.counters().sends.length >= 1, true);
    } finally {
      await t.close();
    }
  });

  it('reuses the open session within its lifetime and opens a new one after close', async () => {
    const t = await startClientSim();
    try {
      const a = await t.client.onlineSession('FA(3)');
      const b = await t.client.onlineSession('FA(3)');
      assert.equal(a, b);
      await a.close();
      const c = await t.client.onlineSession('FA(3)');
      assert.notEqual(c.referenceNumber, a.referenceNumber);
    } finally {
      await t.close();
    }
  });

  it('a session KSeF has ended refuses sends (21180); the next onlineSession() opens a fresh one', async () => {
    const t = await startClientSim();
    try {
      const a = await t.client.onlineSession('FA(3)');
      t.sim.expireSessions(a.referenceNumber);
      const xml = faSample({ sellerNip: t.nip, invoiceNumber: 'FV/EXP/1' });
      await assert.rejects(a.send(xml), (e: unknown) => {
        assert.ok(e instanceof Error && 'code' in e);
        assert.equal((e as { code: string }).code, 'KSEF_SESSION_CLOSED');
        return true;
      });
      assert.equal(a.isUsable(), false);
      const b = await t.client.onlineSession('FA(3)');
      assert.notEqual(b.referenceNumber, a.referenceNumber);
      const out = await b.send(xml);
      assert.equal(out.kind, 'submitted');
      const row = t.sim.counters().sends.find((r) => r.invoiceNumber === 'FV/EXP/1');
      assert.equal(row?.attempts, 1);
    } finally {
      await t.close();
    }
  });
});
