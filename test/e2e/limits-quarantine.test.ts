// Issue 9, item 3: a file that crashed the agent twice while it was being taken in is quarantined,
// not retried forever. Real child processes: the binary dies (SIGKILL, as the OOM killer does)
// during the file's intake twice; the third start moves it to errors/ with INTAKE_QUARANTINED,
// and a good file dropped next to it is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

interface ErrorJson { errors: { code: string; message: string; rule?: string }[] }
interface Result { status: string; summary: { accepted: number } }

const EXAMPLE = join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv');
/** the example with its own invoice numbers (a different file, not a duplicate) */
const variant = async (prefix: string): Promise<Buffer> => Buffer.from((await readFile(EXAMPLE)).toString('latin1').replaceAll('FA/', `${prefix}/`), 'latin1');

/** Files (not the per-inbox folders) waiting in work/claimed. */
async function claimedFiles(root: string): Promise<string[]> {
  const all = await readdir(join(root, 'work', 'claimed'), { recursive: true, withFileTypes: true });
  return all.filter((d) => d.isFile()).map((d) => d.name);
}

test('a file that killed the agent twice during intake is quarantined on the third start; a good file beside it is accepted', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  try {
    sim.registerToken('9999999999', env.token);
    await writeFile(join(env.inbox('optima'), 'killer.csv'), await variant('FK'));
    for (const n of [1, 2]) {
      const run = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'during-intake' });
      assert.equal(run.signal, 'SIGKILL', `start ${n} must die while taking the file in: ${run.stderr}`);
    }
    const claimed = await claimedFiles(env.dir);
    assert.equal(claimed.length, 1, 'after two crashes the file still waits in work/claimed');

    await writeFile(join(env.inbox('optima'), 'good.csv'), await variant('FG'));
    const third = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(third.code, 0, third.stderr);

    const report = await readJson<ErrorJson>(join(env.outbox, 'errors', 'killer.csv.error.json'));
    assert.deepEqual(report.errors.map((e) => e.code), ['INTAKE_QUARANTINED']);
    assert.match(report.errors[0]!.message, /the agent stopped 2 times while taking this file in/);
    assert.match(report.errors[0]!.rule!, /lower the limits/);
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes('killer.csv'), 'the source is in errors/');
    const txt = await readFile(join(env.outbox, 'errors', 'killer.csv.error.txt'), 'utf8');
    assert.match(txt, /INTAKE_QUARANTINED/);

    const good = await readJson<Result>(join(env.outbox, 'results', 'good.csv.result.json'));
    assert.equal(good.status, 'complete');
    assert.equal(good.summary.accepted, 4);
    assert.deepEqual(sim.counters().sends.map((s) => s.invoiceNumber).sort(), ['FG/231/2026', 'FG/232/2026', 'FG/233/2026', 'FG/234/2026']);
    assert.deepEqual(await claimedFiles(env.dir), []);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('a crash in a group of files does not quarantine the group: after it files are taken in one at a time, and only one with two crashes of its own is quarantined', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  try {
    sim.registerToken('9999999999', env.token);
    for (const p of ['FA', 'FB', 'FC']) await writeFile(join(env.inbox('optima'), `${p}.csv`), await variant(p));
    // the first start dies while taking in the second of its three files: all three were counted with their claim
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'during-intake@2' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    // the second start takes them in one at a time (each counted alone) and dies on the second one
    const second = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'during-intake@2' });
    assert.equal(second.signal, 'SIGKILL', second.stderr);
    const third = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(third.code, 0, third.stderr);
    // only the file being read at the second crash had two unfinished intakes of its own
    const quarantined = (await readdir(join(env.outbox, 'errors'))).filter((f) => f.endsWith('.error.json'));
    assert.equal(quarantined.length, 1, quarantined.join(', '));
    assert.deepEqual((await readJson<ErrorJson>(join(env.outbox, 'errors', quarantined[0]!))).errors.map((e) => e.code), ['INTAKE_QUARANTINED']);
    const accepted = ['FA', 'FB', 'FC'].filter((p) => `${p}.csv.error.json` !== quarantined[0]);
    assert.equal(accepted.length, 2);
    for (const p of accepted) {
      const r = await readJson<Result>(join(env.outbox, 'results', `${p}.csv.result.json`));
      assert.equal(r.summary.accepted, 4, p);
    }
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
