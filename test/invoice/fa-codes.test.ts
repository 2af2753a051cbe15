import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FA_ERROR_CODES, FA_WARNING_CODES } from '../../src/invoice/fa-codes.ts';

test('the code list is exactly what src/invoice reports, and docs/invoice-model.md documents each', () => {
  const dir = join(process.cwd(), 'src', 'invoice');
  const used = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'fa-codes.ts')) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/'(FA_[A-Z_]+)'/g)) used.add(m[1]!);
  }
  const listed = [...FA_ERROR_CODES, ...FA_WARNING_CODES];
  assert.deepEqual([...used].sort(), [...listed].sort());
  const docs = readFileSync(join(process.cwd(), 'docs', 'invoice-model.md'), 'utf8');
  for (const code of listed) assert.ok(docs.includes('`' + code + '`'), `${code} is documented`);
});
