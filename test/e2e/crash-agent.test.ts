// Crash tests: the real binary (`once`) kills itself with SIGKILL at a named point
// (KSEF_HOTFOLDER_CRASH_AT), then runs again: every invoice accepted exactly once and sent exactly
// once (simulator counters), every file accounted for, result files complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

interface Result { status: string; summary: { accepted: number }; invoices: { status: string; ksefNumber: string; upoFile: string }[] }

/**
 * `expire`: the crash left a batch session opened and never closed. KSeF cancels it (440) when its
 * upload window ends; the test makes the window end at once so the second run can reconcile.
 */
const CASES = [
  { point: 'after-claim', send: { mode: 'auto' }, expire: false },
  { point: 'after-intent', send: { mode: 'online' }, expire: false },
  { point: 'after-intent@3', send: { mode: 'online' }, expire: false },
  { point: 'after-send@2', send: { mode: 'online' }, expire: false },
  { point: 'while-outbox@2', send: { mode: 'online' }, expire: false },
  { point: 'before-archive', send: { mode: 'online' }, expire: false },
  { point: 'after-intent', send: { mode: 'batch' }, expire: false },
  { point: 'after-batch-open', send: { mode: 'batch' }, expire: true },
  { point: 'before-batch-close', send: { mode: 'batch' }, expire: true },
  { point: 'after-batch-submit', send: { mode: 'batch' }, expire: false },
] as const;

const INBOXES = [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }, { id: 'dos', mapping: 'dos-fixed.json', example: 'dos' }];

/** Everything a finished run must show: 7 invoices accepted once and sent once, files complete. */
async function assertExactlyOnce(sim: RunningSimulator, env: AgentEnv): Promise<void> {
  const counters = sim.counters();
  assert.equal(counters.sends.length, 7, 'all 7 invoices reached KSeF');
  for (const row of counters.sends) {
    assert.equal(row.accepted, 1, `${row.invoiceNumber} accepted once`);
    assert.equal(row.attempts, 1, `${row.invoiceNumber} sent once`);
    assert.equal(row.duplicates, 0, `${row.invoiceNumber} never a duplicate`);
  }
  for (const [source, n] of [['faktury-2026-11.csv', 4], ['FAKT1121.TXT', 3]] as const) {
    const r = await readJson<Result>(join(env.outbox, 'results', `${source}.result.json`));
    assert.equal(r.status, 'complete');
    assert.equal(r.summary.accepted, n);
    for (const i of r.invoices) assert.equal(i.upoFile, `${i.ksefNumber}.xml`);
  }
  const tree = await listTree(env.dir);
  assert.equal(tree.filter((p) => p.startsWith('archive/')).length, 2, 'both sources archived once');
  assert.equal(tree.filter((p) => p.startsWith('outbox/upo/')).length, 7);
  assert.equal(tree.filter((p) => p.startsWith('outbox/sent/')).length, 7);
  assert.deepEqual(await readdir(env.inbox('optima')), []);
  assert.equal(tree.filter((p) => p.startsWith('work/claimed/') || p.startsWith('work/xml/')).length, 0);
}

for (const c of CASES) {
  test(`SIGKILL at ${c.point} (${c.send.mode}), restart: every invoice accepted exactly once`, async () => {
    const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
    const env = await makeAgentEnv({ inboxes: INBOXES, simUrl: sim.baseUrl, send: c.send });
    try {
      sim.registerToken('9999999999', env.token);
      const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: c.point });
      assert.equal(first.signal, 'SIGKILL', `the first run must die at ${c.point}: ${first.stderr}`);
      if (c.expire) {
        // the interrupted batch is the only open session; nothing of it was processed
        assert.equal(sim.expireSessions().length, 1, 'one batch session left open by the crash');
        assert.equal(sim.counters().totals.attempts, 0);
      }
      const second = await runAgentChild(['once', '--config', env.configFile], env.env);
      assert.equal(second.code, 0, second.stderr);
      await assertExactlyOnce(sim, env);
    } finally {
      await sim.close();
      await env.cleanup();
    }
  });
}

/** CPU time (user + system, ms) of a Linux process so far, from /proc; undefined elsewhere. */
async function cpuMs(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

test('a batch interrupted before its close: `once` waits for KSeF to cancel it (quietly, no busy loop), then sends the invoices once', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: INBOXES, simUrl: sim.baseUrl, send: { mode: 'batch', statusPollIntervalMs: 200 } });
  try {
    sim.registerToken('9999999999', env.token);
    const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'before-batch-close' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const child = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'once', '--config', env.configFile], { env: env.env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      // the run reaches the interrupted session and says what it waits for
      const logFile = async (): Promise<string> => {
        const log = (await listTree(env.dir)).find((p) => p.endsWith('agent.log'));
        return log ? readFile(join(env.dir, log), 'utf8') : '';
      };
      const deadline = Date.now() + 30_000;
      while (!(await logFile()).includes('waiting for KSeF to cancel the interrupted batch')) {
        assert.ok(Date.now() < deadline, `no waiting message; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const statusGets = (): number => Object.entries(sim.counters().requests).filter(([k]) => k.startsWith('GET /sessions/{')).reduce((n, [, v]) => n + v, 0);
      const cpuBefore = await cpuMs(child.pid!);
      const getsBefore = statusGets();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 1_500));
      const wall = Date.now() - t0;
      const cpuAfter = await cpuMs(child.pid!);
      const gets = statusGets() - getsBefore;
      // one status question per poll interval (200 ms), not a busy loop
      assert.ok(gets >= 2 && gets <= 12, `status requests while waiting: ${gets}`);
      if (cpuBefore !== undefined && cpuAfter !== undefined) assert.ok(cpuAfter - cpuBefore < wall * 0.5, `CPU ${cpuAfter - cpuBefore} ms in ${wall} ms of waiting`);
      assert.equal(sim.counters().totals.attempts, 0, 'nothing sent while waiting');
      const log = await logFile();
      assert.equal(log.split('waiting for KSeF to cancel the interrupted batch').length - 1, 1, 'the wait is reported once');
      // KSeF's upload window for the interrupted session ends: 440, and the run finishes by itself
      assert.equal(sim.expireSessions().length, 1);
      assert.equal(await exited, 0, stderr);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    await assertExactlyOnce(sim, env);
    assert.equal(sim.counters().sessions.batch, 2, 'the interrupted batch and the one that resent it');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
