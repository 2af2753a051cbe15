import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { readToken } from '../../src/config/read-token.ts';
import { isValidNip } from '../../src/core/nip.ts';
import { renderConfigSchema } from '../../src/config/render-config-schema.ts';
import { DEFAULT_LIMITS } from '../../src/core/limits.ts';
import { CONFIG_REFERENCE_BEGIN, CONFIG_REFERENCE_END, renderConfigReference } from '../../src/config/render-config-reference.ts';
import { AgentError } from '../../src/core/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { configSchema } from '../../src/config/config-schema.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('cfg-', fn);

const company = (over: Record<string, unknown> = {}) => ({
  id: 'acme',
  nip: '5265877635',
  name: 'ACME Sp. z o.o.',
  address: { line1: 'ul. Prosta 1', line2: '00-001 Warszawa' },
  token: { env: 'ACME_TOKEN' },
  inboxes: [{ id: 'csv', mapping: 'mappings/a.json' }],
  ...over,
});

async function write(dir: string, cfg: unknown): Promise<string> {
  const file = join(dir, 'config.json');
  await writeFile(file, typeof cfg === 'string' ? cfg : JSON.stringify(cfg, null, 2));
  return file;
}


async function failure(dir: string, cfg: unknown): Promise<AgentError> {
  const file = await write(dir, cfg);
  try {
    await loadConfig(file);
  } catch (e) {
    assert.ok(e instanceof AgentError);
    return e;
  }
  return assert.fail('loadConfig accepted an invalid configuration');
}

test('minimal config: defaults applied and folders resolved against the config folder', async () => {
  await withDir(async (dir) => {
    const cfg = await loadConfig(await write(dir, { environment: 'sim', companies: [company()] }));
    assert.equal(cfg.configFile, join(dir, 'config.json'));
    assert.equal(cfg.root, join(dir, 'data'));
    const c = cfg.companies[0]!;
    assert.equal(c.schema, 'FA(3)');
    assert.equal(c.address.country, 'PL');
    assert.deepEqual(c.folders, {
      inbox: join(dir, 'data', 'acme', 'inbox'),
      outbox: join(dir, 'data', 'acme', 'outbox'),
      archive: join(dir, 'data', 'acme', 'archive'),
      work: join(dir, 'data', 'acme', 'work'),
    });
    assert.deepEqual(c.inboxes, [{ id: 'csv', folder: join(dir, 'data', 'acme', 'inbox'), mapping: join(dir, 'mappings', 'a.json'), mappings: [join(dir, 'mappings', 'a.json')], limits: DEFAULT_LIMITS }]);
    assert.deepEqual(c.token, { env: 'ACME_TOKEN' });
    assert.equal(cfg.watcher.stabilityWindowMs, 2000);
    assert.equal(cfg.watcher.doneMarker, 'none');
    assert.deepEqual(cfg.watcher.ignore, []);
    assert.equal(cfg.send.mode, 'auto');
    assert.equal(cfg.send.upo.download, true);
    assert.equal(cfg.purchases.intervalMinutes, 60);
    assert.deepEqual(cfg.purchases.roles, ['Subject2']);
    assert.equal(cfg.resultsCsv.delimiter, ';');
    assert.equal(cfg.logging.dir, join(dir, 'data', 'logs'));
    assert.equal(cfg.simulator.mode, 'test');
    assert.equal(cfg.simulator.url, undefined);
    assert.equal(cfg.health.enabled, false);
  });
});

test('token file and explicit folders are resolved relative to the config file', async () => {
  await withDir(async (dir) => {
    const cfg = await loadConfig(
      await write(dir, {
        environment: 'test',
        root: 'state',
        logging: { dir: 'logs' },
        companies: [company({ token: { file: 'secrets/acme.token' }, folders: { outbox: '/srv/out', work: 'w' }, inboxes: [{ id: 'a', folder: 'in/a', mapping: 'm.json', files: '*.csv' }] })],
      }),
    );
    const c = cfg.companies[0]!;
    assert.deepEqual(c.token, { file: join(dir, 'secrets', 'acme.token') });
    assert.equal(c.folders.outbox, '/srv/out');
    assert.equal(c.folders.work, join(dir, 'w'));
    assert.equal(c.folders.archive, join(dir, 'state', 'acme', 'archive'));
    assert.deepEqual(c.inboxes[0], { id: 'a', folder: join(dir, 'in', 'a'), mapping: join(dir, 'm.json'), mappings: [join(dir, 'm.json')], files: '*.csv', limits: DEFAULT_LIMITS });
    assert.equal(cfg.logging.dir, join(dir, 'logs'));
  });
});

