import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PurchaseScheduler } from '../../src/jobs/purchases/index.ts';
import type { PurchaseCompany, PurchaseSyncResult } from '../../src/jobs/purchases/index.ts';
import { savePurchaseState, emptyPurchaseState } from '../../src/jobs/purchases/purchase-state.ts';
import { createFakeClock } from '../helpers/client-clock.ts';
import { purchaseDirs } from './purchase-bed.ts';

const MIN = 60_000;

function result(companyId: string, deferredUntil?: string): PurchaseSyncResult {
  return { companyId, startedAt: '', finishedAt: '', ok: true, downloaded: 0, duplicates: 0, roles: [], calls: { exports: 0, metadataQueries: 0, downloads: 0, packages: 0 }, errors: [], ...(deferredUntil ? { deferredUntil } : {}) };
}

describe('PurchaseScheduler', () => {
  it('never runs a company more often than every 15 minutes, even when configured lower', async () => {
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs('7740001454');
    try {
      const runs: number[] = [];
      const s = new PurchaseScheduler({ companies: [d.company], intervalMinutes: 5, clock, run: async (c) => (runs.push(clock.now()), result(c.id)) });
      assert.equal(s.interval, 15 * MIN);
      for (let i = 0; i < 40; i++) {
        await s.runDue();
        clock.advance(MIN);
      }
      assert.deepEqual(runs.map((t) => (t - runs[0]!) / MIN), [0, 15, 30]);
    } finally {
      await d.cleanup();
    }
  });

  it('after a restart continues from the persisted last run and honours a deferral', async () => {
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const a = await purchaseDirs('7740001454');
    const b = await purchaseDirs('5265877635');
    const companyB: PurchaseCompany = { ...b.company, id: 'beta' };
    try {
      const sa = emptyPurchaseState('acme', '7740001454');
      sa.lastSyncAt = new Date(clock.now() - 10 * MIN).toISOString();
      await savePurchaseState(a.company.folders.work, sa);
      const runs: string[] = [];
      const s = new PurchaseScheduler({
        companies: [a.company, companyB],
        intervalMinutes: 15,
        clock,
        run: async (c) => {
          runs.push(`${c.id}@${(clock.now() - Date.parse('2026-03-10T12:00:00Z')) / MIN}`);
          // beta hits a limit: come back in 50 minutes
          return result(c.id, c.id === 'beta' ? new Date(clock.now() + 50 * MIN).toISOString() : undefined);
        },
      });
      assert.equal(await s.nextDueAt('acme'), clock.now() + 5 * MIN);
      for (let i = 0; i <= 60; i++) {
        await s.runDue();
        clock.advance(MIN);
      }
      assert.deepEqual(runs, ['beta@0', 'acme@5', 'acme@20', 'acme@35', 'acme@50', 'beta@50']);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('start/stop: the loop runs due work on the injected clock and stops promptly', async () => {
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs('7740001454');
    try {
      let runs = 0;
      let stopRequested: Promise<void> | undefined;
      const s = new PurchaseScheduler({
        companies: [d.company],
        intervalMinutes: 15,
        clock,
        tickMs: 60_000,
        run: async (c) => {
          runs++;
          if (runs === 3) stopRequested = s.stop();
          return result(c.id);
        },
      });
      const start = clock.now();
      s.start();
      while (!stopRequested) await new Promise((r) => setImmediate(r));
      await stopRequested;
      assert.equal(runs, 3);
      assert.equal((clock.now() - start) / MIN, 30);
    } finally {
      await d.cleanup();
    }
  });
});
