// Batch sends without presumptions, in process: the pipeline against a scripted KSeF client.
// What the state says after each kind of interruption, and what the poller does with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../../src/core/errors.ts';
import { EventBus } from '../../src/core/events.ts';
import type { AgentEvents } from '../../src/core/events.ts';
import type { BatchFile, BatchOptions, BatchSubmission, KsefClient, SessionInvoice, SessionStatus } from '../../src/ksef/index.ts';
import { writeInvoiceXml } from '../../src/pipeline/invoice-xml-files.ts';
import type { PipelineContext } from '../../src/pipeline/pipeline-context.ts';
import { pollInFlight } from '../../src/pipeline/poll-in-flight.ts';
import { batchFileName, sendPlanned } from '../../src/pipeline/send-planned.ts';
import { SessionJournal } from '../../src/pipeline/session-journal.ts';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';

const REF = '20260302-SB-0000000001-0000000001-01';

/** KSeF as the test scripts it; a call nobody scripted fails the test. */
interface Script {
  submitBatch?: (files: readonly BatchFile[], opts: BatchOptions) => Promise<BatchSubmission>;
  status?: (ref: string) => SessionStatus;
  list?: (ref: string) => SessionInvoice[];
}

async function bed(script: Script) {
  const dir = await mkdtemp(join(tmpdir(), 'batch-once-'));
  const store = new LowdbStateStore({ dir: join(dir, 'state') });
  await store.open();
  const sessions = new SessionJournal(join(dir, 'state', 'sessions.log'));
  await sessions.open();
  const bus = new EventBus();
  const warnings: AgentEvents['agent.warning'][] = [];
  bus.on('agent.warning', (w) => warnings.push(w));
  const calls: string[] = [];
  const client = {
    submitBatch: (files: readonly BatchFile[], _schema: string, opts: BatchOptions = {}) => {
      calls.push('submitBatch');
      if (!script.submitBatch) throw new Error('submitBatch not expected');
      return script.submitBatch(files, opts);
    },
    getSessionStatus: async (ref: string) => {
      calls.push(`status ${ref}`);
      if (!script.status) throw new Error('getSessionStatus not expected');
      return script.status(ref);
    },
    listSessionInvoices: async (ref: string) => {
      calls.push(`list ${ref}`);
      if (!script.list) throw new Error('listSessionInvoices not expected');
      return script.list(ref);
    },
  } as unknown as KsefClient;
  const work = join(dir, 'work');
  const ctx = {
    company: { id: 'acme', schema: 'FA(3)', folders: { work, outbox: join(dir, 'outbox') } },
    store, client, bus, sessions,
    send: { mode: 'batch', batchThreshold: 1, maxInvoicesPerBatch: 100, statusPollIntervalMs: 100, refusedRetryMs: 1000, upo: { download: true } },
  } as unknown as PipelineContext;
  const file = await store.recordClaim({ companyId: 'acme', inboxId: 'csv', sourceName: 'f.csv', path: join(work, 'claimed', 'f.csv'), size: 1, sha256: 'sha', claimedAt: new Date().toISOString() });
  const invoices = await store.planInvoices(file.id, [1, 2, 3].map((n) => ({ number: `FV/${n}`, kind: 'VAT', sellerNip: '5265877635', hash: `h${n}` })));
  for (const inv of invoices) await writeInvoiceXml(work, inv.id, Buffer.from(`<Faktura n="${inv.number}"/>`));
  const states = () => invoices.map((i) => store.getInvoice(i.id)!).map((i) => [i.state, i.sessionReferenceNumber ?? null]);
  const journal = () => readFile(join(dir, 'state', 'sessions.log'), 'utf8').catch(() => '');
  return { ctx, store, invoices, warnings, calls, states, journal, close: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
}

const transient = (m: string) => new AgentError('KSEF_UNAVAILABLE', m, { kind: 'transient' });
const status = (code: number, details?: string[]): SessionStatus => ({ status: { code, description: `status ${code}`, ...(details ? { details } : {}) }, dateCreated: '2026-03-02T10:00:00Z' });

test('the session reference is on every invoice and in the journal before the first part is uploaded', async () => {
  let seen: unknown[] = [];
  let journalAtOpen = '';
  const t = await bed({
    submitBatch: async (files, opts) => {
      await opts.onOpened!(REF);
      // what a crash right now would leave behind
      seen = t.states();
      journalAtOpen = await t.journal();
      await opts.onClosing!(REF);
      return { sessionReferenceNumber: REF, files: files.map((f) => ({ fileName: f.fileName, invoiceHash: 'x', invoiceSize: 1 })), partCount: 1, zipSize: 1, zipHash: 'z' };
    },
  });
  try {
    assert.deepEqual(await sendPlanned(t.ctx), []);
    assert.deepEqual(seen, [['intent-recorded', REF], ['intent-recorded', REF], ['intent-recorded', REF]]);
    assert.equal(journalAtOpen, `${REF}\n`);
    assert.deepEqual(t.states(), seen);
    assert.equal(t.warnings.length, 0);
  } finally {
    await t.close();
  }
});

test('a batch that fails before its close (upload refused) is planned again at once, with a warning', async () => {
  const t = await bed({
    submitBatch: async (_files, opts) => {
      await opts.onOpened!(REF);
      throw transient('part 1 upload: 503');
    },
  });
  try {
    const problems = await sendPlanned(t.ctx);
    assert.deepEqual(problems.map((p) => (p as AgentError).code), ['KSEF_UNAVAILABLE']);
    assert.deepEqual(t.states().map((s) => s[0]), ['planned', 'planned', 'planned']);
    assert.equal(t.warnings.length, 1);
    assert.equal(t.warnings[0]!.code, 'KSEF_UNAVAILABLE');
    assert.match(t.warnings[0]!.message, new RegExp(`batch session ${REF} \\(3 invoice\\(s\\)\\) stopped before it was closed.*planned again`));
    assert.equal(await t.journal(), `${REF}\n`, 'the session stays journalled, nothing else');
  } finally {
    await t.close();
  }
});

test('a batch whose open fails is planned again at once (no session to wait for, no extra warning)', async () => {
  const t = await bed({ submitBatch: async () => { throw transient('POST /sessions/batch: 503'); } });
  try {
    await sendPlanned(t.ctx);
    assert.deepEqual(t.states(), [['planned', null], ['planned', null], ['planned', null]]);
    assert.equal(t.warnings.length, 0, 'the error itself is the report: KSeF named no session');
    assert.equal(await t.journal(), '');
  } finally {
    await t.close();
  }
});

test('a close with an unknown outcome waits for the final session status: 100 → wait (one warning), 440 → planned', async () => {
  let code = 100;
  const t = await bed({
    submitBatch: async (_files, opts) => {
      await opts.onOpened!(REF);
      await opts.onClosing!(REF);
      throw new AgentError('KSEF_OUTCOME_UNKNOWN', 'close: socket hang up', { kind: 'transient' });
    },
    status: () => (code === 440 ? status(440, ['Przekroczono czas wysyłki']) : status(code)),
    list: () => [],
  });
  try {
    assert.equal((await sendPlanned(t.ctx)).length, 1);
    assert.deepEqual(t.states(), [['intent-recorded', REF], ['intent-recorded', REF], ['intent-recorded', REF]]);
    assert.equal(t.warnings.length, 0, 'closing may have worked: nothing is planned again');
    for (let pass = 0; pass < 3; pass++) assert.deepEqual(await pollInFlight(t.ctx), []);
    assert.deepEqual(t.states().map((s) => s[0]), ['intent-recorded', 'intent-recorded', 'intent-recorded']);
    assert.equal(t.warnings.length, 1, 'the wait is reported once');
    assert.equal(t.warnings[0]!.code, 'PIPELINE_BATCH_UNCLOSED');
    assert.match(t.warnings[0]!.message, new RegExp(`waiting for KSeF to cancel the interrupted batch ${REF} \\(3 invoice\\(s\\); opened 2026-03-02T10:00:00Z`));
    assert.deepEqual(t.calls.filter((c) => c.startsWith('list')), [], 'no listing while the session is open');
    code = 150;
    await pollInFlight(t.ctx);
    assert.equal(t.warnings.length, 1, 'processing (150) is no interruption');
    code = 440;
    assert.deepEqual(await pollInFlight(t.ctx), []);
    assert.deepEqual(t.states().map((s) => s[0]), ['planned', 'planned', 'planned']);
    assert.equal(await t.journal(), `${REF}\n`, 'no lost-batch presumption is written');
  } finally {
    await t.close();
  }
});

test('intent recorded in a batch without a session reference: planned without asking KSeF (nothing was uploaded)', async () => {
  const t = await bed({});
  try {
    await t.store.batch((tx) => {
      for (const inv of t.invoices) tx.transition(inv.id, 'intent-recorded', { sessionKind: 'batch' });
    });
    assert.deepEqual(await pollInFlight(t.ctx), []);
    assert.deepEqual(t.states().map((s) => s[0]), ['planned', 'planned', 'planned']);
    assert.deepEqual(t.calls, []);
  } finally {
    await t.close();
  }
});

test('a final batch session: invoices found by file name are sent, the absent ones planned; a new attempt drops the old reference', async () => {
  const t = await bed({ status: () => status(200), list: () => [] });
  try {
    const [a, b, c] = t.invoices;
    await t.store.batch((tx) => {
      for (const inv of t.invoices) tx.transition(inv.id, 'intent-recorded', { sessionKind: 'batch', sessionReferenceNumber: REF });
    });
    const listed: SessionInvoice[] = [
      { ordinalNumber: 1, referenceNumber: 'R-A', invoiceHash: 'other', invoiceFileName: batchFileName(a!), status: { code: 150, description: 'processing' } } as SessionInvoice,
      { ordinalNumber: 2, referenceNumber: 'R-B', invoiceHash: b!.hash, status: { code: 150, description: 'processing' } } as SessionInvoice,
    ];
    (t.ctx.client as unknown as { listSessionInvoices: () => Promise<SessionInvoice[]> }).listSessionInvoices = async () => listed;
    await pollInFlight(t.ctx);
    assert.deepEqual(t.states(), [['sent', REF], ['sent', REF], ['planned', REF]]);
    assert.equal(t.store.getInvoice(a!.id)!.invoiceReferenceNumber, 'R-A');
    // the next attempt of c starts without the old session's reference
    let during: unknown[] = [];
    (t.ctx.client as unknown as { submitBatch: KsefClient['submitBatch'] }).submitBatch = async () => {
      during = [t.store.getInvoice(c!.id)!.state, t.store.getInvoice(c!.id)!.sessionReferenceNumber ?? null];
      throw transient('down');
    };
    await sendPlanned(t.ctx);
    assert.deepEqual(during, ['intent-recorded', null]);
  } finally {
    await t.close();
  }
});
