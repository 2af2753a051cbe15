// Regression: a file whose claim failed (not a busy writer) stayed in the inbox while `once`
// exited 0 and /health said ok: nothing said it was not taken.
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
import { CLAIM_RETRY_MS } from '../../src/inbox/inbox-watcher.ts';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';

test('a file whose claim fails is named by once (exit 1) and by /health (degraded) while it stays in the inbox; removed or claimed, the reason is gone', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], extra: { once: { patienceMs: 60_000 } } });
  const config = await loadConfig(env.configFile);
  const work = config.companies[0]!.folders.work;
  await mkdir(join(work, 'claimed'), { recursive: true });
  // every claim from inbox shop fails (a stand-in for a work area that refuses the rename)
  await writeFile(join(work, 'claimed', 'shop'), 'not a folder');
  let now = Date.parse('2026-11-25T10:00:00Z');
  const agent: Agent & { outcome?: OnceOutcome } = new Agent(config, { env: env.env, command: 'once', now: () => now });
  try {
    await agent.open();
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'orders.json'));
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(env.inbox('shop'), 'again.json'));
    agent.outcome = await agent.runOnce();
    const claimError = (name: string): string => agent.outcome!.unclaimedFiles!.find((u) => u.name === name)!.message;
    assert.deepEqual(agent.outcome.unclaimedFiles?.map((u) => [u.companyId, u.inboxId, u.name, u.code]).sort(), [['acme', 'shop', 'again.json', 'INBOX_CLAIM_FAILED'], ['acme', 'shop', 'orders.json', 'INBOX_CLAIM_FAILED']]);
    assert.match(claimError('orders.json'), /ENOTDIR|EEXIST/);
    const v = onceVerdict(agent);
    assert.equal(v.exitCode, EXIT.notDone);
    assert.deepEqual([...v.lines].sort(), ['again.json', 'orders.json'].map((n) => `inbox acme/shop: file ${n} cannot be taken: ${claimError(n)} [INBOX_CLAIM_FAILED]; it stays in the inbox and goes out on a run that can claim it`));

    const health = await agent.health();
    assert.equal(health.status, 'degraded');
    assert.deepEqual(health.reasons.map((r) => [r.code, r.level, r.message]).sort(), ['again.json', 'orders.json'].map((n) => [
      'INBOX_CLAIM_FAILED', 'degraded',
      `company acme: inbox shop: file ${n} cannot be taken since 2026-11-25T10:00:00.000Z: ${claimError(n)} [INBOX_CLAIM_FAILED]; it stays in the inbox and is tried again`,
    ]));

    // status (another process) judges the same facts
    assert.deepEqual((await readRuntimeFacts(stateDirOf(config), process.pid))[0]?.unclaimed?.map((u) => [u.inboxId, u.name, u.code]).sort(), [['shop', 'again.json', 'INBOX_CLAIM_FAILED'], ['shop', 'orders.json', 'INBOX_CLAIM_FAILED']]);

    // a file removed from the inbox is no longer reported
    await rm(join(env.inbox('shop'), 'again.json'));
    agent.outcome = await agent.runOnce();
    assert.deepEqual(agent.outcome.unclaimedFiles?.map((u) => u.name), ['orders.json']);
    assert.deepEqual((await agent.health()).reasons.map((r) => r.message.includes('orders.json')), [true]);

    // the work area is fixed: after its pause the file is claimed and sent, and nothing is reported
    await rm(join(work, 'claimed', 'shop'));
    now += CLAIM_RETRY_MS * 4;
    agent.outcome = await agent.runOnce();
    assert.deepEqual(agent.outcome, { completed: true });
    assert.deepEqual(onceVerdict(agent), { exitCode: EXIT.ok, lines: [] });
    const after = await agent.health();
    assert.deepEqual([after.status, after.reasons], ['ok', []]);
    assert.deepEqual(await readdir(env.inbox('shop')), []);
  } finally {
    await agent.close();
    await env.cleanup();
  }
});
