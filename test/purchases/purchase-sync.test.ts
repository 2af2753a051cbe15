import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { runPurchaseSync, purchaseStatus, formatPurchaseStatus, loadPurchaseState, warsawMonth } from '../../src/jobs/purchases/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { policy, purchaseDirs, purchaseRequests, readPurchases } from './purchase-bed.ts';

const DAY = 86_400_000;
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('base64');

describe('purchase sync against the simulator', () => {
  it('back-fills 2,500 invoices over five months: each exactly once, byte-exact, in its month; a run right after asks nothing', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod', exportMaxInvoices: 1_000 } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 2_500, from: now - 150 * DAY, to: now - 60_000 });
      const backfillFrom = new Date(now - 160 * DAY).toISOString().slice(0, 10);
      const r = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy({ backfillFrom }) });
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      assert.equal(r.downloaded, 2_500);
      assert.equal(r.roles[0]!.caughtUp, true);
      // 160 days = two 3-month chunks; 2,500 invoices at 1,000 per package force truncation too
      assert.ok(r.calls.exports >= 3, `exports: ${r.calls.exports}`);
      const files = await readPurchases(d.company.folders.outbox);
      assert.equal(files.length, 2_500);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...seeded].sort());
      const months = new Set(files.map((f) => f.month));
      assert.ok(months.size >= 5, `months: ${[...months].join(',')}`);
      for (const f of files) {
        assert.ok(f.record, `marker of ${f.ksefNumber}`);
        assert.equal(f.record.sha256, sha(f.xml));
        assert.equal(f.record.metadata?.invoiceHash, sha(f.xml), 'byte-exact as KSeF holds it');
        assert.equal(f.month, warsawMonth(f.record.metadata!.acquisitionDate));
        assert.equal(f.record.file, `purchases/${f.month}/${f.ksefNumber}.xml`);
      }
      const state = await loadPurchaseState(d.company.folders.work, 'acme', t.nip);
      const cursor1 = state.roles.Subject2!.main.cursor;
      assert.equal(state.roles.Subject2!.inFlight, undefined);
      assert.ok(Date.parse(cursor1) > now - 60_000, 'cursor reached the HWM');

      // right after: nothing new is asked of KSeF, the cursor stays
      const before = purchaseRequests(t.sim.counters().requests);
      const again = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy({ backfillFrom }), force: true });
      assert.equal(again.ok, true);
      assert.equal(again.downloaded, 0);
      assert.deepEqual(again.calls, { exports: 0, metadataQueries: 0, downloads: 0, packages: 0 });
      assert.deepEqual(purchaseRequests(t.sim.counters().requests), before);
      const cursor2 = (await loadPurchaseState(d.company.folders.work, 'acme', t.nip)).roles.Subject2!.main.cursor;
      assert.equal(cursor2, cursor1);

      // without force, a run within 15 minutes is skipped outright
      const soon = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy() });
      assert.equal(soon.skipped, 'too-soon');

      // 20 minutes later, 30 new invoices: only they arrive, the cursor moves forward
      t.clock.advance(20 * 60_000);
      const fresh = t.sim.generateIncoming({ buyerNip: t.nip, count: 30, from: t.clock.now() - 10 * 60_000, to: t.clock.now() - 1_000 });
      t.clock.advance(6 * 60_000);
      const next = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy() });
      assert.equal(next.ok, true, JSON.stringify(next.errors));
      assert.equal(next.downloaded, 30);
      assert.equal(next.calls.exports, 1);
      const all = await readPurchases(d.company.folders.outbox);
      assert.equal(all.length, 2_530);
      for (const k of fresh) assert.ok(all.some((f) => f.ksefNumber === k));
      const cursor3 = (await loadPurchaseState(d.company.folders.work, 'acme', t.nip)).roles.Subject2!.main.cursor;
      assert.ok(Date.parse(cursor3) > Date.parse(cursor2));

      const st = await purchaseStatus(d.company, { enabled: true });
      assert.equal(st.downloaded, 2_530);
      assert.equal(st.roles[0]!.cursor, cursor3);
      assert.equal(st.lastError, undefined);
      const text = formatPurchaseStatus(st).join('\n');
      assert.match(text, /purchases acme: last sync .*2530 invoices downloaded/);
      assert.match(text, new RegExp(`Subject2: cursor ${cursor3.replace(/[.]/g, '\\.')}`));
      const stateText = await readFile(d.company.folders.work + '/purchases-state.json', 'utf8');
      assert.ok(!stateText.includes(t.token), 'the KSeF token is never in the state');
    } finally {
      await t.close();
      await d.cleanup();
    }
  });
});
