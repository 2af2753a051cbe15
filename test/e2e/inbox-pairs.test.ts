// Two files delivered together (input.companion): a header file and a lines file with one name
// stem are claimed together once both are complete, read as one source (header records, then
// line records, joined per invoice number), and archived or put into errors/ together. The real
// binary against the simulator over HTTP; a SIGKILL between the two renames of the claim
// (KSEF_HOTFOLDER_CRASH_AT=between-pair-claims) is recovered on restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { spawnAgent } from '../helpers/agent-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const HEADER = 'FS_2026_11_10_nag.csv';
const LINES = 'FS_2026_11_10_poz.csv';
const EXAMPLE = join(REPO, 'inbox-example', 'two-files');

interface Result { status: string; summary: { accepted: number }; invoices: { invoiceNumber: string; status: string; ksefNumber?: string; errors: { code: string; message: string }[] }[] }
interface Report { source: string; companion?: string; errors: { code: string; message: string; where?: { file?: string; row?: number } }[] }

/** An agent with one inbox "pairs" reading two-files-csv.json, its wait for the other half set to `waitSeconds`. */
async function pairsEnv(sim: RunningSimulator, waitSeconds: number, watcher: Record<string, unknown> = {}, files?: string): Promise<AgentEnv> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'pairs', mapping: 'two-files-csv.json', ...(files ? { files } : {}) }], simUrl: sim.baseUrl, send: { mode: 'online' }, watcher });
  const mapping = JSON.parse(await readFile(join(REPO, 'mappings', 'two-files-csv.json'), 'utf8'));
  mapping.input.companion.waitSeconds = waitSeconds;
  // the example names its inbox "two-files" (applies.inbox); here the inbox is "pairs"
  delete mapping.applies.inbox;
  const mappingFile = join(env.dir, 'two-files.json');
  await writeFile(mappingFile, JSON.stringify(mapping, null, 2));
  const config = JSON.parse(await readFile(env.configFile, 'utf8'));
  config.companies[0].inboxes[0].mapping = mappingFile;
  await writeFile(env.configFile, JSON.stringify(config, null, 2));
  sim.registerToken('9999999999', env.token);
  return env;
}

const drop = (env: AgentEnv, name: string): Promise<void> => cp(join(EXAMPLE, name), join(env.inbox('pairs'), name));

