/** Shared set-up for purchase tests: a company with temp folders, a policy, and outbox readers. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PurchasesPolicy } from '../../src/config/agent-config.ts';
import type { PurchaseCompany, PurchaseRecordFile } from '../../src/jobs/purchases/index.ts';

export interface PurchaseDirs {
  readonly root: string;
  readonly company: PurchaseCompany;
  cleanup(): Promise<void>;
}

export async function purchaseDirs(nip: string): Promise<PurchaseDirs> {
  const root = await mkdtemp(join(tmpdir(), 'ksef-purchases-'));
  const company: PurchaseCompany = {
    id: 'acme',
    nip,
    folders: { inbox: join(root, 'inbox'), outbox: join(root, 'outbox'), archive: join(root, 'archive'), work: join(root, 'work') },
  };
  return { root, company, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function policy(over: Partial<PurchasesPolicy> = {}): PurchasesPolicy {
  return { enabled: true, intervalMinutes: 15, roles: ['Subject2'], outputs: { metadata: true, csv: false, json: false }, ...over };
}

export interface OutboxInvoice {
  readonly month: string;
  readonly ksefNumber: string;
  readonly xml: Buffer;
  readonly record?: PurchaseRecordFile;
}

/** Every purchase invoice XML in the outbox, with its marker JSON. */
export async function readPurchases(outbox: string): Promise<OutboxInvoice[]> {
  const base = join(outbox, 'purchases');
  const out: OutboxInvoice[] = [];
  let months: string[] = [];
  try {
    months = (await readdir(base)).filter((m) => /^\d{4}-\d{2}$/.test(m)).sort();
  } catch {
    return out;
  }
  for (const month of months) {
    const names = await readdir(join(base, month));
    for (const n of names.filter((x) => x.endsWith('.xml')).sort()) {
      const ksefNumber = n.slice(0, -4);
      const xml = await readFile(join(base, month, n));
      let record: PurchaseRecordFile | undefined;
      try {
        record = JSON.parse(await readFile(join(base, month, `${ksefNumber}.json`), 'utf8')) as PurchaseRecordFile;
      } catch {
        record = undefined;
      }
      out.push({ month, ksefNumber, xml, ...(record ? { record } : {}) });
    }
    // no temp files left behind
    const tmp = names.filter((x) => x.endsWith('.tmp'));
    if (tmp.length) throw new Error(`temp files left in ${month}: ${tmp.join(', ')}`);
  }
  return out;
}

/** Requests the simulator counted on the purchase endpoints. */
export function purchaseRequests(requests: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(requests)) if (k.includes('/invoices/')) out[k] = v;
  return out;
}
