import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { BatchFile } from '../../src/ksef/index.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

describe('batch session against the simulator', () => {
  it('sends 1,000 invoices in one batch of several parts and matches every result', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    try {
      const files: BatchFile[] = [];
      for (let i = 1; i <= 1000; i++) {
        let xml = faSample({ sellerNip: t.nip, invoiceNumber: `FV/B/${i}` });
        if (i === 500) xml = xml.replace(/<P_1>[^<]*<\/P_1>/, '<P_1>not-a-date</P_1>');
        files.push({ fileName: `inv-${String(i).padStart(4, '0')}.xml`, content: xml });
      }
      const sub = await t.client.submitBatch(files, 'FA(3)', { maxPartBytes: 200_000 });
      assert.ok(sub.partCount >= 2, `parts: ${sub.partCount}`);
      assert.equal(sub.files.length, 1000);
      assert.equal(sub.files[0]!.invoiceHash, sha(String(files[0]!.content)));
      // the simulator processes in real time while the test clock is fake: let it finish first
      await t.sim.idle();
      // collecting works from the stored submission alone (as after a restart)
      const later = t.newClient();
      const res = await later.collectBatch({ sessionReferenceNumber: sub.sessionReferenceNumber, files: sub.files });
      assert.equal(res.session.status.code, 200, JSON.stringify(res.session.status));
      assert.equal(res.invoices.length, 1000);
      const accepted = res.invoices.filter((r) => r.state === 'accepted');
      assert.equal(accepted.length, 999);
      const bad = res.invoices.find((r) => r.fileName === 'inv-0500.xml');
      assert.equal(bad?.state, 'rejected');
      assert.equal(bad?.ksef?.status.code, 430);
      for (const r of accepted) {
        assert.equal(r.ksef?.invoiceFileName, r.fileName);
        assert.equal(r.ksef?.invoiceHash, r.invoiceHash);
        assert.match(r.ksef?.ksefNumber ?? '', new RegExp(`^${t.nip}-`));
      }
      assert.equal(new Set(accepted.map((r) => r.ksef?.ksefNumber)).size, 999);
      // the listing follows continuation tokens
      const paged = await later.listSessionInvoices(sub.sessionReferenceNumber, { pageSize: 100 });
      assert.equal(paged.length, 1000);
      assert.equal(new Set(paged.map((p) => p.referenceNumber)).size, 1000);
      const failed = await later.listSessionInvoices(sub.sessionReferenceNumber, { failedOnly: true });
      assert.deepEqual(failed.map((f) => f.invoiceFileName), ['inv-0500.xml']);
      const c = t.sim.counters();
      assert.equal(c.totals.accepted, 999);
      assert.equal(c.totals.attempts, 1000);
      // the session UPO lists the accepted invoices
      const upo = await later.getSessionUpo(sub.sessionReferenceNumber);
      assert.ok(upo.length >= 1);
      assert.ok(upo[0]!.xml.toString('utf8').includes(accepted[0]!.ksef!.ksefNumber!));
    } finally {
      await t.close();
    }
  });

  it('refuses a batch that cannot fit in 50 parts before opening anything', async () => {
    const t = await startClientSim();
    try {
      const files: BatchFile[] = Array.from({ length: 60 }, (_, i) => ({ fileName: `f${i}.xml`, content: faSample({ sellerNip: t.nip, invoiceNumber: `FV/BIG/${i}` }) }));
      await assert.rejects(t.client.submitBatch(files, 'FA(3)', { maxPartBytes: 1_000 }), { code: 'KSEF_BATCH_TOO_LARGE' });
      assert.equal(t.sim.counters().sessions.batch, 0);
      await assert.rejects(t.client.submitBatch([{ fileName: 'a.xml', content: 'x' }, { fileName: 'a.xml', content: 'y' }], 'FA(3)'), { code: 'KSEF_BAD_REQUEST' });
    } finally {
      await t.close();
    }
  });
});
