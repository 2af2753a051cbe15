// previewFile with a pool of worker threads (createCheckPool) gives exactly what it gives on one
// thread: the same invoices in the same order, byte-identical FA XML, and the same errors and
// warnings as real AgentErrors (code, message, where, rule).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { AgentError } from '../../src/core/errors.ts';
import { createCheckPool, type CheckPool } from '../../src/pipeline/check-pool.ts';
import { previewFile, type PreviewResult } from '../../src/pipeline/preview-file.ts';

const TODAY = '2026-11-21';
const NOW = new Date('2026-11-21T09:00:00Z');
const EXAMPLES = ['optima-csv', 'dos-fixed', 'excel-sales', 'erp-xml', 'shop-json'] as const;

let pool: CheckPool;
before(() => {
  pool = createCheckPool(2);
});
after(async () => {
  await pool.close();
});

/** Everything a caller sees of a preview, as plain data. */
function facts(r: PreviewResult) {
  const err = (e: AgentError) => {
    assert.ok(e instanceof AgentError, 'an AgentError, not a plain object');
    return { code: e.code, message: e.message, kind: e.kind, where: e.where, rule: e.rule, details: e.details };
  };
  return {
    ok: r.ok,
    errors: r.errors.map(err),
    invoices: r.invoices.map((i) => ({
      number: i.number,
      seller: i.seller,
      invoice: i.invoice,
      xml: i.xml ? { ...i.xml, xml: i.xml.xml.toString('utf8'), isBuffer: Buffer.isBuffer(i.xml.xml) } : undefined,
      errors: i.errors.map(err),
      warnings: i.warnings.map(err),
    })),
  };
}

for (const name of EXAMPLES) {
  test(`${name}: the same preview with a worker pool as without`, async () => {
    const exp = JSON.parse(readFileSync(`test/fixtures/examples/${name}.expected.json`, 'utf8')) as { input: string; mapping: string };
    const opts = { mapping: exp.mapping, schema: 'FA(3)' as const, today: TODAY, now: NOW };
    const alone = await previewFile(exp.input, opts);
    const pooled = await previewFile(exp.input, { ...opts, checkPool: pool });
    assert.ok(alone.invoices.length > 0);
    assert.equal(alone.ok, true);
    assert.deepEqual(facts(pooled), facts(alone));
    assert.ok(pooled.invoices.every((i) => i.xml && Buffer.isBuffer(i.xml.xml)), 'FA XML comes back as a Buffer');
  });
}

test('150 invoices (three batches over two workers) come back in file order, with the bad ones where they were', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'preview-pool-'));
  try {
    const rows = ['Numer;Data;NIP;Nabywca;Towar;Ilość;Cena;VAT'];
    for (let i = 1; i <= 150; i++) {
      const date = i === 70 ? '2026-12-24' : '2026-11-20'; // 70: issued after "today" (a rules error)
      const qty = i === 100 ? '1,2,3' : String(1 + (i % 5)); // 100: not a number (a mapping error)
      rows.push(`FV/${i};${date};9999999999;Firma ${i};Towar ${i};${qty};${10 + i},50;23`);
    }
    const file = join(dir, 'many.csv');
    await writeFile(file, rows.join('\n') + '\n');
    const mapping = join(dir, 'many.json');
    await writeFile(mapping, JSON.stringify({
      name: 'many', input: { format: 'csv', encoding: 'utf-8', csv: { delimiter: ';', header: true } },
      invoices: { per: 'record' },
      invoice: { number: { column: 'Numer' }, issueDate: { column: 'Data' }, buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } } },
      line: { description: { column: 'Towar' }, quantity: { column: 'Ilość', decimal: 'comma' }, unitNetPrice: { column: 'Cena', decimal: 'comma' }, vatRate: { column: 'VAT' } },
    }));
    const opts = { mapping, schema: 'FA(3)' as const, today: TODAY, now: NOW };
    const alone = await previewFile(file, opts);
    const pooled = await previewFile(file, { ...opts, checkPool: pool });
    assert.deepEqual(facts(pooled), facts(alone));
    assert.deepEqual(pooled.invoices.map((i) => i.number), Array.from({ length: 150 }, (_, k) => `FV/${k + 1}`));
    assert.deepEqual(pooled.invoices[69]!.errors.map((e) => e.code), ['FA_ISSUE_DATE_FUTURE']);
    assert.deepEqual(pooled.invoices[99]!.errors.map((e) => e.code), ['MAP_DECIMAL']);
    assert.equal(pooled.invoices.filter((i) => i.xml).length, 148);
    assert.equal(pooled.invoices[0]!.warnings[0]!.code, 'FA_ISSUE_DATE_PAST');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('errors found in a worker (stated totals mismatch) come back as AgentErrors with their place; the other invoices pass', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'preview-pool-'));
  try {
    const text = iconv.decode(await readFile('inbox-example/dos/FAKT1121.TXT'), 'cp852');
    const changed = text.replace('S000000331485000000026519000000358004', 'S000000331485000000026519000000358104');
    assert.notEqual(changed, text);
    const bad = join(dir, 'FAKT1123.TXT');
    await writeFile(bad, iconv.encode(changed, 'cp852'));
    const opts = { mapping: 'mappings/dos-fixed.json', schema: 'FA(3)' as const, today: TODAY, now: NOW };
    const alone = await previewFile(bad, opts);
    const pooled = await previewFile(bad, { ...opts, checkPool: pool });
    assert.deepEqual(facts(pooled), facts(alone));
    assert.equal(pooled.ok, false);
    const failed = pooled.invoices.filter((i) => i.errors.length > 0);
    assert.deepEqual(failed.map((i) => i.number), ['FS-0459/11/26']);
    const e = failed[0]!.errors[0]!;
    assert.equal(e.code, 'FA_TOTAL_MISMATCH');
    assert.equal(e.where.field, 'statedTotals.gross');
    assert.equal(e.where.value, '3581.04');
    assert.equal(e.where.file, 'FAKT1123.TXT');
    assert.match(e.message, /differs from the computed 3580\.04/);
    assert.ok(pooled.invoices.some((i) => i.xml), 'the other invoices of the file still get their XML');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a closed pool refuses work with a message; previewFile reports it per invoice', async () => {
  const closed = createCheckPool(1);
  await closed.close();
  await assert.rejects(closed.check([], { schema: 'FA(3)', today: TODAY }), /the check pool is closed/);
  const exp = JSON.parse(readFileSync('test/fixtures/examples/optima-csv.expected.json', 'utf8')) as { input: string; mapping: string };
  const r = await previewFile(exp.input, { mapping: exp.mapping, schema: 'FA(3)', today: TODAY, now: NOW, checkPool: closed });
  assert.equal(r.ok, false);
  assert.ok(r.invoices.length > 0);
  for (const i of r.invoices) {
    assert.deepEqual(i.errors.map((e) => e.code), ['PREVIEW_INTERNAL']);
    assert.match(i.errors[0]!.message, /the check pool is closed/);
    assert.equal(i.errors[0]!.where.invoice, i.number);
  }
});
