// Issue 11, item 10: `applies` routes. One inbox with two mappings (the Optima CSV and the shop
// JSON): each file takes the first mapping whose applies.files matches its name, a file no mapping
// applies to goes to errors/ with INBOX_NO_MAPPING naming the patterns, the claim keeps the
// chosen mapping's version (also across a SIGKILL right after the claim and an edit of the
// mapping), and a mapping whose applies names another inbox is refused at start
// (CFG_MAPPING_APPLIES). Real child processes (`once`), the simulator over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { listTree, makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { Agent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { AgentError } from '../../src/core/errors.ts';
import { runPreview } from '../../src/cli/preview.ts';

interface Result { status: string; invoices: { invoiceNumber: string; status: string; ksefNumber?: string }[] }
interface Report { inboxId: string; errors: { code: string; message: string }[] }

const CSV = 'faktury-2026-11.csv';
const JSON_FILE = 'orders-20261121.json';

/** One inbox "mixed" whose mapping is [copy of optima-csv.json, copy of shop-json.json] (copies in the temp folder, so a test may edit them). */
async function mixedInbox(simUrl: string): Promise<{ env: AgentEnv; optima: string; shop: string }> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'mixed', mapping: 'optima-csv.json' }], simUrl, send: { mode: 'online' } });
  const optima = join(env.dir, 'optima.json');
  const shop = join(env.dir, 'shop.json');
  await cp(join(REPO, 'mappings', 'optima-csv.json'), optima);
  await cp(join(REPO, 'mappings', 'shop-json.json'), shop);
  const c = JSON.parse(await readFile(env.configFile, 'utf8'));
  c.companies[0].inboxes[0].mapping = [optima, shop];
  await writeFile(env.configFile, JSON.stringify(c, null, 2));
  return { env, optima, shop };
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

