// Regression: a claimed file whose intake failed for a reason that is not transient was dropped
// from the queue (retried only after a restart), and the next clean send/poll pass cleared the
// trouble: /health said ok and `once` exited 4 blaming KSeF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent, stateDirOf } from '../../src/agent/agent.ts';
import { readRuntimeFacts } from '../../src/agent/health-facts.ts';
import type { OnceOutcome } from '../../src/agent/agent.ts';
import { onceVerdict } from '../../src/cli/once.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { INTAKE_RETRY_MS } from '../../src/pipeline/intake-retry.ts';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';

test('a claimed file whose intake fails (work/xml is a file) is reported until it is taken in: once exits 1 naming it, /health failing, tried again after a pause without a restart', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], extra: { once: { patienceMs: 60_000 } } });
  const config = await loadConfig(env.configFile);
  const work = config.companies[0]!.folders.work;
  await mkdir(work, { recursive: true });
  // every FA XML write fails (a stand-in for a work area the agent cannot write)
  await writeFile(join(work, 'xml'), 'not a folder');
  let now = Date.parse('2026-11-25T10:00:00Z');
  const agent: Agent & { outcome?: OnceOutcome } = new Agent(config, { env: env.env, command: 'once', now: () => now });
  const errors: string[] = [];
  agent.bus.on('agent.error', (p) => void errors.push(`${p.code}: ${p.message}`));
  try {
    await agent.open();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    agent.outcome = await agent.runOnce();
    // once does not wait out its patience for a file only a person can unblock
    assert.deepEqual(agent.outcome, { completed: true });
    const why = `taking in orders.json: EEXIST: file already exists, mkdir '${join(work, 'xml')}'`;
    assert.deepEqual(onceVerdict(agent), {
      exitCode: EXIT.notDone,
      lines: [`company acme: orders.json could not be taken in: ${why} [PIPELINE_INTERNAL]; it stays claimed in the work area and the next run tries it again`],
    });
    assert.deepEqual(errors, [`PIPELINE_INTERNAL: acme: ${why}; it stays claimed in the work area and is tried again after a pause (next try 2026-11-25T10:00:05.000Z)`]);

    // a clean send/poll pass (nothing to send) does not clear it
    await agent.step();
    const health = await agent.health();
    assert.equal(health.status, 'failing');
    assert.deepEqual(health.reasons.map((r) => [r.code, r.level, r.message]), [[
      'INTAKE_FAILED', 'failing',
      `company acme: orders.json could not be taken in since 2026-11-25T10:00:00.000Z: ${why} [PIPELINE_INTERNAL]; it stays claimed in the work area, next try 2026-11-25T10:00:05.000Z`,
    ]]);
    assert.equal(health.companies[0]!.activeFiles, 1);
    // status (another process) judges the same facts
    assert.deepEqual((await readRuntimeFacts(stateDirOf(config), process.pid))[0]?.intake?.map((t) => [t.sourceName, t.code, t.transient]), [['orders.json', 'PIPELINE_INTERNAL', false]]);

    // the cause is fixed: nothing happens before the pause is over, then the file is taken in
    await rm(join(work, 'xml'));
    now += INTAKE_RETRY_MS - 1;
    await agent.step();
    assert.equal(agent.pipelines[0]!.intakeTrouble.length, 1, 'still waiting out its pause');
    assert.equal(errors.length, 1, 'one line, not one per step');
    now += 1;
    agent.outcome = await agent.runOnce();
    assert.deepEqual(agent.outcome, { completed: true });
    assert.deepEqual(onceVerdict(agent), { exitCode: EXIT.ok, lines: [] });
    assert.deepEqual(agent.pipelines[0]!.intakeTrouble, []);
    assert.equal((await agent.health()).status, 'ok');
    assert.deepEqual(agent.store.activeFiles(), []);
    assert.ok((await readdir(env.archive, { recursive: true })).some((n) => n.endsWith('orders.json')), 'archived once accepted');
  } finally {
    await agent.close();
    await env.cleanup();
  }
});

test('a claim folder that cannot be listed at start stays reported (not cleared by the first clean step) and is listed again after a pause', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], extra: { once: { patienceMs: 60_000 } } });
  const config = await loadConfig(env.configFile);
  const work = config.companies[0]!.folders.work;
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'claimed'), 'not a folder');
  let now = Date.parse('2026-11-25T10:00:00Z');
  const agent: Agent & { outcome?: OnceOutcome } = new Agent(config, { env: env.env, command: 'once', now: () => now });
  try {
    await agent.open();
    agent.outcome = await agent.runOnce();
    const why = `listing the claimed files in ${join(work, 'claimed')}: ENOTDIR: not a directory, scandir '${join(work, 'claimed')}'`;
    assert.deepEqual(onceVerdict(agent), {
      exitCode: EXIT.notDone,
      lines: [`company acme: the claimed files could not be taken in: ${why} [PIPELINE_INTERNAL]; it stays claimed in the work area and the next run tries it again`],
    });
    assert.deepEqual((await agent.health()).reasons.map((r) => [r.code, r.level]), [['INTAKE_FAILED', 'failing']]);
    await rm(join(work, 'claimed'));
    now += INTAKE_RETRY_MS;
    agent.outcome = await agent.runOnce();
    assert.deepEqual(onceVerdict(agent), { exitCode: EXIT.ok, lines: [] });
    assert.equal((await agent.health()).status, 'ok');
  } finally {
    await agent.close();
    await env.cleanup();
  }
});
