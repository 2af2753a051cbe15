/**
 * One purchase sync in its own process, for crash tests. Environment:
 * PURCHASES_SIM_URL, PURCHASES_NIP, PURCHASES_TOKEN, PURCHASES_ROOT (company folders under it),
 * PURCHASES_BACKFILL (yyyy-mm-dd), PURCHASES_CSV=1 (flat CSV with mappings/purchases-default.json),
 * PURCHASES_KILL_AFTER=N (SIGKILL itself once N invoices are complete in the outbox).
 * Prints the PurchaseSyncResult as JSON on stdout.
 */
import { join } from 'node:path';
import { runPurchaseSync } from '../../src/jobs/purchases/index.ts';
import { createKsefClient } from '../../src/ksef/index.ts';
import { loadPurchaseMapping } from '../../src/purchases-mapping/index.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const root = env('PURCHASES_ROOT');
const token = env('PURCHASES_TOKEN');
const killAfter = Number(process.env['PURCHASES_KILL_AFTER'] ?? '0');
const csv = process.env['PURCHASES_CSV'] === '1';
const client = createKsefClient({ environment: 'sim', baseUrl: env('PURCHASES_SIM_URL'), nip: env('PURCHASES_NIP'), token: async () => token, poll: { intervalMs: 50, timeoutMs: 60_000 } });
let done = 0;
const result = await runPurchaseSync(
  { id: 'acme', nip: env('PURCHASES_NIP'), folders: { inbox: join(root, 'inbox'), outbox: join(root, 'outbox'), archive: join(root, 'archive'), work: join(root, 'work') } },
  {
    client,
    force: true,
    maxExportsPerRun: 20,
    policy: { enabled: true, intervalMinutes: 15, roles: ['Subject2'], backfillFrom: env('PURCHASES_BACKFILL'), outputs: { metadata: true, csv, json: false } },
    ...(csv ? { mapping: await loadPurchaseMapping(new URL('../../mappings/purchases-default.json', import.meta.url).pathname) } : {}),
    afterInvoice: () => {
      done++;
      if (killAfter > 0 && done >= killAfter) process.kill(process.pid, 'SIGKILL');
    },
  },
);
await client.close();
process.stdout.write(JSON.stringify(result));
