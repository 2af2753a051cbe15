// Crash tests: the real binary (`once`) kills itself with SIGKILL at a named point
// (KSEF_HOTFOLDER_CRASH_AT), then runs again: every invoice accepted exactly once (simulator
// counters), every file accounted for, result files complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, listTree } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

interface Result { status: string; summary: { accepted: number }; invoices: { status: string; ksefNumber: string; upoFile: string }[] }

const CASES = [
  { point: 'after-claim', send: { mode: 'auto' } },
  { point: 'after-intent', send: { mode: 'online' } },
  { point: 'after-intent@3', send: { mode: 'online' } },
  { point: 'after-send@2', send: { mode: 'online' } },
  { point: 'while-outbox@2', send: { mode: 'online' } },
  { point: 'before-archive', send: { mode: 'online' } },
  { point: 'after-intent', send: { mode: 'batch' } },
  { point: 'after-batch-submit', send: { mode: 'batch' } },
] as const;

for (const c of CASES) {
  test(`SIGKILL at ${c.point} (${c.send.mode}), restart: every invoice accepted exactly once`, async () => {
    const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
    const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }, { id: 'dos', mapping: 'dos-fixed.json', example: 'dos' }], simUrl: sim.baseUrl, send: c.send });
    try {
      sim.registerToken('9999999999', env.token);
      const first = await runAgentChild(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: c.point });
      assert.equal(first.signal, 'SIGKILL', `the first run must die at ${c.point}: ${first.stderr}`);
      const second = await runAgentChild(['once', '--config', env.configFile], env.env);
      assert.equal(second.code, 0, second.stderr);
      const counters = sim.counters();
      assert.equal(counters.sends.length, 7, 'all 7 invoices reached KSeF');
      for (const row of counters.sends) {
        assert.equal(row.accepted, 1, `${row.invoiceNumber} accepted once`);
        if (!c.point.startsWith('after-intent') || c.send.mode !== 'batch') assert.equal(row.attempts, 1, `${row.invoiceNumber} sent once`);
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
    } finally {
      await sim.close();
      await env.cleanup();
    }
  });
}
