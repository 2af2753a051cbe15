// Hot-folder behaviour of the running agent (`start`/`stop`, real watcher and stability window):
// slow chunked writes, renamed-in files, same name with new content, identical content, bad files
// beside good ones; and no token anywhere in logs or outbox after a full run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Result { source: string; status: string; duplicateOf?: string; summary: { accepted: number; rejected: number }; invoices: { invoiceNumber: string; status: string; ksefNumber: string | null; errors: { code: string }[] }[] }

const SHOP = join(REPO, 'inbox-example/shop/orders-20261121.json');


const resultOf = (env: AgentEnv, source: string): Promise<Result | undefined> =>
  readJson<Result>(join(env.outbox, 'results', `${source}.result.json`)).catch(() => undefined);
const complete = (env: AgentEnv, source: string) => async () => ['complete', 'duplicate'].includes((await resultOf(env, source))?.status ?? '');

async function running(env: AgentEnv, body: (agent: Agent) => Promise<void>): Promise<void> {
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  await agent.open();
  await agent.start();
  try {
    await body(agent);
  } finally {
    await agent.stop();
  }
}

test('a file written slowly in chunks is taken only when complete, once', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], watcher: { stabilityWindowMs: 600, scanIntervalMs: 100 } });
  try {
    await running(env, async (agent) => {
      const bytes = await readFile(SHOP);
      const target = join(env.inbox('shop'), 'orders.json');
      const step = Math.ceil(bytes.length / 6);
      for (let i = 0; i < bytes.length; i += step) {
        await appendFile(target, bytes.subarray(i, i + step));
        await sleep(250);
      }
      await waitFor('result', complete(env, 'orders.json'));
      assert.equal((await resultOf(env, 'orders.json'))!.summary.accepted, 3);
      assert.equal(agent.simulator!.counters().totals.attempts, 3);
      assert.equal((await readdir(join(env.outbox, 'errors')).catch(() => [])).length, 0, 'never taken half-written');
    });
  } finally {
    await env.cleanup();
  }
});

test('renamed in: taken once; same name with new content: processed as new; identical content: duplicate', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], watcher: { stabilityWindowMs: 100, scanIntervalMs: 100 } });
  try {
    await running(env, async (agent) => {
      const staged = join(env.dir, 'staging.json');
      await cp(SHOP, staged);
      await rename(staged, join(env.inbox('shop'), 'orders.json'));
      await waitFor('first result', complete(env, 'orders.json'));
      const first = (await resultOf(env, 'orders.json'))!;
      assert.equal(first.status, 'complete');
      assert.equal(first.summary.accepted, 3);

      // same name, different content (one order renumbered): a new file
      const changed = (await readFile(SHOP, 'utf8')).replace('SKLEP/2026/11/0457', 'SKLEP/2026/11/0999');
      await writeFile(join(env.inbox('shop'), 'orders.json'), changed);
      await waitFor('second result', async () => (await resultOf(env, 'orders.json'))?.invoices.some((i) => i.invoiceNumber === 'SKLEP/2026/11/0999' && i.status === 'accepted') ?? false);
      const second = (await resultOf(env, 'orders.json'))!;
      assert.equal(second.summary.accepted, 3);
      const notes = second.invoices.filter((i) => i.errors.some((e) => e.code === 'PIPELINE_ALREADY_ACCEPTED'));
      assert.equal(notes.length, 2, 'the two unchanged invoices were accepted before: not sent again');

      // identical content again under another name: reported as duplicate, not sent
      await cp(SHOP, join(env.inbox('shop'), 'again.json'));
      await waitFor('duplicate result', complete(env, 'again.json'));
      const dup = (await resultOf(env, 'again.json'))!;
      assert.equal(dup.status, 'duplicate');
      assert.equal(dup.duplicateOf, 'orders.json');
      assert.deepEqual(dup.invoices.map((i) => i.status), ['accepted', 'accepted', 'accepted']);

      const c = agent.simulator!.counters();
      assert.equal(c.totals.attempts, 4, '3 + the one renumbered invoice');
      for (const row of c.sends) assert.equal(row.accepted, 1);
      // the result file is final before its source is archived: wait for the last move
      await waitFor('three archived sources', async () => (await listTree(env.archive)).length >= 3);
      const archived = await listTree(env.archive);
      assert.equal(archived.length, 3, `every source archived: ${archived.join(', ')}`);
    });
  } finally {
    await env.cleanup();
  }
});

test('bad files end in errors/ with reports while good files beside them go through; no token leaks', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }, { id: 'optima', mapping: 'optima-csv.json', example: 'optima' }] });
  try {
    await writeFile(join(env.inbox('shop'), 'broken.json'), '{ "orders": [ { "invoice_number": ');
    const bad = (await readFile(SHOP, 'utf8')).replace('"2026-11-19T14:22:31+01:00"', '"not a date"');
    await writeFile(join(env.inbox('shop'), 'baddate.json'), bad);
    await cp(SHOP, join(env.inbox('shop'), 'good.json'));
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    await agent.open();
    try {
      await agent.runOnce();
    } finally {
      await agent.close();
    }
    assert.equal((await resultOf(env, 'good.json'))!.summary.accepted, 3);
    assert.equal((await resultOf(env, 'faktury-2026-11.csv'))!.summary.accepted, 4);
    const errs = await readdir(join(env.outbox, 'errors'));
    for (const name of ['broken.json', 'baddate.json']) {
      assert.ok(errs.includes(name), `${name} in errors/`);
      const txt = await readFile(join(env.outbox, 'errors', `${name}.error.txt`), 'utf8');
      assert.match(txt, new RegExp(`^${name.replace('.', '\\.')}: \\d+ problem`));
      const json = await readJson<{ errors: { code: string }[] }>(join(env.outbox, 'errors', `${name}.error.json`));
      assert.ok(json.errors.length > 0);
      const r = (await resultOf(env, name))!;
      assert.equal(r.status, 'complete');
      assert.equal(r.summary.accepted, 0);
      assert.ok(r.summary.rejected >= 1);
    }
    const baddate = (await resultOf(env, 'baddate.json'))!;
    assert.ok(baddate.invoices.some((i) => i.invoiceNumber === 'SKLEP/2026/11/0457' && i.errors.length > 0));
    // the file is the unit: its two valid invoices were not sent, and the result says why
    const held = baddate.invoices.filter((i) => i.invoiceNumber !== 'SKLEP/2026/11/0457');
    assert.equal(held.length, 2);
    for (const i of held) {
      assert.equal(i.ksefNumber, null);
      assert.deepEqual(i.errors.map((e) => e.code), ['PIPELINE_NOT_SENT'], i.invoiceNumber);
    }
    const baddateTxt = await readFile(join(env.outbox, 'errors', 'baddate.json.error.txt'), 'utf8');
    assert.match(baddateTxt, /SKLEP\/2026\/11\/0457/);
    // secrets: no token in any log, outbox, archive or state file
    const files = await listTree(env.dir);
    assert.ok(files.some((f) => f.startsWith('logs/')), 'logs were written');
    for (const f of files.filter((p) => !p.startsWith('inbox/') && p !== 'agent.json')) {
      const text = await readFile(join(env.dir, f), 'latin1');
      assert.ok(!text.includes(env.token), `token found in ${f}`);
      assert.ok(!text.includes(env.token.slice(-40)), `token part found in ${f}`);
    }
  } finally {
    await env.cleanup();
  }
});
