// Claims record the mapping version, and intake maps with the kept copy work/mappings/<sha>.json.
// Errors and reports must still name the mapping file the admin configured (and may say which
// version was used): a work-area hash is no place an admin can open and fix. Whole agent, in-process
// simulator over HTTP, the Optima example with a date the mapping cannot read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { MappingCache } from '../../src/mapping/mapping-cache.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

interface Err { code: string; message: string; where?: Record<string, unknown> }

test('a mapping error of a claimed file names the configured mapping file, not the kept copy in work/mappings/', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }] });
  try {
    const configured = join(REPO, 'mappings', 'optima-csv.json');
    const sha = createHash('sha256').update(await readFile(configured)).digest('hex');
    const text = iconv.decode(await readFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv')), 'windows-1250');
    const bad = text.replace('FA/231/2026;03.11.2026;', 'FA/231/2026;2026-11-03;');
    assert.notEqual(bad, text);
    await writeFile(join(env.inbox('optima'), 'zla-data.csv'), iconv.encode(bad, 'windows-1250'));
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    await agent.open();
    try {
      await agent.runOnce();
    } finally {
      await agent.close();
    }
    const report = await readJson<{ errors: Err[] }>(join(env.outbox, 'errors', 'zla-data.csv.error.json'));
    const dateErr = report.errors.find((e) => e.where?.['field'] === 'issueDate');
    assert.ok(dateErr, JSON.stringify(report.errors, null, 2));
    assert.equal(dateErr.where?.['mapping'], `${configured}#/invoice/issueDate`);
    const everything = JSON.stringify(report);
    assert.doesNotMatch(everything, /work[\\/]+mappings/, 'no error names the kept copy');
    assert.doesNotMatch(everything, new RegExp(sha), 'nor its hash as a file name');
    const txt = await readFile(join(env.outbox, 'errors', 'zla-data.csv.error.txt'), 'utf8');
    assert.doesNotMatch(txt, /work[\\/]+mappings/);
    assert.match(txt, /optima-csv\.json#\/invoice\/issueDate/);
  } finally {
    await env.cleanup();
  }
});

test('a kept mapping version that cannot be loaded: its problems name the configured file and say which version was used', async () => {
  await withTempDir('mapping-name-', async (dir) => {
    const kept = join(dir, 'work-mappings-0123abcd.json');
    await writeFile(kept, '{ "name": "broken", ');
    const cache = new MappingCache();
    for (const mappings of [undefined, cache]) {
      const r = await previewFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), {
        mapping: kept, mappingName: 'mappings/optima.json', mappingVersion: '0123abcd'.repeat(8),
        schema: 'FA(3)', today: '2026-11-21', ...(mappings ? { mappings } : {}),
      });
      assert.equal(r.ok, false);
      assert.equal(r.mapping, 'mappings/optima.json');
      assert.deepEqual(r.errors.map((e) => e.code), ['MAP_JSON_SYNTAX']);
      const e = r.errors[0]!;
      assert.equal(e.where.file, 'mappings/optima.json');
      assert.match(String(e.where.mapping), /^mappings\/optima\.json/);
      assert.match(e.message, /in the version of the mapping taken with the file when it was claimed, 0123abcd0123; a fix applies to files dropped again/);
      assert.doesNotMatch(JSON.stringify(e.toJSON()), /work-mappings/);
    }
  });
});