test('one inbox, two mappings: the CSV and the JSON each go through their own mapping, a third file goes to errors with INBOX_NO_MAPPING', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env } = await mixedInbox(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    await cp(join(REPO, 'inbox-example', 'optima', CSV), join(env.inbox('mixed'), CSV));
    await cp(join(REPO, 'inbox-example', 'shop', JSON_FILE), join(env.inbox('mixed'), JSON_FILE));
    await writeFile(join(env.inbox('mixed'), 'faktury-2026-11.txt'), 'not an export\r\n');
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);

    const csv = await readJson<Result>(join(env.outbox, 'results', `${CSV}.result.json`));
    assert.deepEqual(csv.invoices.map((i) => [i.invoiceNumber, i.status]), [['FA/231/2026', 'accepted'], ['FA/232/2026', 'accepted'], ['FA/233/2026', 'accepted'], ['FA/234/2026', 'accepted']]);
    const json = await readJson<Result>(join(env.outbox, 'results', `${JSON_FILE}.result.json`));
    assert.deepEqual(json.invoices.map((i) => [i.invoiceNumber, i.status]), [['SKLEP/2026/11/0457', 'accepted'], ['SKLEP/2026/11/0458', 'accepted'], ['SKLEP/2026/11/0459', 'accepted']]);
    assert.equal(sim.counters().totals.accepted, 7);

    const report = await readJson<Report>(join(env.outbox, 'errors', 'faktury-2026-11.txt.error.json'));
    assert.equal(report.inboxId, 'mixed');
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_NO_MAPPING']);
    assert.match(report.errors[0]!.message, /no mapping of inbox "mixed" applies to the file name "faktury-2026-11\.txt": .*optima\.json takes "\*\.csv"; .*shop\.json takes "\*\.json"/);
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes('faktury-2026-11.txt'), 'the source itself is in errors/');
    assert.ok((await readFile(join(env.outbox, 'errors', 'faktury-2026-11.txt.error.txt'), 'utf8')).includes('INBOX_NO_MAPPING'));
    const tree = await listTree(env.dir);
    assert.deepEqual(tree.filter((p) => p.startsWith('work/claimed/')), []);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('the claim keeps the chosen mapping version: SIGKILL after the claim, the mapping edited to take no JSON any more, the file still goes through the version it was claimed with', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env, shop } = await mixedInbox(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    const shopSha = await sha256(shop);
    await cp(join(REPO, 'inbox-example', 'shop', JSON_FILE), join(env.inbox('mixed'), JSON_FILE));
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'after-claim' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const claimed = (await listTree(env.dir)).filter((p) => p.startsWith('work/claimed/'));
    assert.equal(claimed.length, 1, claimed.join());
    assert.match(claimed[0]!, new RegExp(`^work/claimed/mixed/${shopSha}/.*${JSON_FILE.replace('.', '\\.')}$`), 'claimed under the version of the shop mapping');

    const edited = JSON.parse(await readFile(shop, 'utf8'));
    edited.applies = { files: '*.xml' };
    await writeFile(shop, JSON.stringify(edited, null, 2));
    const second = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, second.stderr);
    const json = await readJson<Result>(join(env.outbox, 'results', `${JSON_FILE}.result.json`));
    assert.deepEqual(json.invoices.map((i) => i.status), ['accepted', 'accepted', 'accepted']);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('a mapping whose applies.inbox names another inbox is refused at start (CFG_MAPPING_APPLIES), nothing is claimed', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env, optima } = await mixedInbox(sim.baseUrl);
  try {
    const m = JSON.parse(await readFile(optima, 'utf8'));
    m.applies = { inbox: 'optima', company: 'other', files: '*.csv' };
    await writeFile(optima, JSON.stringify(m, null, 2));
    await cp(join(REPO, 'inbox-example', 'optima', CSV), join(env.inbox('mixed'), CSV));
    // in process (a child would say the same on stderr with exit code 2): the start is refused before any claim
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    const err = await agent.open().then(() => undefined, (e: unknown) => e as AgentError);
    await agent.close().catch(() => undefined);
    assert.equal(err?.code, 'CFG_INVALID', String(err));
    const lines = err.details ?? [];
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, /^\$\.companies\[0\]\.inboxes\[0\]\.mapping\[0\] \(company acme\): mapping .*optima\.json says it applies to inbox "optima" \(applies\.inbox\), but inbox "mixed" uses it.*\[CFG_MAPPING_APPLIES\]$/);
    assert.match(lines[1]!, /says it applies to company "other" \(applies\.company\), but company "acme" uses it.*\[CFG_MAPPING_APPLIES\]$/);
    assert.ok((await readdir(env.inbox('mixed'))).includes(CSV), 'the file stays in the inbox');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('preview --config without --mapping says which of the inbox\'s mappings it uses and why, or INBOX_NO_MAPPING', async () => {
  const { env, optima, shop } = await mixedInbox('http://127.0.0.1:9/v2');
  try {
    const run = async (name: string, from: string | undefined) => {
      const file = join(env.inbox('mixed'), name);
      if (from) await cp(from, file);
      else await writeFile(file, 'not an export\n');
      const out: string[] = [];
      const err: string[] = [];
      const code = await runPreview(file, { config: env.configFile, today: '2026-11-21' }, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), now: () => new Date('2026-11-21T09:00:00Z') });
      return { code, out: out.join(''), err: err.join('') };
    };
    const csv = await run(CSV, join(REPO, 'inbox-example', 'optima', CSV));
    assert.equal(csv.code, 0, csv.err);
    assert.ok(csv.err.startsWith(`mapping: ${optima} (mapping 1 of 2 of inbox "mixed" has applies.files "*.csv", and "${CSV}" matches "*.csv")\n`), csv.err);
    assert.equal(csv.out.split('<?xml ').length - 1, 4);
    const json = await run(JSON_FILE, join(REPO, 'inbox-example', 'shop', JSON_FILE));
    assert.equal(json.code, 0, json.err);
    assert.ok(json.err.startsWith(`mapping: ${shop} (mapping 2 of 2 of inbox "mixed", the first one that applies, has applies.files "*.json", and "${JSON_FILE}" matches "*.json")\n`), json.err);
    const txt = await run('notes.txt', undefined);
    assert.equal(txt.code, 1);
    assert.match(txt.err, /^error: .*no mapping of inbox "mixed" applies to the file name "notes\.txt": .*optima\.json takes "\*\.csv"; .*shop\.json takes "\*\.json".*\[INBOX_NO_MAPPING\]/);
  } finally {
    await env.cleanup();
  }
});
