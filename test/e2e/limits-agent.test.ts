// Issue 9, item 3 over the real binary and the simulator over HTTP: a one-invoice CSV far over
// the configured lines-per-invoice limit goes to errors/ with LIMIT_LINES_PER_INVOICE (the limit,
// its value, the key, the row), and a good file dropped after it is accepted in the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { writeOneInvoiceCsv } from '../helpers/one-invoice-csv.ts';

interface ErrorJson { errors: { code: string; message: string; rule?: string; where: { row?: number; line?: number; file?: string } }[] }
interface Result { status: string; summary: { accepted: number } }

test('a huge one-invoice CSV goes to errors with LIMIT_LINES_PER_INVOICE; a good file dropped after it is accepted', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({
    inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }],
    simUrl: sim.baseUrl,
    send: { mode: 'online' },
    extra: { limits: { maxLinesPerInvoice: 500 } },
  });
  try {
    sim.registerToken('9999999999', env.token);
    await writeOneInvoiceCsv(join(env.inbox('optima'), 'a-huge.csv'), 100_000);
    // the good file: the example with its own invoice numbers
    const example = await readFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'));
    await writeFile(join(env.inbox('optima'), 'b-good.csv'), Buffer.from(example.toString('latin1').replaceAll('FA/', 'FB/'), 'latin1'));
    const run = await runAgentChild(['once', '--config', env.configFile], env.env, 120_000);
    assert.equal(run.code, 0, run.stderr);

    const report = await readJson<ErrorJson>(join(env.outbox, 'errors', 'a-huge.csv.error.json'));
    assert.equal(report.errors.length, 1, JSON.stringify(report.errors));
    const e = report.errors[0]!;
    assert.equal(e.code, 'LIMIT_LINES_PER_INVOICE');
    assert.match(e.message, /one invoice has more than 500 lines .*over the limit maxLinesPerInvoice = 500/);
    assert.match(e.rule!, /limits\.maxLinesPerInvoice = 500/);
    assert.equal(e.where.file, 'a-huge.csv');
    assert.equal(e.where.row, 501);
    const txt = await readFile(join(env.outbox, 'errors', 'a-huge.csv.error.txt'), 'utf8');
    assert.match(txt, /row 501/);
    assert.match(txt, /LIMIT_LINES_PER_INVOICE/);
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes('a-huge.csv'), 'the source is in errors/');

    const good = await readJson<Result>(join(env.outbox, 'results', 'b-good.csv.result.json'));
    assert.equal(good.status, 'complete');
    assert.equal(good.summary.accepted, 4);
    assert.equal(sim.counters().sends.length, 4, 'only the good file reached KSeF');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
