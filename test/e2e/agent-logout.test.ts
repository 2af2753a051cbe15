// Issue 10 item 6 (client): a clean stop of the agent logs out of KSeF (DELETE /auth/sessions/current),
// so its refresh token dies with the process instead of living 7 days. A logout KSeF fails does not
// break the stop: it is a warning, without any token, and the stop completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { DEMO_NIP, makeAgentEnv, readJson } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

interface LogLine {
  level: string;
  message: string;
  [k: string]: unknown;
}

const LOGOUT = 'DELETE /auth/sessions/current';

async function logLines(env: AgentEnv): Promise<{ text: string; lines: LogLine[] }> {
  const text = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8');
  return { text, lines: text.trimEnd().split('\n').map((l) => JSON.parse(l) as LogLine) };
}

/** The agent sends the example file (so it holds a KSeF login), then the body runs and the agent stops. */
async function withSentAgent(sim: RunningSimulator, body: (env: AgentEnv, agent: Agent, checker: SimTestClient) => Promise<void>): Promise<void> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }], simUrl: sim.baseUrl });
  sim.registerToken(DEMO_NIP, env.token);
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, command: 'run' });
  try {
    await agent.open();
    await agent.runOnce();
    const r = await readJson<{ summary: { accepted: number } }>(join(env.outbox, 'results', 'faktury-2026-11.csv.result.json'));
    assert.equal(r.summary.accepted, 4);
    // a second login of the same company, to look at KSeF's list of its logins
    const checker = new SimTestClient(sim.baseUrl);
    await checker.login(DEMO_NIP, env.token);
    const before = await checker.call('GET', '/auth/sessions');
    assert.equal(before.json.items.length, 2, 'the agent\'s login and the checker\'s');
    await body(env, agent, checker);
  } finally {
    await agent.close();
    await env.cleanup();
  }
}

test('a clean stop logs out: KSeF no longer lists the agent\'s login, and the log says so', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    await withSentAgent(sim, async (env, agent, checker) => {
      assert.equal(sim.counters().requests[LOGOUT] ?? 0, 0);
      await agent.stop();
      assert.equal(sim.counters().requests[LOGOUT], 1, 'one logout');
      const after = await checker.call('GET', '/auth/sessions');
      assert.equal(after.status, 200);
      assert.equal(after.json.items.length, 1, JSON.stringify(after.json.items));
      assert.equal(after.json.items[0].isCurrent, true, 'only the checker\'s own login is left');
      const { lines } = await logLines(env);
      const out = lines.findIndex((l) => l.message.startsWith('ksef.auth.logged-out'));
      assert.ok(out >= 0, 'the logout is logged');
      assert.equal(lines[out]!.level, 'info');
      assert.equal(lines[out]!.companyId, 'acme');
      const stopped = lines.findIndex((l) => l.event === 'agent.stopped');
      assert.ok(stopped > out, 'the agent stopped after logging out');
      assert.deepEqual(checker.violations, []);
    });
  } finally {
    await sim.close();
  }
});

test('a logout KSeF fails does not break the stop: a warning without any token, the stop completes', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  try {
    await withSentAgent(sim, async (env, agent, checker) => {
      // every logout answers 5xx (the admin API a test or an operator uses)
      const set = await fetch(sim.baseUrl.replace('/v2', '/_sim/faults'), { method: 'POST', body: JSON.stringify({ error5xxRate: 1, paths: ['/auth/sessions/current'] }) });
      assert.equal(set.status, 200);
      await agent.stop();
      const after = await checker.call('GET', '/auth/sessions');
      assert.equal(after.json.items.length, 2, 'the agent\'s login stays until its tokens expire');
      const { text, lines } = await logLines(env);
      const failed = lines.find((l) => l.message.startsWith('ksef.auth.logout-failed'));
      assert.ok(failed, 'the failed logout is logged');
      assert.equal(failed.level, 'warn');
      assert.equal(failed.companyId, 'acme');
      assert.match(failed.message, /log(ging)? out of KSeF .*failed.*tokens expire/i);
      assert.match(String(failed.code), /^KSEF_/);
      assert.ok(!lines.some((l) => l.message.startsWith('ksef.auth.logged-out')));
      assert.ok(lines.some((l) => l.event === 'agent.stopped'), 'the stop completed');
      // no secret in the log: neither the KSeF token nor any JWT (access or refresh token)
      assert.ok(!text.includes(env.token.split('|')[2]!), 'the KSeF token is not in the log');
      assert.doesNotMatch(text, /eyJ[\w-]{8,}\.[\w-]{8,}/, 'no JWT in the log');
    });
  } finally {
    await sim.close();
  }
});
