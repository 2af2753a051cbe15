// A claimed file is mapped with the mapping of the inbox it came from, in the version it was
// claimed with — also after a SIGKILL right after the claim (KSEF_HOTFOLDER_CRASH_AT=after-claim),
// with the mapping edited before the restart, or with the inbox gone from the configuration (then
// it goes to errors saying so, never mapped with a guess). Real child processes, simulator over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

interface Result { status: string; invoices: { invoiceNumber: string; status: string; ksefNumber?: string }[] }

const SOURCE = 'faktury-2026-11.csv';

/** Two inboxes without file patterns; "first" maps 23% to 8 (a lookup), "second" is the stock Optima mapping. */
async function twoInboxes(simUrl: string): Promise<{ env: AgentEnv; mappingOf: (id: string) => string; config: () => Promise<Record<string, any>>; saveConfig: (c: unknown) => Promise<void> }> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'first', mapping: 'optima-csv.json' }, { id: 'second', mapping: 'optima-csv.json' }], simUrl, send: { mode: 'online' } });
  const stock = JSON.parse(await readFile(join(REPO, 'mappings', 'optima-csv.json'), 'utf8'));
  const mappingOf = (id: string): string => join(env.dir, `mapping-${id}.json`);
  await writeFile(mappingOf('first'), JSON.stringify({ ...stock, lookups: { ...stock.lookups, vat: { ...stock.lookups.vat, values: { ...stock.lookups.vat.values, '23%': '8' } } } }, null, 2));
  await writeFile(mappingOf('second'), JSON.stringify(stock, null, 2));
  const config = async (): Promise<Record<string, any>> => JSON.parse(await readFile(env.configFile, 'utf8'));
  const saveConfig = (c: unknown): Promise<void> => writeFile(env.configFile, JSON.stringify(c, null, 2));
  const c = await config();
  for (const b of c.companies[0].inboxes) b.mapping = mappingOf(b.id);
  await saveConfig(c);
  return { env, mappingOf, config, saveConfig };
}

/** The VAT rates (P_12) of each line of the invoice as it was sent to KSeF. */
async function sentRates(env: AgentEnv, number: string): Promise<string[]> {
  const r = await readJson<Result>(join(env.outbox, 'results', `${SOURCE}.result.json`));
  const inv = r.invoices.find((i) => i.invoiceNumber === number);
  assert.ok(inv?.ksefNumber, `${number} accepted: ${JSON.stringify(r.invoices)}`);
  const xml = await readFile(join(env.outbox, 'sent', `${inv.ksefNumber}.xml`), 'utf8');
  return [...xml.matchAll(/<P_12>([^<]*)<\/P_12>/g)].map((m) => m[1]!);
}

test('SIGKILL after the claim, mapping edited before the restart: the file is sent with its own inbox\'s mapping, in the version it was claimed with', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env, mappingOf } = await twoInboxes(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    await cp(join(REPO, 'inbox-example', 'optima', SOURCE), join(env.inbox('second'), SOURCE));
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'after-claim' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.equal(sim.counters().totals.attempts, 0, 'nothing sent before the crash');
    const stockBytes = await readFile(mappingOf('second'));
    // an admin edits the second mapping after the claim: 23% would now be 5
    const edited = JSON.parse(await readFile(mappingOf('second'), 'utf8'));
    edited.lookups.vat.values['23%'] = '5';
    await writeFile(mappingOf('second'), JSON.stringify(edited, null, 2));
    const second = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await sentRates(env, 'FA/231/2026'), ['23', '23', '5']);
    const tree = await listTree(env.dir);
    assert.deepEqual(tree.filter((p) => p.startsWith('work/claimed/')), [], 'claims cleared');
    // the version it was claimed with is kept until the next start sweeps it (no claim names it then)
    const stockSha = createHash('sha256').update(stockBytes).digest('hex');
    assert.deepEqual(tree.filter((p) => p.startsWith('work/mappings/')), [`work/mappings/${stockSha}.json`]);
    assert.deepEqual(tree.filter((p) => p.startsWith('outbox/errors/')), []);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('SIGKILL after the claim, then the inbox is removed from the configuration: the file goes to errors saying so, nothing is sent', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env, config, saveConfig } = await twoInboxes(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    await cp(join(REPO, 'inbox-example', 'optima', SOURCE), join(env.inbox('second'), SOURCE));
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'after-claim' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const c = await config();
    c.companies[0].inboxes = c.companies[0].inboxes.filter((b: { id: string }) => b.id !== 'second');
    await saveConfig(c);
    const second = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(sim.counters().totals.attempts, 0, 'nothing sent with a guessed mapping');
    const report = await readJson<{ inboxId: string; errors: { code: string; message: string }[] }>(join(env.outbox, 'errors', `${SOURCE}.error.json`));
    assert.equal(report.inboxId, 'second');
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_UNKNOWN']);
    assert.match(report.errors[0]!.message, /claimed from inbox "second", which is no longer in the configuration/);
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes(SOURCE), 'the source is in errors/');
    const r = await readJson<Result>(join(env.outbox, 'results', `${SOURCE}.result.json`));
    assert.deepEqual(r.invoices.map((i) => i.status), ['rejected']);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('a file claimed by an older version (claimed/<name>, no inbox recorded) with two inboxes goes to errors, never mapped with a guess', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env } = await twoInboxes(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    const work = JSON.parse(await readFile(env.configFile, 'utf8')).companies[0].folders.work as string;
    const claimed = join(env.dir, work, 'claimed');
    await mkdir(claimed, { recursive: true });
    await cp(join(REPO, 'inbox-example', 'optima', SOURCE), join(claimed, `20261121101010123-abcdef__${SOURCE}`));
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sim.counters().totals.attempts, 0);
    const report = await readJson<{ errors: { code: string; message: string }[] }>(join(env.outbox, 'errors', `${SOURCE}.error.json`));
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_UNKNOWN']);
    assert.match(report.errors[0]!.message, /earlier version of the agent, which did not record its inbox/);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