/** The pair went through: 3 invoices with 3, 2 and 2 lines accepted once, both files archived, nothing left behind. */
async function assertPairAccepted(sim: RunningSimulator, env: AgentEnv): Promise<void> {
  const r = await readJson<Result>(join(env.outbox, 'results', `${HEADER}.result.json`));
  assert.equal(r.status, 'complete');
  assert.deepEqual(r.invoices.map((i) => [i.invoiceNumber, i.status]), [['FS/301/11/2026', 'accepted'], ['FS/302/11/2026', 'accepted'], ['FS/303/11/2026', 'accepted']]);
  const counters = sim.counters();
  assert.equal(counters.sends.length, 3);
  for (const row of counters.sends) assert.equal(row.attempts, 1, `${row.invoiceNumber} sent once`);
  // the lines of FS/301 are rows 1, 4 and 7 of the lines file: all three are on its invoice
  const xml = await readFile(join(env.outbox, 'sent', `${r.invoices[0]!.ksefNumber!}.xml`), 'utf8');
  assert.deepEqual([...xml.matchAll(/<P_7>([^<]*)<\/P_7>/g)].map((m) => m[1]), ['Lakier bezbarwny 5 l', 'Pędzel płaski 50 mm', 'Papier ścierny P120']);
  const tree = await listTree(env.dir);
  const archived = tree.filter((p) => p.startsWith('archive/')).map((p) => p.replace(/^archive\/[^/]+\//, '')).sort();
  assert.deepEqual(archived, [HEADER, LINES], 'both files archived');
  assert.deepEqual(await readdir(env.inbox('pairs')), []);
  assert.deepEqual(tree.filter((p) => p.startsWith('work/claimed/')), [], 'nothing left in the claim area');
  assert.deepEqual(tree.filter((p) => p.startsWith('outbox/errors/')), []);
}

test('a header file and its lines file in the inbox (whose pattern names the header files only): taken together, invoices joined across the files and accepted, both archived', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 600, {}, '*_nag.csv');
  try {
    await drop(env, HEADER);
    await drop(env, LINES);
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    await assertPairAccepted(sim, env);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('the lines file first, the header file later: the lines file waits in the inbox, then both are processed once', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 600, { stabilityWindowMs: 300 });
  const agent = spawnAgent(['run', '--config', env.configFile], env.env);
  try {
    await drop(env, LINES);
    // many scans and stability windows pass: the lines file is never taken on its own
    await sleep(2_000);
    assert.ok(agent.alive(), agent.output());
    assert.deepEqual(await readdir(env.inbox('pairs')), [LINES]);
    assert.deepEqual((await listTree(env.dir)).filter((p) => p.startsWith('work/claimed/') || p.startsWith('outbox/')), []);
    await drop(env, HEADER);
    await waitFor('the result of the pair', async () => {
      const r = await readJson<Result>(join(env.outbox, 'results', `${HEADER}.result.json`)).catch(() => undefined);
      return r?.status === 'complete' && (await listTree(env.dir)).filter((p) => p.startsWith('archive/')).length === 2;
    }, 30_000);
    await assertPairAccepted(sim, env);
  } finally {
    await agent.kill();
    await sim.close();
    await env.cleanup();
  }
});

test('a header file whose lines file never comes: after the wait it goes to errors/ with INBOX_COMPANION_MISSING naming the expected file, reported once', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 1);
  try {
    await drop(env, HEADER);
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sim.counters().totals.attempts, 0, 'nothing sent');
    const report = await readJson<Report>(join(env.outbox, 'errors', `${HEADER}.error.json`));
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_COMPANION_MISSING']);
    assert.match(report.errors[0]!.message, new RegExp(`companion file ${LINES} did not come within 1 seconds`));
    const r = await readJson<Result>(join(env.outbox, 'results', `${HEADER}.result.json`));
    assert.deepEqual(r.invoices.flatMap((i) => i.errors.map((e) => e.code)), ['INBOX_COMPANION_MISSING']);
    const tree = await listTree(env.dir);
    assert.ok(tree.includes(`outbox/errors/${HEADER}`));
    const log = await readFile(join(env.dir, tree.find((p) => p.endsWith('agent.log'))!), 'utf8');
    const lines = log.split('\n').filter((l) => l.includes('INBOX_COMPANION_MISSING'));
    assert.equal(lines.length, 1, `reported once in the log: ${lines.join('\n')}`);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('a lines file whose header file never comes: after the wait it goes to errors/ with INBOX_COMPANION_ALONE', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 1);
  try {
    await drop(env, LINES);
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    const report = await readJson<Report>(join(env.outbox, 'errors', `${LINES}.error.json`));
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_COMPANION_ALONE']);
    assert.deepEqual(await readdir(env.inbox('pairs')), []);
    assert.equal(sim.counters().totals.attempts, 0);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('a bad row in the lines file: both files go to errors/ together, the report names the lines file and its row', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 600);
  try {
    await drop(env, HEADER);
    const lines = (await readFile(join(EXAMPLE, LINES), 'utf8')).replace('Zeszyt A5 60 k.;szt.;30;', 'Zeszyt A5 60 k.;szt.;trzydzieści;');
    await writeFile(join(env.inbox('pairs'), LINES), lines);
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sim.counters().totals.attempts, 0, 'the file is handled as a whole: nothing sent');
    const report = await readJson<Report>(join(env.outbox, 'errors', `${HEADER}.error.json`));
    assert.equal(report.companion, LINES);
    const bad = report.errors.find((e) => e.code !== 'PIPELINE_NOT_SENT');
    assert.ok(bad, JSON.stringify(report.errors));
    assert.equal(bad.where?.file, LINES);
    assert.equal(bad.where?.row, 6, 'the sixth record of the lines file');
    const errorsDir = (await listTree(env.dir)).filter((p) => p.startsWith('outbox/errors/'));
    assert.ok(errorsDir.includes(`outbox/errors/${HEADER}`) && errorsDir.includes(`outbox/errors/${LINES}`), errorsDir.join(', '));
    assert.deepEqual(await readdir(env.inbox('pairs')), []);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('SIGKILL between the two renames of a pair\'s claim: on restart the claimed header takes its lines file from the inbox, invoices accepted once', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 600);
  try {
    await drop(env, HEADER);
    await drop(env, LINES);
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'between-pair-claims' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    // the crash left the header claimed and the lines file in the inbox
    assert.deepEqual(await readdir(env.inbox('pairs')), [LINES]);
    assert.ok((await listTree(env.dir)).some((p) => p.startsWith('work/claimed/') && p.endsWith(`__${HEADER}`)));
    const second = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, second.stderr);
    await assertPairAccepted(sim, env);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('SIGKILL between archiving the lines file and the header file: on restart the header is archived too, nothing sent again', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await pairsEnv(sim, 600);
  try {
    await drop(env, HEADER);
    await drop(env, LINES);
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'between-pair-moves' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const tree = await listTree(env.dir);
    assert.deepEqual(tree.filter((p) => p.startsWith('archive/')).map((p) => p.replace(/^archive\/[^/]+\//, '')), [LINES], 'only the lines file archived before the crash');
    const second = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, second.stderr);
    await assertPairAccepted(sim, env);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
