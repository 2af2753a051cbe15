import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Big from 'big.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPurchaseState, purchaseStatus, runPurchaseSync } from '../../src/jobs/purchases/index.ts';
import { compilePurchaseMapping, loadPurchaseMapping } from '../../src/purchases-mapping/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import { policy, purchaseDirs, purchaseRequests, readPurchases } from './purchase-bed.ts';

const DAY = 86_400_000;
const DEFAULT_MAPPING = new URL('../../mappings/purchases-default.json', import.meta.url).pathname;

describe('purchase sync: query path, roles, back-fill, flat outputs', () => {
  it("'auto' takes a handful by metadata query + download by number, and a larger set by export", async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const few = t.sim.generateIncoming({ buyerNip: t.nip, count: 4, from: now - 5 * DAY, to: now - 60_000 });
      const deps = { client: t.client, clock: t.clock, policy: policy({ backfillFrom: new Date(now - 10 * DAY).toISOString().slice(0, 10) }), strategy: 'auto' as const };
      const r1 = await runPurchaseSync(d.company, deps);
      assert.equal(r1.ok, true, JSON.stringify(r1.errors));
      assert.deepEqual({ q: r1.calls.metadataQueries, dl: r1.calls.downloads, ex: r1.calls.exports, n: r1.downloaded }, { q: 1, dl: 4, ex: 0, n: 4 });
      const req = purchaseRequests(t.sim.counters().requests);
      assert.equal(req['GET /invoices/ksef/{ksefNumber}'], 4);
      assert.equal(req['POST /invoices/exports'], undefined);

      t.clock.advance(20 * 60_000);
      const many = t.sim.generateIncoming({ buyerNip: t.nip, count: 40, from: t.clock.now() - 10 * 60_000, to: t.clock.now() - 6 * 60_000 });
      const r2 = await runPurchaseSync(d.company, deps);
      assert.equal(r2.ok, true, JSON.stringify(r2.errors));
      assert.deepEqual({ q: r2.calls.metadataQueries, dl: r2.calls.downloads, ex: r2.calls.exports, n: r2.downloaded }, { q: 1, dl: 0, ex: 1, n: 40 });
      const files = await readPurchases(d.company.folders.outbox);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...few, ...many].sort());
      for (const f of files) assert.equal(f.record?.metadata?.ksefNumber, f.ksefNumber);
    } finally {
      await t.close();
      await d.cleanup();
    }
  });

  it('each role keeps its own cursor; an earlier backfillFrom later adds a back-fill stream up to the first start', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const old = t.sim.generateIncoming({ buyerNip: t.nip, count: 20, from: now - 60 * DAY, to: now - 40 * DAY });
      const recent = t.sim.generateIncoming({ buyerNip: t.nip, count: 20, from: now - 20 * DAY, to: now - 60_000 });
      const p1 = policy({ roles: ['Subject2', 'Subject3'], backfillFrom: new Date(now - 30 * DAY).toISOString().slice(0, 10) });
      const r1 = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: p1 });
      assert.equal(r1.ok, true, JSON.stringify(r1.errors));
      assert.deepEqual(r1.roles.map((r) => [r.role, r.downloaded, r.caughtUp]), [['Subject2', 20, true], ['Subject3', 0, true]]);
      const s1 = await loadPurchaseState(d.company.folders.work, 'acme', t.nip);
      assert.ok(s1.roles.Subject3!.main.cursor > s1.firstStart!);

      // finance asks for the older months too
      t.clock.advance(20 * 60_000);
      const p2 = { ...p1, roles: ['Subject2'] as const, backfillFrom: new Date(now - 90 * DAY).toISOString().slice(0, 10) };
      const r2 = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: p2 });
      assert.equal(r2.ok, true, JSON.stringify(r2.errors));
      assert.equal(r2.downloaded, 20);
      const files = await readPurchases(d.company.folders.outbox);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...old, ...recent].sort());
      const s2 = await loadPurchaseState(d.company.folders.work, 'acme', t.nip);
      assert.equal(s2.roles.Subject2!.backfill, undefined, 'the back-fill stream is finished and gone');
      assert.ok(s2.roles.Subject2!.main.cursor >= s1.roles.Subject2!.main.cursor);
      const st = await purchaseStatus(d.company);
      assert.deepEqual(st.roles.map((r) => [r.role, r.downloaded]), [['Subject2', 40], ['Subject3', 0]]);

      // the same setting next time: the old months are covered, only the new window is asked
      t.clock.advance(20 * 60_000);
      const r3 = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, policy: p2 });
      assert.equal(r3.ok, true);
      assert.equal(r3.calls.exports, 1);
      assert.equal(r3.downloaded + r3.duplicates, 0);
    } finally {
      await t.close();
      await d.cleanup();
    }
  });

  it('flat outputs: a CSV per package and an .erp.json per invoice from the reverse mapping', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const nums = t.sim.generateIncoming({ buyerNip: t.nip, count: 3, from: now - 2 * DAY, to: now - 60_000 });
      const mapping = await loadPurchaseMapping(DEFAULT_MAPPING);
      const r = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, mapping, policy: policy({ outputs: { metadata: true, csv: true, json: true } }) });
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      const csvFile = r.roles[0]!.csvFiles[0]!;
      assert.match(csvFile, /^purchases\/import\/purchases-\d{8}-EH-[0-9A-F-]+\.csv$/);
      const lines = (await readFile(join(d.company.folders.outbox, csvFile), 'utf8')).split('\r\n').filter(Boolean);
      assert.equal(lines.length, 4);
      const files = await readPurchases(d.company.folders.outbox);
      for (const f of files) {
        const erp = JSON.parse(await readFile(join(d.company.folders.outbox, 'purchases', f.month, `${f.ksefNumber}.erp.json`), 'utf8')) as Record<string, string>;
        assert.equal(erp['ksef_number'], f.ksefNumber);
        assert.equal(erp['buyer_nip'], t.nip);
        assert.ok(new Big(erp['gross_total']!).eq(f.record!.metadata!.grossAmount), `${erp['gross_total']} vs ${f.record!.metadata!.grossAmount}`);
        assert.ok(lines.some((l) => l.startsWith(`${f.ksefNumber};`)));
      }
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...nums].sort());
    } finally {
      await t.close();
      await d.cleanup();
    }
  });

  it('a mapping that fails for an invoice: the invoice is still stored, the download goes on, the error is visible', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    const d = await purchaseDirs(t.nip);
    try {
      const now = t.clock.now();
      const nums = t.sim.generateIncoming({ buyerNip: t.nip, count: 2, from: now - DAY, to: now - 60_000 });
      const mapping = compilePurchaseMapping({ fields: { n: { meta: 'ksefNumber' }, boom: { expr: '$error("no such column in our ERP")' } } }, 'broken.json');
      const r = await runPurchaseSync(d.company, { client: t.client, clock: t.clock, mapping, policy: policy({ outputs: { metadata: true, csv: true, json: false } }) });
      assert.equal(r.downloaded, 2);
      assert.equal(r.ok, false);
      assert.equal(r.errors[0]!.code, 'PURCHASE_MAPPING_EXPR');
      assert.match(r.errors[0]!.message, /^2 invoice\(s\) without a flat ERP row; last: field boom: the expression failed for .*no such column in our ERP/);
      assert.deepEqual(r.roles[0]!.flatErrors.map((e) => e.ksefNumber).sort(), [...nums].sort());
      assert.deepEqual(r.roles[0]!.csvFiles, []);
      assert.equal((await readPurchases(d.company.folders.outbox)).length, 2);
      assert.equal((await purchaseStatus(d.company)).lastError?.code, 'PURCHASE_MAPPING_EXPR');
    } finally {
      await t.close();
      await d.cleanup();
    }
  });
});
