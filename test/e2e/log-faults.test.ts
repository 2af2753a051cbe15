// Every fault is visible once, with words: the whole agent against the simulator's fault
// injection, asserting the lines of its JSON log (level, event, text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';

interface Line { level: string; message: string; event?: string; code?: string; reason?: string }

async function logLines(env: AgentEnv): Promise<Line[]> {
  const text = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
}

async function withAgent(sim: RunningSimulator, extra: Record<string, unknown>, body: (env: AgentEnv, agent: Agent) => Promise<void>): Promise<Line[]> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }, { id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  sim.registerToken('9999999999', env.token);
  const config = JSON.parse(await readFile(env.configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(env.configFile, JSON.stringify({ ...config, ...extra }, null, 2));
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  try {
    await agent.open();
    await body(env, agent);
    await agent.close();
    return await logLines(env);
  } finally {
    await agent.close();
    await env.cleanup();
  }
}

const errors = (lines: Line[]): Line[] => lines.filter((l) => l.level === 'error');

test('start-up and shutdown lines: agent.started names version, environment, companies, inboxes, log dir; agent.stopped the reason', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    const lines = await withAgent(sim, {}, async (_env, agent) => {
      await agent.runOnce();
    });
    const started = lines.filter((l) => l.event === 'agent.started');
    assert.equal(started.length, 1);
    assert.equal(lines[0]!.event, 'agent.started', 'the first line');
    assert.equal(started[0]!.level, 'info');
    assert.match(started[0]!.message, /^agent\.started: ksef-hotfolder \d+\.\d+\.\d+ started: environment sim; companies acme \(NIP 9999999999\); inboxes acme\/optima: .*inbox[\\/]optima; acme\/shop: .*inbox[\\/]shop; health endpoint off; JSON log in .*logs$/);
    const stopped = lines.filter((l) => l.event === 'agent.stopped');
    assert.equal(stopped.length, 1);
    assert.equal(lines.at(-1)!.event, 'agent.stopped', 'the last line');
    assert.equal(stopped[0]!.message, 'agent.stopped: ksef-hotfolder stopped: once: all pending work is done');
    assert.deepEqual(errors(lines), []);
  } finally {
    await sim.close();
  }
});

test('a KSeF outage (503 maintenance page, Retry-After) is logged as KSeF unavailable, never as a firewall, at warn, with words', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    const lines = await withAgent(sim, {}, async (_env, agent) => {
      sim.setFaults({ outageUntil: Date.now() + 1500 });
      await agent.runOnce();
      assert.equal(sim.counters().totals.accepted, 4);
    });
    const retries = lines.filter((l) => l.event === 'ksef.retry');
    assert.ok(retries.length >= 1, 'the outage was retried and said so');
    for (const r of retries) {
      assert.equal(r.level, 'warn');
      assert.equal(r.reason, 'KSEF_UNAVAILABLE');
      assert.match(r.message, /^ksef\.retry: .*: KSeF is unavailable \(HTTP 503, "Service Unavailable", Retry-After \d+ s\): an outage or maintenance; trying again in [\d.]+ s \(try \d of \d\) \[KSEF_UNAVAILABLE\]$/);
    }
    assert.ok(!JSON.stringify(lines).includes('KSEF_FIREWALL'), 'no line calls the outage a firewall');
    assert.deepEqual(errors(lines), []);
  } finally {
    await sim.close();
  }
});

test('an expired online session that is replaced is one info line saying it was renewed, not an error', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    const lines = await withAgent(sim, {}, async (env, agent) => {
      await agent.runOnce();
      assert.equal(sim.expireSessions().length, 1);
      await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders-20261121.json'));
      await agent.runOnce();
      assert.equal(sim.counters().sessions.online, 2);
      assert.equal(sim.counters().totals.accepted, 7);
    });
    assert.deepEqual(errors(lines), [], 'no error line');
    const renewed = lines.filter((l) => l.event === 'ksef.session-renewed');
    assert.equal(renewed.length, 1, JSON.stringify(lines.filter((l) => l.level !== 'debug' && l.level !== 'info')));
    assert.equal(renewed[0]!.level, 'info');
    assert.match(renewed[0]!.message, /^ksef\.session-renewed: KSeF closed the online session \S+-SO-\S+ \(it expired\) \[KSEF_SESSION_CLOSED\]; a new session is opened and \S+ goes out in it/);
  } finally {
    await sim.close();
  }
});

test('a send that times out is one warn line per invoice saying KSeF gave no clear answer and that it is looked up, not resent', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    const lines = await withAgent(sim, { ksef: { timeoutMs: 1000 } }, async (_env, agent) => {
      // the send of invoices answers after the agent's timeout (the simulator still takes the invoice)
      sim.setFaults({ latencyMs: 1500, paths: ['/sessions/online/'] });
      await agent.runOnce();
      sim.setFaults({ latencyMs: 0, paths: [] });
      assert.equal(sim.counters().totals.accepted, 4);
      assert.equal(sim.counters().totals.duplicates, 0, 'nothing was sent twice');
    });
    const unconfirmed = lines.filter((l) => l.event === 'ksef.unconfirmed');
    assert.ok(unconfirmed.length >= 1, JSON.stringify(lines.filter((l) => l.level === 'warn')));
    for (const l of unconfirmed) {
      assert.equal(l.level, 'warn');
      assert.match(l.message, /^ksef\.unconfirmed: \S+: the send got no clear answer from KSeF \(POST \/sessions\/online\/\{ref\}\/invoices: no answer in time \(\w+\)\) \[KSEF_TIMEOUT\]; it is not sent again blindly: the agent first looks it up in session \S+$/);
    }
    assert.deepEqual(errors(lines), []);
  } finally {
    await sim.close();
  }
});
