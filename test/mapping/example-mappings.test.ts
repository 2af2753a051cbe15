/** Each example mapping with its example input from inbox-example/ → the expected canonical invoices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Big from 'big.js';
import { describeError } from '../../src/core/errors.ts';
import { readRecords } from '../../src/readers/index.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import type { Invoice } from '../../src/core/invoice.ts';

interface Expected {
  readonly input: string;
  readonly mapping: string;
  readonly invoices: readonly (Record<string, unknown> & { lineCount: number; statedTotals?: Record<string, string> })[];
}

for (const name of ['optima-csv', 'dos-fixed', 'excel-sales', 'erp-xml', 'shop-json']) {
  test(`example mapping ${name}: its example input gives the expected canonical invoices`, async () => {
    const exp = JSON.parse(await readFile(`test/fixtures/examples/${name}.expected.json`, 'utf8')) as Expected;
    assert.equal(exp.mapping, `mappings/${name}.json`);
    const m = await loadMapping(exp.mapping);
    const got: Invoice[] = [];
    for await (const r of mapRecords(m, readRecords(exp.input, m.input, basename(exp.input)), { today: '2026-11-21' })) {
      if (!r.ok) assert.fail(r.errors.map(describeError).join('\n'));
      got.push(r.invoice);
    }
    assert.deepEqual(got.map((i) => i.number), exp.invoices.map((i) => i['number']));
    got.forEach((inv, k) => {
      const e = exp.invoices[k]!;
      assert.equal(inv.lines.length, e.lineCount, `${inv.number} lines`);
      for (const [key, want] of Object.entries(e)) {
        if (key === 'fa' || key === 'lineCount') continue;
        const have = (inv as unknown as Record<string, unknown>)[key];
        if (key === 'statedTotals') {
          for (const [t, v] of Object.entries(want as Record<string, string>)) assert.ok(new Big((have as Record<string, string>)[t]!).eq(v), `${inv.number} statedTotals.${t}`);
        } else if (key === 'buyer') {
          const b = want as Record<string, unknown>;
          assert.deepEqual({ id: inv.buyer.id, name: inv.buyer.name }, { id: b['id'], name: b['name'] }, `${inv.number} buyer`);
        } else {
          assert.deepEqual(have, want, `${inv.number} ${key}`);
        }
      }
    });
  });
}
