// Invoices sent (or about to be: intent recorded) that KSeF does not settle must not stay "ok"
// forever: past health.unsettledAfterMinutes (60 by default) the verdict is degraded with
// INVOICES_UNSETTLED naming the company, how many wait, the oldest's number and since when.
// Injected clocks throughout: the store's (its timestamps) and the one health judges by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';
import { companyFacts } from '../../src/agent/health-facts.ts';
import { assessHealth } from '../../src/agent/assess-health.ts';
import { Agent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { statusData, statusExitCode } from '../../src/cli/status.ts';
import type { AgentConfig } from '../../src/config/agent-config.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';

const MIN = 60_000;
const invoice = (n: string) => ({ number: n, kind: 'VAT', sellerNip: '9999999999', hash: n.padEnd(64, '0') });

test('the oldest in-flight invoice (sent or intent-recorded) is judged against health.unsettledAfterMinutes', async () => {
  await withTempDir('unsettled-', async (dir) => {
    let t = Date.parse('2026-11-25T10:00:00.000Z');
    const store = new LowdbStateStore({ dir: join(dir, 'state'), now: () => t });
    await store.open();
    try {
      const f = await store.recordClaim({ companyId: 'acme', inboxId: 'main', sourceName: 'a.csv', path: '/w/a.csv', size: 1, sha256: 'a'.padEnd(64, '0'), claimedAt: new Date(t).toISOString() });
      const [a, b, c] = await store.planInvoices(f.id, [invoice('FV/1/2026'), invoice('FV/2/2026'), invoice('FV/3/2026')]);
      await store.transition(a!.id, 'intent-recorded'); // 10:00
      t += 5 * MIN;
      await store.transition(a!.id, 'sent'); // 10:05: the oldest, since it was sent
      t += 5 * MIN;
      await store.transition(b!.id, 'intent-recorded'); // 10:10, intent only
      void c; // planned: not in flight
      const config = { companies: [{ id: 'acme' }, { id: 'other' }], health: { unsettledAfterMinutes: 60 } } as unknown as AgentConfig;

      const at = (iso: string) => companyFacts(config, store, [], new Map(), Date.parse(iso));
      assert.deepEqual(at('2026-11-25T11:05:00.000Z')[0]!.oldestInFlight, { number: 'FV/1/2026', since: '2026-11-25T10:05:00.000Z', ageMs: 60 * MIN });
      assert.equal(at('2026-11-25T11:05:00.000Z')[1]!.oldestInFlight, undefined);
      const verdict = (iso: string) => assessHealth({ companies: at(iso), folders: [], disks: [], unsettledAfterMs: 60 * MIN });
      // exactly 60 minutes: not yet
      assert.deepEqual(verdict('2026-11-25T11:05:00.000Z'), { status: 'ok', reasons: [] });
      assert.deepEqual(verdict('2026-11-25T16:05:00.000Z'), {
        status: 'degraded',
        reasons: [{
          level: 'degraded',
          code: 'INVOICES_UNSETTLED',
          companyId: 'acme',
          message: 'company acme: 2 invoice(s) sent to KSeF and not settled; the oldest, FV/1/2026, since 2026-11-25T10:05:00.000Z (360 min, health.unsettledAfterMinutes is 60): KSeF normally settles in seconds to minutes. A running agent keeps asking KSeF; check that an agent runs, that KSeF works (ksef-hotfolder status, KSeF announcements) and the log for that invoice\'s session. Do not send these invoices again by hand: KSeF may still accept them',
        }],
      });
      // an intent-recorded invoice counts from its intent
      await store.transition(a!.id, 'accepted', { ksefNumber: '9999999999-20261125-0000000000AA-01' });
      assert.deepEqual(at('2026-11-25T12:00:00.000Z')[0]!.oldestInFlight, { number: 'FV/2/2026', since: '2026-11-25T10:10:00.000Z', ageMs: 110 * MIN });
    } finally {
      await store.close();
    }
  });
});

test('an agent whose invoices KSeF never settles reports degraded after an hour (agent clock), and status says so too (exit 1)', async () => {
  let t = Date.now(); // the store stamps real time; the agent and status judge by t
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simulator: { processingDelayMs: 600_000 } });
  const config = await loadConfig(env.configFile);
  const agent = new Agent(config, { env: env.env, command: 'run', now: () => t });
  try {
    await agent.open();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    await agent.start();
    for (let i = 0; i < 200 && agent.store.inFlight().filter((x) => x.state === 'sent').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const inFlight = agent.store.inFlight();
    assert.ok(inFlight.length > 0);
    const h0 = await agent.health();
    assert.equal(h0.status, 'ok');
    t += 6 * 60 * MIN;
    const h = await agent.health();
    assert.equal(h.status, 'degraded');
    assert.deepEqual(h.reasons.map((r) => [r.code, r.companyId]), [['INVOICES_UNSETTLED', h.companies[0]!.id]]);
    assert.match(h.reasons[0]!.message, new RegExp(`^company ${h.companies[0]!.id}: ${h.companies[0]!.inFlight} invoice\\(s\\) sent to KSeF and not settled; the oldest, `));
    await agent.stop();
    const s = await statusData(config, env.env, t);
    assert.deepEqual(s.reasons.map((r) => r.code), ['INVOICES_UNSETTLED']);
    assert.equal(statusExitCode(s), 1);
  } finally {
    await agent.stop();
    await env.cleanup();
  }
});