test('an inbox may name a list of mappings (issue 11, item 10): all resolved in order, mapping is the first; an empty list, a name twice or a number is refused with one line each', async () => {
  await withDir(async (dir) => {
    const cfg = await loadConfig(await write(dir, { environment: 'test', companies: [company({ inboxes: [{ id: 'mixed', mapping: ['a.json', 'sub/b.json'] }] })] }));
    const b = cfg.companies[0]!.inboxes[0]!;
    assert.deepEqual([b.mapping, b.mappings], [join(dir, 'a.json'), [join(dir, 'a.json'), join(dir, 'sub', 'b.json')]]);
    const e = await failure(dir, { environment: 'test', companies: [company({ inboxes: [{ id: 'a', folder: 'a', mapping: [] }, { id: 'b', folder: 'b', mapping: ['x.json', 'x.json'] }, { id: 'c', folder: 'c', mapping: 5 }] })] });
    assert.deepEqual(e.details, [
      '$.companies[0].inboxes[0].mapping: must have at least 1 item',
      '$.companies[0].inboxes[1].mapping: must NOT have duplicate items (items ## 1 and 0 are identical) (got an array)',
      `$.companies[0].inboxes[2].mapping: must be a string or a list (got 5) — ${configSchema.properties.companies.items.properties.inboxes.items.properties.mapping.description}`,
    ]);
  });
});

test('several problems are reported at once, each with its JSON path and what was expected', async () => {
  await withDir(async (dir) => {
    const e = await failure(dir, {
      environment: 'production',
      watcher: { stabilityWindowMs: 'long', pollingg: true },
      purchases: { intervalMinutes: 5 },
      companies: [company({ nip: '1234567890', address: {} }), company({ id: 'acme', nip: '12345', inboxes: [] })],
    });
    assert.equal(e.code, 'CFG_INVALID');
    assert.equal(e.kind, 'config');
    const d = e.details ?? [];
    const expect = [
      '$.environment: must be one of "sim", "test", "demo", "prod" (got "production")',
      '$.watcher.pollingg: unknown property (expected one of: usePolling, intervalMs, stabilityWindowMs, scanIntervalMs, doneMarker, ignore, maxFilesPerScan)',
      '$.purchases.intervalMinutes: must be >= 15 (got 5) — Minutes between downloads; KSeF asks for no less than 15.',
      '$.companies[0].nip: not a valid NIP: the checksum digit does not match (got "1234567890")',
      '$.companies[0].address.line1: required property is missing',
      '$.companies[1].inboxes: must have at least 1 item — Inboxes of this company, each with its mapping.',
      '$.companies[1].id: company id "acme" is already used by $.companies[0]',
    ];
    for (const line of expect) assert.ok(d.includes(line), `missing problem line:\n${line}\nin:\n${d.join('\n')}`);
    assert.ok(d.some((l) => l.startsWith('$.watcher.stabilityWindowMs: must be integer (got string)')), d.join('\n'));
    assert.ok(d.some((l) => l.startsWith('$.companies[1].nip: does not match the expected form (got "12345")')), d.join('\n'));
    assert.ok(!d.some((l) => l.startsWith('$.companies[1].nip: not a valid NIP')), 'a malformed NIP is reported once');
    assert.ok(e.message.includes('$.companies[0].nip'));
  });
});

test('FA(2) is refused on prod and demo with the reason, accepted on test and sim', async () => {
  await withDir(async (dir) => {
    for (const environment of ['prod', 'demo']) {
      const e = await failure(dir, { environment, companies: [company({ schema: 'FA(2)' })] });
      assert.equal(e.code, 'CFG_INVALID');
      assert.deepEqual(e.details, [
        `$.companies[0].schema: FA(2) is refused on environment "${environment}": KSeF accepts FA(2) only on TEST; DEMO and PROD accept FA(3) only (use "FA(3)", or environment "test" or "sim")`,
      ]);
    }
    const e = await failure(dir, { environment: 'sim', simulator: { mode: 'prod' }, companies: [company({ schema: 'FA(2)' })] });
    assert.deepEqual(e.details, [
      '$.companies[0].schema: FA(2) is refused with simulator.mode "prod": it behaves like KSeF PROD, which accepts FA(3) only (use "FA(3)" or simulator.mode "test")',
    ]);
    for (const environment of ['test', 'sim']) {
      const cfg = await loadConfig(await write(dir, { environment, companies: [company({ schema: 'FA(2)' })] }));
      assert.equal(cfg.companies[0]!.schema, 'FA(2)');
    }
  });
});

test('an inline token is refused and its value never appears in the error', async () => {
  await withDir(async (dir) => {
    const secret = 'SECRET-20260101-ABCDEF0123456789';
    for (const token of [secret, { value: secret }, { env: 'X', file: secret }, { file: 7 }]) {
      const e = await failure(dir, { environment: 'sim', companies: [company({ token })] });
      assert.equal(e.code, 'CFG_INVALID');
      const text = JSON.stringify({ m: e.message, d: e.details, s: e.stack, j: e.toJSON() });
      assert.ok(!text.includes(secret), text);
      assert.ok(e.details!.every((l) => l.startsWith('$.companies[0].token')), e.details!.join('\n'));
    }
  });
});

