// Issue 9 item 5, the 440 path without a record of the original: an invoice re-sent after its
// first send's outcome was lost gets 440 naming the original in a session we opened. It is ours
// only when the hash KSeF lists for that original is the hash of what we sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../src/core/events.ts';
import type { KsefClient, SessionInvoice } from '../../src/ksef/index.ts';
import { faContentHash } from '../../src/invoice/content-hash.ts';
import { ksefHash, writeInvoiceXml } from '../../src/pipeline/invoice-xml-files.ts';
import type { PipelineContext } from '../../src/pipeline/pipeline-context.ts';
import { SessionJournal } from '../../src/pipeline/session-journal.ts';
import { settleInvoices } from '../../src/pipeline/settle-invoice.ts';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';

const OLD = '20260302-SO-0000000001-0000000001-01';
const NEW = '20260302-SO-0000000002-0000000002-02';
const K = '5265877635-20260302-0100800DD2B5-26';
const XML = Buffer.from('<Faktura><Naglowek><DataWytworzeniaFa>2026-03-02T10:00:00Z</DataWytworzeniaFa></Naglowek><Fa><P_2>FV/1</P_2></Fa></Faktura>');

async function settleWith(listedHash: string) {
  const dir = await mkdtemp(join(tmpdir(), 'dup-440-'));
  try {
    const store = new LowdbStateStore({ dir: join(dir, 'state') });
    await store.open();
    const sessions = new SessionJournal(join(dir, 'state', 'sessions.log'));
    await sessions.open();
    await sessions.add(OLD);
    const listed: string[] = [];
    const client = {
      listSessionInvoices: async (ref: string): Promise<SessionInvoice[]> => {
        listed.push(ref);
        return [{ referenceNumber: 'R-1', invoiceHash: listedHash, ksefNumber: K, invoiceNumber: 'FV/1', status: { code: 200, description: 'Sukces' } }];
      },
      getInvoiceUpo: async () => ({ xml: Buffer.from('<UPO/>') }),
    } as unknown as KsefClient;
    const work = join(dir, 'work');
    const ctx = {
      company: { id: 'acme', schema: 'FA(3)', folders: { work, outbox: join(dir, 'outbox') } },
      store, client, bus: new EventBus(), sessions,
      send: { upo: { download: true } },
    } as unknown as PipelineContext;
    const file = await store.recordClaim({ companyId: 'acme', inboxId: 'csv', sourceName: 'f.csv', path: join(work, 'claimed', 'f.csv'), size: 1, sha256: 'sha', claimedAt: new Date().toISOString() });
    const [planned] = await store.planInvoices(file.id, [{ number: 'FV/1', kind: 'VAT', sellerNip: '5265877635', hash: ksefHash(XML), contentHash: faContentHash(XML) }]);
    await writeInvoiceXml(work, planned!.id, XML);
    await store.transition(planned!.id, 'intent-recorded', { sessionKind: 'online', sessionReferenceNumber: NEW });
    const inv = await store.transition(planned!.id, 'sent', { invoiceReferenceNumber: 'R-2' });
    const ksef: SessionInvoice = {
      referenceNumber: 'R-2', invoiceHash: inv.hash,
      status: { code: 440, description: 'Duplikat faktury', extensions: { originalKsefNumber: K, originalSessionReferenceNumber: OLD } },
    };
    const problems = await settleInvoices(ctx, [{ inv, ksef }]);
    const after = store.getInvoice(inv.id)!;
    await store.close();
    return { problems, after, listed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('440 naming an original in our own session with our bytes: accepted under the original KSeF number', async () => {
  const r = await settleWith(ksefHash(XML));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.listed, [OLD], 'KSeF was asked for the original hash');
  assert.equal(r.after.state, 'accepted');
  assert.equal(r.after.ksefNumber, K);
  assert.equal(r.after.duplicateOfOriginal, true);
});

test('440 naming an original in our own session with other bytes and no record of it: rejected, naming the original', async () => {
  const r = await settleWith('b3RoZXI=');
  assert.deepEqual(r.problems, []);
  assert.equal(r.after.state, 'rejected');
  assert.equal(r.after.ksefNumber, undefined);
  assert.equal(r.after.error?.code, 'INVOICE_NUMBER_REUSED');
  assert.match(r.after.error!.message, new RegExp(`status 440.*${OLD}.*${K}`));
  assert.match(r.after.error!.message, /correction invoice/);
});
