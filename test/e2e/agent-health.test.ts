// Issue 9 item 14: /health and status tell the truth, from one judgement (assessHealth).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { makeAgentEnv, newToken, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freePort } from '../helpers/agent-process.ts';

interface Health { status: string; reasons: { level: string; code: string; companyId?: string; message: string }[] }

/** a port nobody listens on (free now, so closed) */
const closedPort = freePort;

async function health(port: number): Promise<{ code: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { code: res.status, body: (await res.json()) as Health };
}

test('/health: KSeF unreachable with a file waiting → 503 degraded naming it; status says the same (exit 1, --json)', async () => {
  const port = await closedPort();
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: `http://127.0.0.1:${port}/v2`, extra: { health: { enabled: true, port: 0 } } });
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, command: 'run' });
  try {
    await agent.open();
    assert.equal((await health(agent.healthPort!)).code, 200, 'nothing waits yet');
    await agent.start();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    const h = await waitFor('a 503 from /health', async () => {
      const r = await health(agent.healthPort!);
      return r.code === 503 ? r : undefined;
    }, 60_000, 200);
    assert.equal(h.body.status, 'degraded');
    const reason = h.body.reasons.find((r) => r.code === 'KSEF_TROUBLE');
    assert.ok(reason, JSON.stringify(h.body.reasons));
    assert.equal(reason.companyId, 'acme');
    assert.match(reason.message, /company acme: retrying since .*ECONNREFUSED.*\[KSEF_NETWORK\]; 1 file\(s\), 3 invoice\(s\) to send/);

    // status, another process, judges the same facts (the running agent publishes what only it knows)
    const st = await runAgentChild(['status', '--config', env.configFile, '--json'], env.env);
    assert.equal(st.code, 1, st.stderr);
    const s = JSON.parse(st.stdout) as Health & { agent: { pid: number } | null; ksef: { reachable: boolean } };
    assert.equal(s.status, 'degraded');
    assert.deepEqual(s.reasons.map((r) => r.code).sort(), ['KSEF_TROUBLE', 'KSEF_UNREACHABLE']);
    assert.equal(s.agent?.pid, process.pid);
    assert.equal(s.ksef.reachable, false);
    const text = await runAgentChild(['status', '--config', env.configFile], env.env);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^health: degraded$/m);
    assert.match(text.stdout, /^  degraded: company acme: retrying since/m);
    const log = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8');
    assert.match(log, /agent is degraded: company acme: retrying/);
  } finally {
    await agent.stop();
    await env.cleanup();
  }
});

test('/health: a company KSeF refuses → 503 failing with COMPANY_HELD; status exit 5', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl, extra: { health: { enabled: true, port: 0 } } });
  // the simulator knows another token for this NIP: the login is refused
  sim.registerToken('9999999999', newToken());
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, command: 'run' });
  try {
    await agent.open();
    await agent.start();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    const h = await waitFor('a failing /health', async () => {
      const r = await health(agent.healthPort!);
      return r.body.status === 'failing' ? r : undefined;
    }, 60_000, 200);
    assert.equal(h.code, 503);
    const reason = h.body.reasons.find((r) => r.code === 'COMPANY_HELD');
    assert.ok(reason, JSON.stringify(h.body.reasons));
    assert.match(reason.message, /company acme: KSeF refused it since .*; 1 file\(s\)/);
    const st = await runAgentChild(['status', '--config', env.configFile, '--json'], env.env);
    assert.equal(st.code, 5, st.stdout + st.stderr);
    assert.ok((JSON.parse(st.stdout) as Health).reasons.some((r) => r.code === 'COMPANY_HELD'));
  } finally {
    await agent.stop();
    await sim.close();
    await env.cleanup();
  }
});

test('status: ok exits 0; a missing inbox folder or a full disk is failing (exit 5); a re-dropped accepted file is not counted twice', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  try {
    const source = await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8');
    await writeFile(join(env.inbox('shop'), 'orders.json'), source);
    assert.equal((await runAgentChild(['once', '--config', env.configFile], env.env)).code, 0);
    // the same orders again under another name, written differently (another export run)
    await writeFile(join(env.inbox('shop'), 'orders-again.json'), JSON.stringify(JSON.parse(source)));
    assert.equal((await runAgentChild(['once', '--config', env.configFile], env.env)).code, 0);
    const ok = await runAgentChild(['status', '--config', env.configFile, '--json'], env.env);
    assert.equal(ok.code, 0, ok.stdout);
    const s = JSON.parse(ok.stdout) as Health & { today: { accepted: number } };
    assert.equal(s.status, 'ok');
    assert.deepEqual(s.reasons, []);
    assert.equal(s.today.accepted, 3, 'three invoices, accepted once each');

    const cfg = JSON.parse(await readFile(env.configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(env.configFile, JSON.stringify({ ...cfg, health: { minFreeMb: 10_000_000 } }));
    const full = await runAgentChild(['status', '--config', env.configFile, '--json'], env.env);
    assert.equal(full.code, 5);
    assert.deepEqual((JSON.parse(full.stdout) as Health).reasons.map((r) => r.code), ['DISK_LOW']);

    await writeFile(env.configFile, JSON.stringify(cfg));
    await rm(env.inbox('shop'), { recursive: true });
    const gone = await runAgentChild(['status', '--config', env.configFile], env.env);
    assert.equal(gone.code, 5);
    assert.match(gone.stdout, /^  failing: inbox shop folder .*inbox\/shop of company acme: does not exist \[FOLDER_UNUSABLE\]$/m);
  } finally {
    await env.cleanup();
  }
});