test('folders: work inside an inbox and inboxes sharing a folder without files are refused', async () => {
  await withDir(async (dir) => {
    const e = await failure(dir, {
      environment: 'sim',
      companies: [
        company({
          folders: { inbox: 'in', work: 'in/work' },
          inboxes: [
            { id: 'a', mapping: 'a.json' },
            { id: 'b', mapping: 'b.json', files: '*.xml' },
            { id: 'a', folder: 'other', mapping: 'c.json' },
          ],
        }),
      ],
    });
    assert.deepEqual(e.details, [
      '$.companies[0].inboxes[2].id: inbox id "a" is already used by $.companies[0].inboxes[0]',
      '$.companies[0].inboxes[0].files: required because 2 inboxes share the folder; each must say which files it takes',
      `$.companies[0].folders.work: must be outside the inbox folder of $.companies[0].inboxes[0] (${join(dir, 'in')}), or the agent would watch its own files`,
      `$.companies[0].folders.work: must be outside the inbox folder of $.companies[0].inboxes[1] (${join(dir, 'in')}), or the agent would watch its own files`,
    ]);
  });
});

test('JSON syntax errors name line and column; a missing file is CFG_READ', async () => {
  await withDir(async (dir) => {
    const e = await failure(dir, '{\n  "environment": "sim",\n  "companies": [,]\n}');
    assert.equal(e.code, 'CFG_JSON');
    assert.equal(e.where.line, 3);
    assert.equal(e.where.column, 17);
    await assert.rejects(loadConfig(join(dir, 'nope.json')), (err: AgentError) => err.code === 'CFG_READ');
  });
});

test('readToken reads env and file sources; errors never contain a value', async () => {
  await withDir(async (dir) => {
    assert.equal(await readToken({ env: 'T1' }, { T1: ' tok-1 \n' }), 'tok-1');
    await mkdir(join(dir, 's'));
    await writeFile(join(dir, 's', 't'), 'tok-2\r\n');
    assert.equal(await readToken({ file: join(dir, 's', 't') }), 'tok-2');
    await assert.rejects(readToken({ env: 'T2' }, {}), (e: AgentError) => e.code === 'CFG_TOKEN_MISSING' && e.message.includes('T2'));
    await assert.rejects(readToken({ file: join(dir, 'missing') }), (e: AgentError) => e.code === 'CFG_TOKEN_MISSING' && e.message.includes('ENOENT'));
  });
});

test('NIP checksum', () => {
  assert.equal(isValidNip('5265877635'), true);
  assert.equal(isValidNip('1234563218'), true);
  assert.equal(isValidNip('1234567890'), false);
  assert.equal(isValidNip('526587763'), false);
  assert.equal(isValidNip('52658776 5'), false);
  // one NIP rule for config and invoices: FA's pattern refuses a leading 0 even when the checksum holds
  assert.equal(isValidNip('0123456789'), false);
});

test('a seller NIP FA would refuse is refused at load, with the rule in words', async () => {
  await withDir(async (dir) => {
    const e = await failure(dir, { environment: 'sim', companies: [company({ nip: '0123456789' })] });
    assert.equal(e.code, 'CFG_INVALID');
    assert.ok(
      (e.details ?? []).includes('$.companies[0].nip: not a valid NIP: a NIP does not start with 0 and has no "00" at positions 2-3 (got "0123456789")'),
      (e.details ?? []).join('\n'),
    );
  });
});

test('config.example.json at the repo root is valid', async () => {
  const cfg = await loadConfig('config.example.json');
  assert.equal(cfg.environment, 'sim');
  assert.deepEqual(
    cfg.companies[0]!.inboxes.map((b) => [b.id, b.mapping.endsWith(`mappings/${{ optima: 'optima-csv', dos: 'dos-fixed', excel: 'excel-sales', 'erp-xml': 'erp-xml', shop: 'shop-json' }[b.id]}.json`)]),
    [['optima', true], ['dos', true], ['excel', true], ['erp-xml', true], ['shop', true]],
  );
});

test('schema/config.schema.json is up to date (run: npx tsx scripts/write-config-schema.ts)', async () => {
  assert.equal(await readFile('schema/config.schema.json', 'utf8'), renderConfigSchema());
});

test('docs/configuration.md lists every option as the schema declares it (run: npx tsx scripts/write-config-schema.ts)', async () => {
  const doc = await readFile('docs/configuration.md', 'utf8');
  const start = doc.indexOf(CONFIG_REFERENCE_BEGIN) + CONFIG_REFERENCE_BEGIN.length + 1;
  assert.equal(doc.slice(start, doc.indexOf(CONFIG_REFERENCE_END)), renderConfigReference());
  for (const option of ['`watcher.doneMarker`', '`companies[].inboxes[].files`', '`resultsCsv.columns`', '`purchases.backfillFrom`', '`health.port`']) {
    assert.ok(doc.includes(`| ${option} |`), option);
  }
});
