import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPurchaseState } from '../../src/jobs/purchases/index.ts';
import type { PurchaseSyncResult } from '../../src/jobs/purchases/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeNip } from '../helpers/fa-samples.ts';
import { purchaseDirs, readPurchases } from './purchase-bed.ts';

const DAY = 86_400_000;
const CHILD = new URL('../helpers/purchases-child.ts', import.meta.url).pathname;

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('error', reject);
    c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('purchase sync survives SIGKILL', () => {
  it('killed mid-package and restarted: the same export continues, every invoice once in the outbox and once in the CSVs', async () => {
    const sim = await startSimulator({ rateLimits: 'prod', exportMaxInvoices: 1_000 });
    const nip = makeNip(Math.floor(Math.random() * 1_000_000));
    const token = sim.registerToken(nip);
    const d = await purchaseDirs(nip);
    try {
      const now = Date.now();
      const seeded = sim.generateIncoming({ buyerNip: nip, count: 2_500, from: now - 80 * DAY, to: now - 60_000 });
      const env = {
        PURCHASES_SIM_URL: sim.baseUrl,
        PURCHASES_NIP: nip,
        PURCHASES_TOKEN: token,
        PURCHASES_ROOT: d.root,
        PURCHASES_BACKFILL: new Date(now - 85 * DAY).toISOString().slice(0, 10),
        PURCHASES_CSV: '1',
      };
      const killed = await runChild({ ...env, PURCHASES_KILL_AFTER: '1200' });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const mid = await loadPurchaseState(d.company.folders.work, 'acme', nip);
      const ref = mid.roles.Subject2!.inFlight?.referenceNumber;
      assert.ok(ref, 'the export in flight was on disk when the process died');
      assert.ok((mid.roles.Subject2!.inFlight?.storedCount ?? 0) > 0, 'and how far into its package the run had got');
      const partial = await readPurchases(d.company.folders.outbox);
      assert.ok(partial.length >= 1_200 && partial.length < 2_500, `after the kill: ${partial.length}`);

      const again = await runChild(env);
      assert.equal(again.code, 0, again.stderr);
      const result = JSON.parse(again.stdout) as PurchaseSyncResult;
      assert.equal(result.ok, true, JSON.stringify(result.errors));

      const files = await readPurchases(d.company.folders.outbox);
      assert.equal(files.length, 2_500);
      assert.deepEqual(files.map((f) => f.ksefNumber).sort(), [...seeded].sort());
      for (const f of files) assert.ok(f.record, `marker of ${f.ksefNumber}`);
      // the package in flight at the kill was read again from the same reference, not exported anew
      assert.ok(files.some((f) => f.record?.source === ref));
      const end = await loadPurchaseState(d.company.folders.work, 'acme', nip);
      assert.equal(end.roles.Subject2!.inFlight, undefined);
      assert.equal(sim.counters().requests['POST /invoices/exports'], end.rate['invoiceExport']!.calls.length, 'every export KSeF saw is in our persisted budget, none repeated');

      // CSV for the ERP: one file per package, each invoice in exactly one row overall
      const importDir = join(d.company.folders.outbox, 'purchases', 'import');
      const csvs = (await readdir(importDir)).filter((n) => n.endsWith('.csv'));
      const rows: string[] = [];
      for (const n of csvs) {
        const lines = (await readFile(join(importDir, n), 'utf8')).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
        assert.match(lines[0]!, /^ksef_number;received_at;invoice_number;/);
        rows.push(...lines.slice(1).map((l) => l.split(';')[0]!));
      }
      assert.equal(rows.length, 2_500);
      assert.deepEqual([...rows].sort(), [...seeded].sort());
    } finally {
      await sim.close();
      await d.cleanup();
    }
  });
});
