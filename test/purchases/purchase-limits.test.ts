import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runPurchaseSync, purchaseStatus, loadPurchaseState } from '../../src/jobs/purchases/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { policy, purchaseDirs, readPurchases } from './purchase-bed.ts';

const DAY = 86_400_000;

describe('purchase sync: truncated packages and rate limits', () => {
  it('small packages (truncated 10 times): every invoice exactly once, the cursor only moves forward', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod', exportMaxInvoices: 250, exportPartBytes: 200_000 } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 2_500, from: now - 70 * DAY, to: now - 60_000 });
      const cursors: string[] = [];
      const logger = { info: (m: string) => { if (m === 'purchases.stored') void loadPurchaseState(d.company.folders.work, 'acme', t.nip).then((s) => cursors.push(s.roles.Subject2?.main.cursor ?? '')); } };
      const r = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy({ backfillFrom: new Date(now - 75 * DAY).toISOString().slice(0, 10) }), maxExportsPerRun: 20, logger });
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      // 2,500 invoices in packages of 250 that repeat their boundary invoice: 11 packages
      assert.equal(r.calls.exports, 11);
      assert.equal(r.downloaded, 2_500);
      // packages overlap at their boundary moment: KSeF repeats those, we skip them
      assert.equal(r.duplicates, 10);
      const files = await readPurchases(d.company.folders.outbox);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...seeded].sort());
      for (let i = 1; i < cursors.length; i++) assert.ok(cursors[i]! >= cursors[i - 1]!, `cursor moved back: ${cursors[i - 1]} → ${cursors[i]}`);
    } finally {
      await t.close();
      await d.cleanup();
    }
  });

  it('a 429 in the middle (quota spent by another program): stops, keeps its place, finishes after Retry-After with nothing lost or repeated', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod', exportMaxInvoices: 200 } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 2_500, from: now - 60 * DAY, to: now - 60_000 });
      // another program on the same NIP and IP spends 15 of the 20 exports of this hour
      const other = t.newClient();
      for (let i = 0; i < 15; i++) {
        await other.startExport({ subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: new Date(now - DAY).toISOString() } });
      }
      const deps = { client: t.client, clock: t.clock, policy: policy({ backfillFrom: new Date(now - 61 * DAY).toISOString().slice(0, 10) }), maxExportsPerRun: 20 };
      const first = await runPurchaseSync(d.company, deps);
      assert.equal(first.ok, false);
      assert.equal(first.errors[0]!.code, 'KSEF_RATE_LIMITED');
      assert.ok(first.deferredUntil, 'the run says when to come back');
      // the minute window is full after the other program's 15: KSeF refuses (429) and counts the
      // refused tries against the hour as well, so 3 packages fit before the hour's 20 are spent
      assert.equal(first.downloaded, 3 * 200 - 2, `downloaded ${first.downloaded}`);
      const st = await purchaseStatus(d.company);
      assert.equal(st.lastError?.code, 'KSEF_RATE_LIMITED');
      assert.equal(st.deferredUntil, first.deferredUntil);

      // a run before Retry-After has passed asks KSeF nothing
      t.clock.advance(16 * 60_000);
      const early = await runPurchaseSync(d.company, deps);
      assert.equal(early.skipped, 'deferred');

      t.clock.advance(Date.parse(first.deferredUntil) - t.clock.now() + 1_000);
      const second = await runPurchaseSync(d.company, deps);
      assert.equal(second.ok, true, JSON.stringify(second.errors));
      assert.equal(first.downloaded + second.downloaded, 2_500);
      const files = await readPurchases(d.company.folders.outbox);
      assert.equal(files.length, 2_500);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...seeded].sort());
      const after = await purchaseStatus(d.company);
      assert.equal(after.lastError, undefined, 'a later success clears the visible error');
      assert.equal(after.deferredUntil, undefined);
    } finally {
      await t.close();
      await d.cleanup();
    }
  });

  it('the ERP takes files away as soon as they appear: repeats at package boundaries still appear only once', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod', exportMaxInvoices: 100 } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const seeded = t.sim.generateIncoming({ buyerNip: t.nip, count: 600, from: now - 20 * DAY, to: now - 60_000 });
      const taken: string[] = [];
      const afterInvoice = (k: string): void => {
        // the ERP imports and removes the invoice (its .json is the signal that it is complete)
        const month = readdirSync(join(d.company.folders.outbox, 'purchases')).find((m) => existsSync(join(d.company.folders.outbox, 'purchases', m, `${k}.json`)))!;
        rmSync(join(d.company.folders.outbox, 'purchases', month, `${k}.json`));
        rmSync(join(d.company.folders.outbox, 'purchases', month, `${k}.xml`));
        taken.push(k);
      };
      const r = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: policy({ backfillFrom: new Date(now - 21 * DAY).toISOString().slice(0, 10) }), maxExportsPerRun: 20, afterInvoice });
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      assert.ok(r.calls.exports >= 7, `exports ${r.calls.exports}`);
      assert.ok(r.duplicates >= 6, `boundary repeats ${r.duplicates}`);
      assert.equal(taken.length, 600, 'nothing handed to the ERP twice');
      assert.deepEqual([...taken].sort(), [...seeded].sort());
      assert.equal((await readPurchases(d.company.folders.outbox)).length, 0);
    } finally {
      await t.close();
      await d.cleanup();
    }
  });
});

