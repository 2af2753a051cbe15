// Issue 9 item 15: the configuration and what it needs from the world are checked before anything
// starts — every problem at once, each with its JSON path and company; exit 2; nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeAgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

test('one report lists every problem (token, folder, mapping, port) with JSON path and company; exit 2; no state, no logs', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }, { id: 'optima', mapping: 'optima-csv.json' }] });
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  try {
    const cfg = JSON.parse(await readFile(env.configFile, 'utf8')) as { companies: Record<string, unknown>[] } & Record<string, unknown>;
    const acme = cfg.companies[0]! as { inboxes: { id: string; folder: string; mapping: string }[] } & Record<string, unknown>;
    acme.inboxes[1]!.folder = 'inbox/no-such-folder';
    await writeFile(join(env.dir, 'broken-mapping.json'), '{"format": "csv", "fields": {');
    acme.inboxes[0]!.mapping = 'broken-mapping.json';
    const beta = { ...acme, id: 'beta', nip: '5265877635', token: { file: 'no-such-token.txt' }, folders: { outbox: 'beta/outbox', archive: 'beta/archive', work: 'beta/work' }, inboxes: [{ id: 'shop', folder: 'inbox/shop', mapping: acme.inboxes[1]!.mapping, files: '*.json' }] };
    acme.inboxes[0] = { ...acme.inboxes[0]!, files: '*.json' } as never;
    await writeFile(env.configFile, JSON.stringify({ ...cfg, companies: [acme, beta], health: { enabled: true, port: (busy.address() as { port: number }).port } }));

    const r = await runAgentChild(['once', '--config', env.configFile], { ...process.env });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  $.'));
    const expect = [
      /^  \$\.companies\[0\]\.token\.env \(company acme\): environment variable KSEF_TOKEN_\w+ holding the KSeF token is not set or empty \[CFG_TOKEN_MISSING\]$/,
      /^  \$\.companies\[0\]\.inboxes\[0\]\.mapping \(company acme\): mapping .*broken-mapping\.json does not load: /,
      /^  \$\.companies\[0\]\.inboxes\[1\]\.folder \(company acme\): inbox folder .*no-such-folder does not exist$/,
      /^  \$\.companies\[1\]\.token\.file \(company beta\): cannot read the KSeF token file .*no-such-token\.txt \(ENOENT\) \[CFG_TOKEN_MISSING\]$/,
      /^  \$\.health\.port: port \d+ on 127\.0\.0\.1 is already in use by another program \[CFG_INVALID\]$/,
    ];
    assert.equal(lines.length, expect.length, r.stderr);
    expect.forEach((re, k) => assert.match(lines[k]!, re));
    assert.match(r.stderr, /has 5 problems:/);
    assert.doesNotMatch(r.stderr, /    at /, 'no stack trace');
    await assert.rejects(access(join(env.dir, 'data')), /ENOENT/, 'no state written');
    await assert.rejects(access(join(env.dir, 'logs')), /ENOENT/, 'no log written');
  } finally {
    busy.close();
    await env.cleanup();
  }
});

test('an API URL without /v2 is a configuration error, not 880 error lines; a missing --config exits 2', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], simUrl: 'http://127.0.0.1:9/' });
  try {
    const r = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\$\.simulator\.url: must be the API base ending in \/v2, e\.g\. http:\/\/127\.0\.0\.1:9\/v2 \(got "http:\/\/127\.0\.0\.1:9\/"\)/);
    const noConfig = await runAgentChild(['once'], env.env);
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /--config/);
  } finally {
    await env.cleanup();
  }
});
