import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAPPING_CONFIG_CODES, MAPPING_DATA_CODES } from '../../src/mapping/error-codes.ts';

test('the pinned list of mapping error codes is exactly what src/mapping reports, and the guide documents each', async () => {
  const used = new Set<string>();
  for (const f of await readdir('src/mapping')) {
    if (f === 'error-codes.ts') continue;
    for (const m of (await readFile(join('src/mapping', f), 'utf8')).matchAll(/'(MAP_[A-Z_]+)'/g)) used.add(m[1]!);
  }
  const pinned = [...MAPPING_CONFIG_CODES, ...MAPPING_DATA_CODES];
  assert.deepEqual([...used].sort(), [...pinned].sort());
  const guide = await readFile('docs/mapping-guide.md', 'utf8');
  assert.deepEqual(pinned.filter((c) => c !== 'MAP_INVALID' && c !== 'MAP_FILE_READ' && !guide.includes(c)), []);
});
