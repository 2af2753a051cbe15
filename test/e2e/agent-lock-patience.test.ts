// Items 12 and 13 of issue 9, as users meet them: two agents on one state root, and `once` with KSeF out of reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freePort } from '../helpers/agent-process.ts';

/** a port nobody listens on (free now, so closed) */
const closedPort = freePort;

test('lock: a second agent on the same state root exits 3 naming the holder (also with the health endpoint on, whose port the first one holds); after kill -9 the stale lock is taken over', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], extra: { health: { enabled: true, host: '127.0.0.1', port: await freePort() } } });
  try {
    const lockFile = join(env.dir, 'data', 'state', 'agent.lock');
    const child = spawn(process.execPath, [join(REPO, 'bin/ksef-hotfolder.js'), 'run', '--config', env.configFile], { env: env.env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      const holder = await waitFor('the lock of run', async () => readJson<{ pid: number; host: string; since: string; command: string }>(lockFile).catch(() => undefined));
      assert.equal(holder.pid, child.pid);
      assert.equal(holder.host, hostname());
      assert.equal(holder.command, 'run');

      const second = await runAgentChild(['once', '--config', env.configFile], env.env);
      assert.equal(second.code, 3, second.stderr);
      assert.match(second.stderr, new RegExp(`pid ${child.pid} on host ${hostname()}, running "run" since ${holder.since.replace(/\./g, '\\.')}`));
      assert.match(second.stderr, /AGENT_LOCKED/);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // kill -9 left the lock behind; the next agent sees its process is gone and takes it over
    assert.equal((await readJson<{ pid: number }>(lockFile)).pid, child.pid);
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    const third = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(third.code, 0, third.stderr);
    const log = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8');
    assert.match(log, new RegExp(`took over the lock of pid ${child.pid}`));
    assert.equal((await readJson<{ summary: { accepted: number } }>(join(env.outbox, 'results', 'orders.json.result.json'))).summary.accepted, 3);
    await assert.rejects(readFile(lockFile), /ENOENT/, 'a clean exit releases the lock');
  } finally {
    await env.cleanup();
  }
});

test('once: KSeF unreachable → gives up after once.patienceMs with exit 4 and one line per company saying what waits', async () => {
  const port = await closedPort();
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: `http://127.0.0.1:${port}/v2`, extra: { once: { patienceMs: 1000 } } });
  try {
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    const started = Date.now();
    const r = await runAgentChild(['once', '--config', env.configFile], env.env, 90_000);
    assert.equal(r.code, 4, r.stderr);
    assert.ok(Date.now() - started < 60_000);
    assert.match(r.stderr, /^once: gave up after \d+ s without progress \(once\.patienceMs 1000\)$/m);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('once: company'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^once: company acme: 1 file\(s\), 3 invoice\(s\) wait: KSeF cannot be reached at http:\/\/127\.0\.0\.1:\d+\/v2 since /);
    assert.match(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${port}`));
  } finally {
    await env.cleanup();
  }
});
