// Every legal file name can be claimed and flows through to results/, the archive and errors/:
// 255-byte names (ASCII and Polish letters) next to normal files; `once` finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, listTree, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

test('255-byte file names are claimed, sent, archived or put into errors with their full names in the results', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  try {
    sim.registerToken('9999999999', env.token);
    const inbox = env.inbox('optima');
    const longGood = 'faktury-' + 'x'.repeat(243) + '.csv';
    const longBad = 'błędne-' + 'ą'.repeat(120) + '.csv';
    assert.equal(Buffer.byteLength(longGood), 255);
    assert.ok(Buffer.byteLength(longBad) <= 255 && Buffer.byteLength(longBad) > 240);
    await cp(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(inbox, longGood));
    await writeFile(join(inbox, longBad), 'not;a;sales;register\n1;2;3;4\n');
    const run = await runAgentChild(['once', '--config', env.configFile], env.env, 60_000);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await readdir(inbox), []);
    const tree = await listTree(env.dir);
    const results = tree.filter((p) => p.startsWith('outbox/results/') && p.endsWith('.result.json'));
    assert.equal(results.length, 2, tree.join('\n'));
    const bySource = new Map<string, { summary: { accepted: number } }>();
    for (const r of results) {
      const j = JSON.parse(await readFile(join(env.dir, r), 'utf8'));
      bySource.set(j.source, j);
      assert.ok(Buffer.byteLength(r.split('/').pop()!) <= 255);
    }
    assert.equal(bySource.get(longGood)?.summary.accepted, 4, 'the long-named file was sent, its result names it in full');
    assert.ok(bySource.has(longBad));
    assert.equal(tree.filter((p) => p.startsWith('archive/')).length, 1);
    const errors = tree.filter((p) => p.startsWith('outbox/errors/'));
    assert.equal(errors.length, 3, errors.join('\n')); // the source, .error.json, .error.txt
    const report = JSON.parse(await readFile(join(env.dir, errors.find((p) => p.endsWith('.error.json'))!), 'utf8'));
    assert.equal(report.source, longBad);
    assert.equal(tree.filter((p) => p.startsWith('work/claimed/')).length, 0, 'no claim or sidecar left');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
