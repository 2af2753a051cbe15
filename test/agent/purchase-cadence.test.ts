// Issue 9 item 17: a 15-minute purchase interval means a download every 15 minutes, not 30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PurchaseScheduler, runPurchaseSync } from '../../src/jobs/purchases/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { policy, purchaseDirs } from '../purchases/purchase-bed.ts';

const MIN = 60_000;

test('scheduler + the real job on an injected clock: interval 15 → a download every 15 minutes, each logged once with its count', async () => {
  const t = await startClientSim({ sim: { rateLimits: 'off' } });
  const d = await purchaseDirs(t.nip);
  try {
    const start = t.clock.now();
    const lines: { msg: string; meta: Record<string, unknown> }[] = [];
    const logger = { info: (msg: string, meta: Record<string, unknown> = {}) => lines.push({ msg, meta }), warn: () => undefined, debug: () => undefined, error: () => undefined };
    const p = policy({ intervalMinutes: 15 });
    const runs: number[] = [];
    const s = new PurchaseScheduler({
      companies: [d.company], intervalMinutes: 15, clock: t.clock,
      run: async (co) => {
        // each sync takes a little time, as a real one does: every look at the clock costs 10 ms
        const clock = { now: () => (t.clock.advance(10), t.clock.now()), sleep: (ms: number) => t.clock.sleep(ms) };
        const r = await runPurchaseSync(co, { client: t.client, clock, policy: p, logger: logger as never });
        if (!r.skipped) runs.push(Math.round((Date.parse(r.startedAt) - start) / MIN));
        return r;
      },
    });
    t.sim.generateIncoming({ buyerNip: t.nip, count: 3, from: start - 20 * MIN, to: start - MIN });
    // as the scheduler's own loop does: sleep until the next due time, run what is due
    while (t.clock.now() < start + 61 * MIN) {
      await s.runDue();
      t.clock.advance(Math.max(1_000, (await s.nextDueAt(d.company.id))! - t.clock.now()));
    }
    assert.deepEqual(runs, [0, 15, 30, 45, 60]);
    const synced = lines.filter((l) => l.msg === 'purchases.synced');
    assert.equal(synced.length, 5, 'one line per run');
    assert.equal(synced[0]!.meta['downloaded'], 3);
  } finally {
    await d.cleanup();
    await t.close();
  }
});
