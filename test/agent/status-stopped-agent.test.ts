// `status` after the agent stopped: a lock still on disk whose process is gone (same host, pid not
// alive) means the agent crashed or was killed — status must not say ok. It names the agent, says
// what runtime.json last said (held companies), marked as last known, and exits 1 or 5. A clean
// stop releases the lock and stays ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { stateDirOf } from '../../src/agent/agent.ts';
import { formatStatus, statusData, statusExitCode } from '../../src/cli/status.ts';
import { makeAgentEnv } from '../helpers/agent-env.ts';
import { spawnAgent } from '../helpers/agent-process.ts';

const held = { code: 'KSEF_AUTH_FAILED', message: 'acme: KSeF refused the login', since: '2026-11-25T10:00:00.000Z', until: '2026-11-25T10:15:00.000Z' };

/** a pid that no longer runs on this machine */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('status after a run agent crashed with a held company: failing (exit 5), says the agent stopped without releasing its lock and the held company as last known', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  try {
    const config = await loadConfig(env.configFile);
    const st = stateDirOf(config);
    await mkdir(st, { recursive: true });
    const pid = deadPid();
    const holder = { pid, host: hostname(), since: '2026-11-25T10:00:00.000Z', command: 'run' };
    await writeFile(join(st, 'agent.lock'), JSON.stringify(holder));
    await writeFile(join(st, 'runtime.json'), JSON.stringify({ pid, companies: [{ id: 'acme', held }] }));
    const s = await statusData(config, env.env);
    assert.equal(s.status, 'failing');
    assert.equal(statusExitCode(s), 5);
    assert.equal(s.agent, null);
    assert.deepEqual(s.stoppedAgent, { ...holder, lastKnown: [{ id: 'acme', held }] });
    assert.deepEqual(s.reasons, [
      {
        level: 'degraded',
        code: 'AGENT_CRASHED',
        message: `the agent (pid ${pid}, command run, since 2026-11-25T10:00:00.000Z) stopped without releasing its lock ${join(st, 'agent.lock')}: it crashed or was killed; nothing is processed until an agent runs again; the next start takes over the lock`,
      },
      {
        level: 'failing',
        code: 'COMPANY_HELD',
        companyId: 'acme',
        message: 'company acme, when the agent stopped (last known): KSeF refused it since 2026-11-25T10:00:00.000Z: acme: KSeF refused the login [KSEF_AUTH_FAILED]; the next start tries again',
      },
    ]);
    // the company's own facts are today's (from the state), not the stopped agent's
    assert.equal(s.companies[0]!.held, undefined);
    const text = formatStatus(s);
    assert.equal(text[0], 'health: failing');
    assert.ok(text.includes(`agent: not running: pid ${pid} on ${hostname()} ("run" since 2026-11-25T10:00:00.000Z) stopped without releasing its lock (crashed or killed)`), text.join('\n'));
  } finally {
    await env.cleanup();
  }
});

test('status after a real run agent was killed (SIGKILL): degraded (exit 1), AGENT_CRASHED naming its pid', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  const config = await loadConfig(env.configFile);
  const st = stateDirOf(config);
  const agent = spawnAgent(['run', '--config', env.configFile], env.env);
  try {
    const holder = await waitFor('the lock', async () => {
      const text = await readFile(join(st, 'agent.lock'), 'utf8').catch(() => '');
      return text.endsWith('\n') ? (JSON.parse(text) as { pid: number; since: string }) : undefined;
    });
    await waitFor('runtime.json', () => readFile(join(st, 'runtime.json'), 'utf8').catch(() => undefined));
    assert.deepEqual(await agent.kill(), { code: null, signal: 'SIGKILL' });
    const s = await statusData(config, env.env);
    assert.equal(s.status, 'degraded', agent.output());
    assert.equal(statusExitCode(s), 1);
    assert.equal(s.agent, null);
    assert.deepEqual(s.reasons.map((r) => [r.level, r.code]), [['degraded', 'AGENT_CRASHED']]);
    assert.match(s.reasons[0]!.message, new RegExp(`^the agent \\(pid ${holder.pid}, command run, since ${holder.since.replace(/\./g, '\\.')}\\) stopped without releasing its lock`));
  } finally {
    await agent.kill();
    await env.cleanup();
  }
});

test('status after a clean stop (SIGTERM: lock released): ok, exit 0, no AGENT_CRASHED', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  const config = await loadConfig(env.configFile);
  const st = stateDirOf(config);
  const agent = spawnAgent(['run', '--config', env.configFile], env.env);
  try {
    await waitFor('runtime.json', () => readFile(join(st, 'runtime.json'), 'utf8').catch(() => undefined));
    agent.child.kill('SIGTERM');
    assert.deepEqual(await agent.exited, { code: 0, signal: null });
    const s = await statusData(config, env.env);
    assert.deepEqual(s.reasons, []);
    assert.equal(s.status, 'ok');
    assert.equal(statusExitCode(s), 0);
    assert.equal(s.stoppedAgent, undefined);
    assert.ok(formatStatus(s).includes('agent: not running'));
  } finally {
    await agent.kill();
    await env.cleanup();
  }
});
