// The commands as users run them: `run` until SIGTERM, `once` exit codes, `status`, `demo`, /health.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator } from '../../src/simulator/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { runDemo } from '../../src/cli/demo.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

test('run: processes a dropped file, then SIGTERM finishes cleanly with exit 0', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl });
  try {
    sim.registerToken('9999999999', env.token);
    const child = spawn(process.execPath, [join(REPO, 'bin/ksef-hotfolder.js'), 'run', '--config', env.configFile], { env: env.env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    const end = Date.now() + 30_000;
    let r: { status: string; summary: { accepted: number } } | undefined;
    while (Date.now() < end) {
      r = await readJson<{ status: string; summary: { accepted: number } }>(join(env.outbox, 'results', 'orders.json.result.json')).catch(() => undefined);
      if (r?.status === 'complete') break;
      await sleep(100);
    }
    assert.equal(r?.summary.accepted, 3);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const log = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8');
    assert.match(log, /orders\.json done: 3 accepted/);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('once: exit 2 for a configuration error (missing token), with the variable named and no value', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  try {
    const r = await runAgentChild(['once', '--config', env.configFile], { ...process.env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${env.tokenEnv}.*not set`));
    assert.match(r.stderr, /CFG_TOKEN_MISSING/);
  } finally {
    await env.cleanup();
  }
});

test('status: pending, failed, accepted today and KSeF reachability', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }, { id: 'shop', mapping: 'shop-json.json' }], simUrl: sim.baseUrl });
  try {
    sim.registerToken('9999999999', env.token);
    await writeFile(join(env.inbox('shop'), 'broken.json'), '{');
    assert.equal((await runAgentChild(['once', '--config', env.configFile], env.env)).code, 0);
    const r = await runAgentChild(['status', '--config', env.configFile], env.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\): 4 accepted, 0 rejected, 1 file\(s\) to errors\//);
    assert.match(r.stdout, /company acme \(NIP 9999999999\): 0 file\(s\) in progress, 0 invoice\(s\) waiting to be sent, 0 sent and awaiting KSeF/);
    assert.match(r.stdout, /KSeF: reachable \(http:\/\/127\.0\.0\.1:\d+\/v2, HTTP 200\)/);
    await sim.close();
    const down = await runAgentChild(['status', '--config', env.configFile], env.env);
    assert.match(down.stdout, /KSeF: NOT reachable/);
  } finally {
    await sim.close().catch(() => undefined);
    await env.cleanup();
  }
});

test('health endpoint serves the agent state as JSON', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], extra: { health: { enabled: true, port: 0 } } });
  try {
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    await agent.open();
    try {
      const port = agent.healthPort!;
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { status: string; environment: string; companies: { id: string; planned: number }[] };
      assert.equal(body.status, 'ok');
      assert.equal(body.environment, 'sim');
      assert.deepEqual(body.companies.map((c) => [c.id, c.planned]), [['acme', 0]]);
      assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    } finally {
      await agent.close();
    }
  } finally {
    await env.cleanup();
  }
});

test('demo: every example accepted, summary line last', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-demo-'));
  try {
    const lines: string[] = [];
    const s = await runDemo({ dir, out: (l) => lines.push(l) });
    // 16 of the first five examples, 19 of the issue-11 ones (wide 3, marketplace 3, EDI++ 3, register 4, two files 3, two sheets 3)
    assert.equal(s.accepted, 35);
    assert.equal(s.errors, 0);
    assert.equal(lines.at(-1), 'demo: 35 accepted, 0 errors');
    assert.ok(lines.some((l) => /^  outbox\/upo\/9999999999-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}\.xml$/.test(l)));
    assert.ok(lines.some((l) => /FA\/231\/2026\s+9999999999-/.test(l)));
    for (const n of ['FV/101/11/2026', 'FS/MP/0482/11/2026', 'FS 103/11/2026', 'FS/2026/11/004', 'FS/302/11/2026', 'FV 9/2026']) {
      assert.ok(lines.some((l) => l.includes(` ${n} `) && /9999999999-\d{8}-/.test(l)), `${n} accepted`);
    }
    // the two files of a pair are archived together
    assert.ok(lines.some((l) => /^  archive\/[\d-]+\/FS_2026_11_10_poz\.csv$/.test(l)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
