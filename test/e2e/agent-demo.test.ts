// Issue 9 item 19: the first run speaks to people, and the example config leaves inbox-example/ alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import { checkConfig } from '../../src/config/check-config.ts';
import { listTree, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

test('demo: says what results/, upo/, sent/, errors/ and archive/ are for, where the log is, and where its folder stays', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-demo-'));
  try {
    const lines: string[] = [];
    await runDemo({ dir, out: (l) => lines.push(l) });
    const text = lines.join('\n');
    for (const f of ['outbox/results/', 'outbox/upo/', 'outbox/sent/', 'outbox/errors/', 'archive/']) assert.match(text, new RegExp(`^  ${f.replace('/', '\\/')}\\s+\\S`, 'm'), f);
    assert.ok(lines.includes(`  logs:            ${join(dir, 'logs', 'agent.log')} (one JSON line per event)`));
    assert.equal(lines.at(-2), `the demo folder stays for you to look at: ${dir} (remove it when done)`);
    assert.match(lines.at(-1)!, /^demo: \d+ accepted, \d+ errors$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('config.example.json, copied as the README says and run, leaves inbox-example/ untouched', async () => {
  const before = await listTree(join(REPO, 'inbox-example'));
  const raw = JSON.parse(await readFile(join(REPO, 'config.example.json'), 'utf8')) as { companies: { inboxes: { folder: string }[] }[] };
  for (const b of checkConfig(structuredClone(raw), join(REPO, 'ksef-hotfolder.json')).companies[0]!.inboxes) {
    assert.ok(!b.folder.startsWith(join(REPO, 'inbox-example')), `${b.folder} is not inside inbox-example/`);
  }
  // run it in a copy of the repository layout: mappings/ and inbox-example/ beside the config
  const dir = await mkdtemp(join(tmpdir(), 'ksef-example-'));
  try {
    await cp(join(REPO, 'mappings'), join(dir, 'mappings'), { recursive: true });
    await cp(join(REPO, 'inbox-example'), join(dir, 'inbox-example'), { recursive: true });
    await writeFile(join(dir, 'ksef-hotfolder.json'), JSON.stringify({ ...raw, $schema: undefined, logging: { console: false } }));
    for (const b of raw.companies[0]!.inboxes) await mkdir(join(dir, b.folder), { recursive: true });
    await cp(join(REPO, 'inbox-example/shop'), join(dir, raw.companies[0]!.inboxes.find((b) => b.folder.endsWith('shop'))!.folder), { recursive: true });
    const r = await runAgentChild(['once', '--config', join(dir, 'ksef-hotfolder.json')], { ...process.env, KSEF_TOKEN_DEMO: 'demo-token-for-the-example' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await listTree(join(dir, 'inbox-example')), before, 'the copy of inbox-example/ is untouched');
    assert.ok((await listTree(join(dir, 'demo-data'))).some((p) => p.endsWith('.result.json')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.deepEqual(await listTree(join(REPO, 'inbox-example')), before);
});
