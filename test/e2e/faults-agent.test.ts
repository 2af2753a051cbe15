// KSeF faults against the whole agent: 5xx bursts, dropped connections, firewall HTML pages, an
// outage, an expired online session, PROD rate limits. Every invoice ends accepted exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { FaultOptions, RunningSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';

/** deterministic fault dice */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function withAgent(sim: RunningSimulator, send: Record<string, unknown>, body: (env: AgentEnv, agent: Agent) => Promise<void>): Promise<void> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }, { id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl, send });
  sim.registerToken('9999999999', env.token);
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  try {
    await agent.open();
    await body(env, agent);
  } finally {
    await agent.close();
    await env.cleanup();
  }
}

function assertExactlyOnce(sim: RunningSimulator, n: number): void {
  const c = sim.counters();
  assert.equal(c.sends.length, n, 'every invoice reached KSeF');
  for (const row of c.sends) assert.equal(row.accepted, 1, `${row.invoiceNumber} accepted once (attempts ${row.attempts}, duplicates ${row.duplicates})`);
}

async function assertAllAccepted(env: AgentEnv, source: string, n: number): Promise<void> {
  const r = await readJson<{ status: string; summary: { accepted: number } }>(join(env.outbox, 'results', `${source}.result.json`));
  assert.equal(r.status, 'complete');
  assert.equal(r.summary.accepted, n);
}

const FAULTS: readonly { name: string; faults: Partial<FaultOptions> & { outageMs?: number }; send: Record<string, unknown> }[] = [
  { name: '5xx bursts (online)', faults: { error5xxRate: 0.35 }, send: { mode: 'online' } },
  { name: '5xx bursts (batch)', faults: { error5xxRate: 0.3 }, send: { mode: 'batch' } },
  { name: 'dropped connections (online)', faults: { dropRate: 0.25 }, send: { mode: 'online' } },
  { name: 'firewall HTML page', faults: { firewallHtmlRate: 0.3 }, send: { mode: 'online' } },
  { name: 'outage', faults: { outageMs: 2500 }, send: { mode: 'online' } },
];

for (const f of FAULTS) {
  test(`KSeF fault: ${f.name} — all accepted, none lost, none twice`, async () => {
    const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0, random: seeded(7) });
    try {
      await withAgent(sim, f.send, async (env, agent) => {
        sim.setFaults(f.faults);
        await agent.runOnce();
        assertExactlyOnce(sim, 4);
        await assertAllAccepted(env, 'faktury-2026-11.csv', 4);
      });
    } finally {
      await sim.close();
    }
  });
}

test('an expired online session is replaced; the next file goes through a new session', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    await withAgent(sim, { mode: 'online' }, async (env, agent) => {
      await agent.runOnce();
      assert.equal(sim.expireSessions().length, 1);
      await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders-20261121.json'));
      await agent.runOnce();
      assertExactlyOnce(sim, 7);
      assert.equal(sim.counters().sessions.online, 2);
      await assertAllAccepted(env, 'orders-20261121.json', 3);
    });
  } finally {
    await sim.close();
  }
});

test('simulator enforcing the PROD rate limits: all accepted once', async () => {
  const sim = await startSimulator({ rateLimits: 'prod', processingDelayMs: 0 });
  try {
    await withAgent(sim, { mode: 'online' }, async (env, agent) => {
      await agent.runOnce();
      assertExactlyOnce(sim, 4);
      await assertAllAccepted(env, 'faktury-2026-11.csv', 4);
    });
  } finally {
    await sim.close();
  }
});

test('a 429 with Retry-After from the simulator (PROD limits) is waited out: none lost, none sent twice', async () => {
  // The simulator's clock stands still from the moment the PROD limits are switched on, so the
  // agent's online sends all fall into one simulated second: the 11th is refused (10 per second)
  // with Retry-After: 1. Once the agent has logged the refusal, the clock moves on and the retry
  // goes through. The agent learned "unlimited" from GET /rate-limits while the limits were off,
  // so its own pacing does not avoid the 429.
  let frozenAt: number | undefined;
  let offset = 0;
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0, now: () => frozenAt ?? Date.now() + offset });
  try {
    const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
    sim.registerToken('9999999999', env.token);
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    try {
      await agent.open();
      const shop = JSON.parse(await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8')) as { orders: Record<string, unknown>[] };
      const order = shop.orders[0]!;
      const orders = (n: number, from: number) => Array.from({ length: n }, (_, k) => ({ ...order, id: from + k, invoice_number: `SKLEP/RL/${from + k}` }));
      // first file: authenticates, learns the (unlimited) limits, opens the online session
      await writeFile(join(env.inbox('shop'), 'warm-up.json'), JSON.stringify({ ...shop, orders: orders(1, 1) }));
      await agent.runOnce();
      assert.equal(sim.counters().totals.accepted, 1);

      sim.setRateLimits('prod');
      frozenAt = Date.now() + offset;
      await writeFile(join(env.inbox('shop'), 'burst.json'), JSON.stringify({ ...shop, orders: orders(12, 100) }));
      const agentLogs = async (): Promise<string[]> =>
        (await readdir(env.dir, { recursive: true }).catch(() => [] as string[])).filter((n) => /(^|[\\/])agent(\.\d+)?\.log$/.test(n)).map((n) => join(env.dir, n));
      let refusals = 0;
      const watch = (async () => {
        const end = Date.now() + 20_000;
        while (frozenAt !== undefined && Date.now() < end) {
          const text = (await Promise.all((await agentLogs()).map((p) => readFile(p, 'utf8').catch(() => '')))).join('\n');
          refusals = text.split('\n').filter((l) => l.includes('ksef.rate-limited')).length;
          if (refusals > 0) {
            offset = frozenAt - Date.now() + 2_000; // the simulated second is over
            frozenAt = undefined;
            return;
          }
          await sleep(25);
        }
        frozenAt = undefined;
      })();
      await agent.runOnce();
      await watch;
      assert.ok(refusals > 0, 'the simulator refused at least one request with 429 and the agent logged it');
      assertExactlyOnce(sim, 13);
      assert.equal(sim.counters().totals.attempts, 13, 'no invoice was sent twice');
      assert.equal(sim.counters().totals.duplicates, 0);
      await assertAllAccepted(env, 'burst.json', 12);
      const csv = await readFile(join(env.outbox, 'results', 'burst.json.result.csv'), 'utf8').catch(() => '');
      if (csv) assert.equal(csv.trim().split('\n').length, 13, 'header + 12 result lines');
    } finally {
      await agent.close();
      await env.cleanup();
    }
  } finally {
    await sim.close();
  }
});
