// KSeF unreachable for a whole minute while the service runs (issue 4, "an outage of a minute"):
// first 30 s the server is down (connection refused), then 30 s it answers a 503 maintenance page
// with Retry-After. Invoices were in flight when it went down, and a new file arrives during the
// outage. Afterwards every invoice is accepted exactly once and both result files are complete.
// This test takes a real minute on purpose: the agent's timers, backoff and the client's limiter
// run on the real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { statusReport } from '../../src/cli/status.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, REPO, DEMO_NIP } from '../helpers/agent-env.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Result { status: string; summary: { accepted: number; pending?: number }; invoices: { status: string; ksefNumber?: string }[] }

const HALF_MINUTE = 30_000;

async function resultOf(path: string): Promise<Result | undefined> {
  return readJson<Result>(path).catch(() => undefined);
}


test('an outage of a minute (30 s down, 30 s maintenance page) while the service runs: all accepted once, nothing lost', { timeout: 180_000 }, async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'ksef-sim-state-'));
  // processing delay keeps the first invoices in flight when KSeF goes away
  const simOpts = { rateLimits: 'off' as const, processingDelayMs: 1500, stateDir };
  let sim = await startSimulator(simOpts);
  const port = sim.port;
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }, { id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  sim.registerToken(DEMO_NIP, env.token);
  const config = await loadConfig(env.configFile);
  const agent = new Agent(config, { env: env.env });
  const sent: string[] = [];
  agent.bus.on('ksef.sent', (e) => sent.push(e.invoice));
  const csvResult = join(env.outbox, 'results', 'faktury-2026-11.csv.result.json');
  const jsonResult = join(env.outbox, 'results', 'orders-20261121.json.result.json');
  try {
    await agent.open();
    await agent.start();
    await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(env.inbox('optima'), 'faktury-2026-11.csv'));
    await waitFor('the first invoice sent', async () => sent.length > 0, 30_000);

    // KSeF goes down hard: nothing listens on its port
    await sim.close();
    const downAt = Date.now();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders-20261121.json'));
    // the step in flight gives up on the dead server after its retries, then writes the results
    const during = await waitFor('a pending result during the outage', () => resultOf(csvResult), 25_000);
    assert.equal(during.status, 'pending', 'results say pending while KSeF is away');
    assert.ok(during.invoices.every((i) => i.status === 'pending' || i.status === 'accepted'), JSON.stringify(during.invoices.map((i) => i.status)));
    const down = await statusReport(config);
    assert.ok(down.some((l) => /^KSeF: NOT reachable .*ECONNREFUSED/.test(l)), down.join('\n'));
    await sleep(Math.max(0, HALF_MINUTE - (Date.now() - downAt)));

    // back on the same address with the same state, but answering a maintenance page for 30 s
    sim = await startSimulator({ ...simOpts, port });
    sim.setFaults({ outageMs: HALF_MINUTE });
    await sleep(2000);
    const maintenance = await statusReport(config);
    assert.ok(maintenance.some((l) => /^KSeF: answering with errors .*HTTP 503/.test(l)), maintenance.join('\n'));
    const stillPending = await resultOf(csvResult);
    assert.equal(stillPending?.status, 'pending');
    assert.ok(Date.now() - downAt < 60_000 + 5_000, 'still inside the minute');

    const complete = (path: string) => async () => {
      const r = await resultOf(path);
      return r?.status === 'complete' ? r : undefined;
    };
    const csv = await waitFor('the CSV result complete', complete(csvResult), 90_000);
    const json = await waitFor('the JSON result complete', complete(jsonResult), 30_000);
    assert.ok(Date.now() - downAt >= 60_000, 'nothing was accepted before KSeF came back');
    assert.equal(csv.summary.accepted, 4);
    assert.equal(json.summary.accepted, json.invoices.length);
    assert.ok(json.invoices.length >= 1);
    for (const i of [...csv.invoices, ...json.invoices]) assert.match(i.ksefNumber ?? '', /^9999999999-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/);

    const c = sim.counters();
    assert.equal(c.sends.length, 4 + json.invoices.length, 'every invoice reached KSeF');
    for (const row of c.sends) {
      assert.equal(row.accepted, 1, `${row.invoiceNumber} accepted once`);
      assert.equal(row.attempts, 1, `${row.invoiceNumber} sent once`);
    }
  } finally {
    await agent.stop();
    await sim.close().catch(() => undefined);
    await env.cleanup();
    await rm(stateDir, { recursive: true, force: true });
  }
});
