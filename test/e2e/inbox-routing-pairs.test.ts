// Issue 11: `applies` routing and two files delivered together, in one inbox. The inbox "two-files"
// has two mappings, [shop-json, two-files-csv] (the pair mapping second, its applies.files
// "*_nag.csv" naming only the header files): the header file is taken with its lines file and
// read as one pair, the shop JSON goes through its own mapping, a file no mapping applies to goes
// to errors/ with INBOX_NO_MAPPING, and a lines file is never reported as unmatched (alone, it is
// INBOX_COMPANION_ALONE). `preview --config` on the header says which mapping and reads the pair.
// The real binary (`once`) against the simulator over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { listTree, makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { runPreview } from '../../src/cli/preview.ts';

interface Result { status: string; invoices: { invoiceNumber: string; status: string }[] }
interface Report { inboxId: string; companion?: string; errors: { code: string; message: string }[] }

const HEADER = 'FS_2026_11_10_nag.csv';
const LINES = 'FS_2026_11_10_poz.csv';
const LONE = 'FS_2026_11_11_poz.csv';
const JSON_FILE = 'orders-20261121.json';

async function routedPairsEnv(simUrl: string) {
  const env = await makeAgentEnv({ inboxes: [{ id: 'two-files', mapping: 'shop-json.json' }], simUrl, send: { mode: 'online' } });
  const shop = join(env.dir, 'shop.json');
  const pairs = join(env.dir, 'two-files.json');
  await cp(join(REPO, 'mappings', 'shop-json.json'), shop);
  const m = JSON.parse(await readFile(join(REPO, 'mappings', 'two-files-csv.json'), 'utf8'));
  m.input.companion.waitSeconds = 1;
  await writeFile(pairs, JSON.stringify(m, null, 2));
  const c = JSON.parse(await readFile(env.configFile, 'utf8'));
  c.companies[0].inboxes[0].mapping = [shop, pairs];
  await writeFile(env.configFile, JSON.stringify(c, null, 2));
  const inbox = env.inbox('two-files');
  await cp(join(REPO, 'inbox-example', 'two-files', HEADER), join(inbox, HEADER));
  await cp(join(REPO, 'inbox-example', 'two-files', LINES), join(inbox, LINES));
  await cp(join(REPO, 'inbox-example', 'two-files', LINES), join(inbox, LONE));
  await cp(join(REPO, 'inbox-example', 'shop', JSON_FILE), join(inbox, JSON_FILE));
  await writeFile(join(inbox, 'notes.txt'), 'not an export\r\n');
  return { env, shop, pairs, inbox };
}

test('one inbox, a shop mapping and a pair mapping: the pair and the JSON accepted, an unmatched file to errors with INBOX_NO_MAPPING, a lone lines file INBOX_COMPANION_ALONE, never unmatched', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { env } = await routedPairsEnv(sim.baseUrl);
  try {
    sim.registerToken('9999999999', env.token);
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);

    const pair = await readJson<Result>(join(env.outbox, 'results', `${HEADER}.result.json`));
    assert.deepEqual(pair.invoices.map((i) => [i.invoiceNumber, i.status]), [['FS/301/11/2026', 'accepted'], ['FS/302/11/2026', 'accepted'], ['FS/303/11/2026', 'accepted']]);
    const json = await readJson<Result>(join(env.outbox, 'results', `${JSON_FILE}.result.json`));
    assert.deepEqual(json.invoices.map((i) => [i.invoiceNumber, i.status]), [['SKLEP/2026/11/0457', 'accepted'], ['SKLEP/2026/11/0458', 'accepted'], ['SKLEP/2026/11/0459', 'accepted']]);
    assert.equal(sim.counters().totals.accepted, 6);

    const unmatched = await readJson<Report>(join(env.outbox, 'errors', 'notes.txt.error.json'));
    assert.deepEqual(unmatched.errors.map((e) => e.code), ['INBOX_NO_MAPPING']);
    assert.match(unmatched.errors[0]!.message, /shop\.json takes "\*\.json"; .*two-files\.json takes "\*_nag\.csv" with their companion files "\{stem\}_poz\.csv"/);
    const lone = await readJson<Report>(join(env.outbox, 'errors', `${LONE}.error.json`));
    assert.deepEqual(lone.errors.map((e) => e.code), ['INBOX_COMPANION_ALONE']);
    assert.match(lone.errors[0]!.message, new RegExp(`^${LONE} is the second file of a pair \\(input\\.companion\\.files "\\{stem\\}_poz\\.csv" of mapping .*two-files\\.json\\)`), 'names the mapping whose pair rule it waited under');

    const tree = await listTree(env.dir);
    const errors = tree.filter((p) => p.startsWith('outbox/errors/')).map((p) => p.slice('outbox/errors/'.length)).sort();
    assert.deepEqual(errors.filter((n) => !/\.error\.(json|txt)$/.test(n)), [LONE, 'notes.txt'], 'only the unmatched file and the lone lines file are in errors/');
    const archived = tree.filter((p) => p.startsWith('archive/')).map((p) => p.replace(/^archive\/[^/]+\//, '')).sort();
    assert.deepEqual(archived, [HEADER, LINES, JSON_FILE].sort());
    assert.deepEqual(tree.filter((p) => p.startsWith('work/claimed/')), []);
    const log = await readFile(join(env.dir, tree.find((p) => p.endsWith('agent.log'))!), 'utf8');
    assert.deepEqual(log.split('\n').filter((l) => l.includes('INBOX_NO_MAPPING') && /_poz\.csv/.test(l)), [], 'no lines file reported as unmatched');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('preview --config on the header file of a pair mapping in a two-mapping inbox says which mapping and reads its lines file', async () => {
  const { env, pairs, inbox } = await routedPairsEnv('http://127.0.0.1:9/v2');
  try {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), now: () => new Date('2026-11-21T09:00:00Z') };
    const code = await runPreview(join(inbox, HEADER), { config: env.configFile, today: '2026-11-21' }, io);
    assert.equal(code, 0, err.join(''));
    assert.ok(err.join('').startsWith(`mapping: ${pairs} (mapping 2 of 2 of inbox "two-files", the first one that applies, has applies.files "*_nag.csv", and "${HEADER}" matches "*_nag.csv")\n`), err.join(''));
    const xml = out.join('');
    assert.equal(xml.split('<?xml ').length - 1, 3);
    assert.deepEqual([...xml.matchAll(/<P_7>([^<]*)<\/P_7>/g)].map((m) => m[1]).slice(0, 3), ['Lakier bezbarwny 5 l', 'Pędzel płaski 50 mm', 'Papier ścierny P120']);
    out.length = err.length = 0;
    const lines = await runPreview(join(inbox, LINES), { config: env.configFile, today: '2026-11-21' }, io);
    assert.equal(lines, 1);
    assert.match(err.join(''), new RegExp(`^mapping: .*two-files\\.json \\(mapping 2 of 2 of inbox "two-files" reads pairs of files \\(input\\.companion\\), and "${LINES}" has the name of a companion file`));
    assert.match(err.join(''), /\[INBOX_COMPANION_ALONE\]/);
    assert.deepEqual((await readdir(inbox)).sort(), [HEADER, LINES, LONE, JSON_FILE, 'notes.txt'].sort(), 'preview takes nothing');
  } finally {
    await env.cleanup();
  }
});
