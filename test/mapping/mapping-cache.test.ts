/** MappingCache: a mapping is compiled once per version of its file; previewFile can use it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MappingCache, MappingInvalidError } from '../../src/mapping/index.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const REPO = resolve(import.meta.dirname, '../..');
const SHOP_MAPPING = join(REPO, 'mappings/shop-json.json');
const SHOP_ORDERS = join(REPO, 'inbox-example/shop/orders-20261121.json');

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('ksef-mapping-cache-', fn);

/** Rewrites the mapping with another name and a later modification time. */
async function rename(path: string, name: string, mtime: Date): Promise<void> {
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...json, name }, null, 2));
  await utimes(path, mtime, mtime);
}

test('the same unchanged mapping file is compiled once and the same compiled mapping returned', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'shop.json');
    await copyFile(SHOP_MAPPING, path);
    const cache = new MappingCache();
    const a = await cache.get(path);
    const [b, c] = await Promise.all([cache.get(path), cache.get(path)]);
    assert.equal(a.name, 'Online shop orders (JSON)');
    assert.equal(b, a);
    assert.equal(c, a);
    assert.equal(cache.compiled, 1);
  });
});

test('an edited mapping file is compiled again; each path has its own entry', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'shop.json');
    const other = join(dir, 'other.json');
    await copyFile(SHOP_MAPPING, path);
    await copyFile(SHOP_MAPPING, other);
    const cache = new MappingCache();
    const first = await cache.get(path);
    await rename(path, 'Shop v2', new Date('2030-01-01T00:00:00Z'));
    const second = await cache.get(path);
    assert.notEqual(second, first);
    assert.equal(second.name, 'Shop v2');
    assert.equal(await cache.get(path), second);
    assert.equal((await cache.get(other)).name, 'Online shop orders (JSON)');
    assert.equal(cache.compiled, 3);
    cache.clear();
    assert.equal((await cache.get(path)).name, 'Shop v2');
    assert.equal(cache.compiled, 4);
  });
});

test('a broken mapping throws the same problems until it is fixed; a missing one is reported, not cached', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'shop.json');
    await writeFile(path, '{ "name": "x", }');
    await utimes(path, new Date('2029-01-01T00:00:00Z'), new Date('2029-01-01T00:00:00Z'));
    const cache = new MappingCache();
    for (let k = 0; k < 2; k++) {
      await assert.rejects(cache.get(path), (e: unknown) => {
        assert.ok(e instanceof MappingInvalidError);
        assert.deepEqual(e.problems.map((p) => p.code), ['MAP_JSON_SYNTAX']);
        return true;
      });
    }
    assert.equal(cache.compiled, 1);
    await copyFile(SHOP_MAPPING, path);
    await utimes(path, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    assert.equal((await cache.get(path)).name, 'Online shop orders (JSON)');
    assert.equal(cache.compiled, 2);

    const missing = join(dir, 'missing.json');
    for (let k = 0; k < 2; k++) {
      await assert.rejects(cache.get(missing), (e: unknown) => {
        assert.ok(e instanceof MappingInvalidError);
        assert.deepEqual(e.problems.map((p) => p.code), ['MAP_FILE_READ']);
        return true;
      });
    }
    assert.equal(cache.compiled, 4);
  });
});

test('previewFile with a mapping cache: the same result as without, the mapping compiled once for many files', async () => {
  await withDir(async (dir) => {
    const mapping = join(dir, 'shop.json');
    await copyFile(SHOP_MAPPING, mapping);
    const opts = { mapping, schema: 'FA(3)' as const, today: '2026-11-21', now: new Date('2026-11-21T09:00:00Z') };
    const plain = await previewFile(SHOP_ORDERS, opts);
    assert.equal(plain.ok, true);
    const cache = new MappingCache();
    for (let k = 0; k < 3; k++) {
      const cached = await previewFile(SHOP_ORDERS, { ...opts, mappings: cache });
      assert.equal(cached.ok, true);
      assert.deepEqual(cached.invoices.map((i) => i.number), plain.invoices.map((i) => i.number));
      assert.deepEqual(cached.invoices.map((i) => Buffer.from(i.xml!.xml).toString('utf8')), plain.invoices.map((i) => Buffer.from(i.xml!.xml).toString('utf8')));
    }
    assert.equal(cache.compiled, 1);
    // an invalid mapping gives the same per-problem errors through the cache as without it
    await writeFile(mapping, '{ "name": "x", }');
    await utimes(mapping, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    const bad = await previewFile(SHOP_ORDERS, { ...opts, mappings: cache });
    const badPlain = await previewFile(SHOP_ORDERS, opts);
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.errors.map((e) => [e.code, e.message]), badPlain.errors.map((e) => [e.code, e.message]));
    assert.equal(bad.errors[0]!.code, 'MAP_JSON_SYNTAX');
  });
});
