// Issue 11 item 7 at intake, over the real binary and the simulator over HTTP: a JSON file whose
// mapping names a path that matches nothing in it goes to errors/ with one MAP_PATH_UNMATCHED
// (not one per order) and nothing of it is sent; a good file of another inbox is accepted in the
// same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

interface ErrorJson { errors: { code: string; message: string; where: { file?: string; mapping?: string; value?: string } }[] }
interface Result { status: string; summary: { accepted: number } }

test('a mapping path that matches nothing in a JSON file fails the whole file at intake with one error; nothing of it is sent', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({
    inboxes: [{ id: 'shop', mapping: 'shop-json.json', example: 'shop' }, { id: 'erp', mapping: 'erp-xml.json', example: 'erp-xml' }],
    simUrl: sim.baseUrl,
    send: { mode: 'online' },
  });
  try {
    sim.registerToken('9999999999', env.token);
    const mapping = JSON.parse(await readFile(join(REPO, 'mappings', 'shop-json.json'), 'utf8')) as Record<string, any>;
    mapping['line'].quantity.path = 'qty';
    const typo = join(env.dir, 'shop-typo.json');
    await writeFile(typo, JSON.stringify(mapping, null, 2));
    const config = JSON.parse(await readFile(env.configFile, 'utf8')) as Record<string, any>;
    config['companies'][0].inboxes[0].mapping = typo;
    await writeFile(env.configFile, JSON.stringify(config, null, 2));

    const run = await runAgentChild(['once', '--config', env.configFile], env.env, 120_000);
    assert.equal(run.code, 0, run.stderr);

    const report = await readJson<ErrorJson>(join(env.outbox, 'errors', 'orders-20261121.json.error.json'));
    assert.deepEqual(report.errors.map((e) => e.code), ['MAP_PATH_UNMATCHED'], JSON.stringify(report.errors));
    const e = report.errors[0]!;
    assert.equal(e.message, 'path `qty` matches nothing in the lines (`items`) of any record of the file; the file has `type`, `sku`, `name`, `quantity`, `price`, `tax_rate`. The file was read as utf-8 (as the mapping\'s input.encoding says)');
    assert.equal(e.where.file, 'orders-20261121.json');
    assert.equal(e.where.mapping, `${typo}#/line/quantity/path`);
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes('orders-20261121.json'), 'the source is in errors/');

    const good = await readJson<Result>(join(env.outbox, 'results', 'export-20261121.xml.result.json'));
    assert.equal(good.status, 'complete');
    assert.equal(good.summary.accepted, 3);
    assert.equal(sim.counters().sends.length, 3, 'only the good file reached KSeF');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

