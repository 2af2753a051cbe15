import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isKsefError, threeMonthWindows } from '../../src/ksef/index.ts';
import type { InvoiceQueryFilters } from '../../src/ksef/index.ts';
import { faSample, makeNip } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const DAY = 86_400_000;

describe('purchase side against the simulator', () => {
  it('exports 2,500 incoming invoices across several packages with HWM continuation', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod', exportMaxInvoices: 1_000, exportPartBytes: 400_000 } });
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 2_500, from: now - 20 * DAY, to: now - 60_000 });
      assert.equal(seeded.length, 2_500);
      const got = new Map<string, Buffer>();
      const meta = new Map<string, string>();
      let from = new Date(now - 30 * DAY).toISOString();
      let packages = 0;
      let multiPart = false;
      for (;;) {
        const filters: InvoiceQueryFilters = { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from, restrictToPermanentStorageHwmDate: true } };
        const handle = await t.client.startExport(filters);
        assert.match(handle.referenceNumber, /-EH-/);
        await t.sim.idle();
        const st = await t.client.waitForExport(handle.referenceNumber);
        assert.ok(st.package);
        if (st.package.parts.length > 1) multiPart = true;
        const contents = await t.client.downloadExportPackage(handle, st.package);
        packages++;
        assert.equal(contents.invoices.length, st.package.invoiceCount);
        assert.equal(contents.metadata.length, st.package.invoiceCount);
        for (const inv of contents.invoices) got.set(inv.ksefNumber, inv.xml);
        for (const m of contents.metadata) {
          meta.set(m.ksefNumber, m.invoiceHash);
          assert.match(m.grossAmount, /^\d+(\.\d{1,2})?$/, 'amounts come as decimal strings');
        }
        if (!contents.isTruncated) {
          assert.ok(contents.permanentStorageHwmDate, 'an untruncated package names the HWM');
          assert.equal(contents.nextFrom, contents.permanentStorageHwmDate);
          break;
        }
        assert.equal(contents.nextFrom, contents.lastPermanentStorageDate);
        from = contents.nextFrom!;
        assert.ok(packages < 10, 'export continuation must progress');
      }
      assert.ok(packages >= 3, `packages: ${packages}`);
      assert.ok(multiPart, 'at least one package came in several encrypted parts');
      assert.equal(got.size, 2_500);
      assert.deepEqual([...got.keys()].sort(), [...seeded].sort());
      for (const [k, xml] of got) assert.equal(sha(xml), meta.get(k));
    } finally {
      await t.close();
    }
  });

  it('queries metadata page by page, restarting the date range when truncated', async () => {
    const t = await startClientSim({ sim: { queryMaxRows: 120 } });
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 300, from: now - 10 * DAY, to: now - 60_000 });
      const first = await t.client.queryMetadata(
        { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: new Date(now - 30 * DAY).toISOString() } },
        { pageSize: 100 },
      );
      assert.equal(first.invoices.length, 100);
      assert.equal(first.hasMore, true);
      const all = await t.client.queryAllMetadata(
        { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: new Date(now - 200 * DAY).toISOString() } },
        { pageSize: 100 },
      );
      assert.equal(all.invoices.length, 300);
      assert.deepEqual(all.invoices.map((i) => i.ksefNumber).sort(), [...seeded].sort());
      // 200 days are three windows of at most 3 months; the truncation forced restarts
      assert.ok(all.pages >= 5, `pages: ${all.pages}`);
    } finally {
      await t.close();
    }
  });

  it('downloads one invoice by KSeF number; 21165 until it is stored', async () => {
    const t = await startClientSim({ sim: { permanentStorageDelayMs: 60_000 } });
    try {
      const seller = makeNip(4242);
      const xml = faSample({ sellerNip: seller, invoiceNumber: 'ZAKUP/1', buyerNip: t.nip });
      const ksefNumber = t.sim.seedIncoming(xml);
      await assert.rejects(t.client.downloadInvoice(ksefNumber), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_NOT_YET_AVAILABLE');
        assert.equal(e.kind, 'transient');
        assert.deepEqual(e.exceptionCodes, [21165]);
        return true;
      });
      t.clock.advance(61_000);
      const inv = await t.client.downloadInvoice(ksefNumber);
      assert.equal(inv.xml.toString('utf8'), xml);
      assert.equal(inv.hash, sha(Buffer.from(xml)));
      await assert.rejects(t.client.downloadInvoice(`${seller}-20260101-0000000000AA-00`), (e: unknown) => isKsefError(e) && ['KSEF_NOT_FOUND', 'KSEF_BAD_REQUEST'].includes(e.code));
    } finally {
      await t.close();
    }
  });

  it('cuts date ranges into windows of at most three months', () => {
    assert.deepEqual(threeMonthWindows('2026-01-01T00:00:00.000Z', '2026-08-15T00:00:00.000Z'), [
      { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      { from: '2026-04-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      { from: '2026-07-01T00:00:00.000Z', to: '2026-08-15T00:00:00.000Z' },
    ]);
  });
});
