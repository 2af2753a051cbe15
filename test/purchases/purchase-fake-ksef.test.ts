import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KsefError } from '../../src/ksef/index.ts';
import type { ExportContents, ExportStatus, InvoiceMetadata, InvoiceQueryFilters } from '../../src/ksef/index.ts';
import { formatPurchaseStatus, loadPurchaseState, purchaseStatus, runPurchaseSync } from '../../src/jobs/purchases/index.ts';
import type { PurchaseKsefClient } from '../../src/jobs/purchases/index.ts';
import { emptyPurchaseState, savePurchaseState } from '../../src/jobs/purchases/purchase-state.ts';
import { createFakeClock } from '../helpers/client-clock.ts';
import { policy, purchaseDirs, readPurchases } from './purchase-bed.ts';

const NIP = '7740001454';
const xmlP = readFile(new URL('./fixtures/fa3-purchase.xml', import.meta.url));

type Answer = { status: ExportStatus } | { error: KsefError };

/** A scripted KSeF: each export gets the next answer; packages hold the given invoices. */
function fakeKsef(answers: Answer[], packages: Map<string, string[]>, xml: Buffer) {
  const filters: InvoiceQueryFilters[] = [];
  let n = 0;
  const byRef = new Map<string, Answer>();
  const refs: string[] = [];
  let failDownload: KsefError | undefined;
  const client: PurchaseKsefClient = {
    async startExport(f) {
      filters.push(f);
      const ref = `20260302-EH-${String(++n).padStart(10, '0')}-0000000000-00`;
      refs.push(ref);
      byRef.set(ref, answers.shift() ?? { status: { status: { code: 200, description: 'ok' }, package: { invoiceCount: 0, parts: [], isTruncated: false } } });
      return { referenceNumber: ref, key: 'k', iv: 'i' };
    },
    async getExport(ref) {
      const a = byRef.get(ref)!;
      if ('error' in a) throw a.error;
      return a.status;
    },
    async waitForExport(ref) {
      return client.getExport(ref);
    },
    async downloadExportPackage(_h, pkg) {
      if (failDownload) {
        const e = failDownload;
        failDownload = undefined;
        throw e;
      }
      const ref = [...byRef.entries()].find(([, a]) => 'status' in a && a.status.package === pkg)![0];
      const nums = packages.get(ref) ?? [];
      const hash = createHash('sha256').update(xml).digest('base64');
      const metadata = nums.map((k) => ({ ksefNumber: k, acquisitionDate: '2026-03-02T09:00:00Z', permanentStorageDate: '2026-03-02T09:00:01Z', invoiceHash: hash }) as unknown as InvoiceMetadata);
      const c: ExportContents = { invoices: nums.map((k) => ({ ksefNumber: k, fileName: `${k}.xml`, xml })), metadata, isTruncated: pkg.isTruncated };
      return c;
    },
    async queryMetadata() {
      throw new Error('not used');
    },
    async downloadInvoice() {
      throw new Error('not used');
    },
  };
  return { client, filters, refs, failNextDownload: (e: KsefError) => (failDownload = e) };
}

const done = (hwm: string, extra: Partial<NonNullable<ExportStatus['package']>> = {}): Answer => ({
  status: { status: { code: 200, description: 'ok' }, package: { invoiceCount: 0, parts: [], isTruncated: false, permanentStorageHwmDate: hwm, ...extra } },
});

describe('purchase sync against a scripted KSeF', () => {
  it('an HWM earlier than the cursor never moves the cursor back', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const k = fakeKsef([done('2026-03-10T11:59:00.000Z'), done('2026-03-10T10:00:00.000Z')], new Map(), xml);
      const deps = { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) };
      assert.equal((await runPurchaseSync(d.company, deps)).ok, true);
      const c1 = (await loadPurchaseState(d.company.folders.work, 'acme', NIP)).roles.Subject2!.main.cursor;
      assert.equal(c1, '2026-03-10T11:59:00.000Z');
      // the first window started at Warsaw midnight of the back-fill date, restricted to the HWM
      assert.deepEqual(k.filters[0], { subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: '2026-02-28T23:00:00.000Z', restrictToPermanentStorageHwmDate: true } });
      clock.advance(20 * 60_000);
      assert.equal((await runPurchaseSync(d.company, deps)).ok, true);
      assert.equal(k.filters[1]!.dateRange.from, c1, 'adjacent: the next window starts where the last ended');
      assert.equal((await loadPurchaseState(d.company.folders.work, 'acme', NIP)).roles.Subject2!.main.cursor, c1);
    } finally {
      await d.cleanup();
    }
  });

  it('export status 420 (from after the HWM): no error, cursor kept, nothing in flight', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const e420 = new KsefError('KSEF_EXPORT_FAILED', 'export ended with status 420', { statusCode: 420 });
      const k = fakeKsef([{ error: e420 }], new Map(), xml);
      const r = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) });
      assert.equal(r.ok, true);
      assert.equal(r.calls.exports, 1);
      assert.deepEqual(r.roles[0]!.dropped, []);
      const s = await loadPurchaseState(d.company.folders.work, 'acme', NIP);
      assert.equal(s.roles.Subject2!.main.cursor, '2026-02-28T23:00:00.000Z');
      assert.equal(s.roles.Subject2!.inFlight, undefined);
    } finally {
      await d.cleanup();
    }
  });

  it('a failed package download keeps the export in flight; the next run reads the same reference without a new export', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const nums = ['5265877635-20260302-0000000000A1-11', '5265877635-20260302-0000000000A2-22'];
      const k = fakeKsef([done('2026-03-10T11:59:00.000Z', { invoiceCount: 2 })], new Map([['20260302-EH-0000000001-0000000000-00', nums]]), xml);
      k.failNextDownload(new KsefError('KSEF_NETWORK', 'download export part 1: connection failed (ECONNRESET)'));
      const deps = { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) };
      const r1 = await runPurchaseSync(d.company, deps);
      assert.equal(r1.ok, false);
      assert.equal(r1.errors[0]!.code, 'KSEF_NETWORK');
      const st = await purchaseStatus(d.company);
      assert.equal(st.roles[0]!.exportInFlight, k.refs[0]);
      assert.equal(st.lastError?.code, 'KSEF_NETWORK');
      clock.advance(16 * 60_000);
      const r2 = await runPurchaseSync(d.company, deps);
      assert.equal(r2.ok, true, JSON.stringify(r2.errors));
      // the only new export is the next window, starting at the HWM the resumed package gave
      assert.equal(r2.calls.exports, 1);
      assert.equal(k.filters[1]!.dateRange.from, '2026-03-10T11:59:00.000Z');
      assert.equal(r2.downloaded, 2);
      const files = await readPurchases(d.company.folders.outbox);
      assert.deepEqual(files.map((f) => [f.month, f.ksefNumber, f.record?.source]), nums.map((n) => ['2026-03', n, k.refs[0]]));
      assert.deepEqual(files[0]!.xml, xml);
    } finally {
      await d.cleanup();
    }
  });

  it('an expired export (status 210) found after a restart is dropped and the window asked again', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const expired = new KsefError('KSEF_EXPORT_FAILED', 'export ended with status 210', { statusCode: 210 });
      const k = fakeKsef([{ error: expired }, done('2026-03-10T11:59:00.000Z')], new Map(), xml);
      const r = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) });
      assert.equal(r.ok, true);
      assert.equal(r.calls.exports, 2);
      // the drop stays visible as a warning in the run's report
      assert.deepEqual(r.roles[0]!.dropped.map((x) => [x.reference, x.status]), [[k.refs[0], 210]]);
      assert.equal(k.filters[1]!.dateRange.from, k.filters[0]!.dateRange.from);
      assert.equal((await loadPurchaseState(d.company.folders.work, 'acme', NIP)).roles.Subject2!.main.cursor, '2026-03-10T11:59:00.000Z');
    } finally {
      await d.cleanup();
    }
  });

  it('a state file of another NIP is refused loudly, not overwritten', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const k = fakeKsef([done('2026-03-10T11:59:00.000Z')], new Map(), xml);
      await runPurchaseSync(d.company, { client: k.client, clock, policy: policy() });
      const other = { ...d.company, nip: '5265877635' };
      const r = await runPurchaseSync(other, { client: k.client, clock, policy: policy(), force: true });
      assert.equal(r.ok, false);
      assert.equal(r.errors[0]!.code, 'PURCHASE_STATE_CORRUPT');
      assert.equal((await loadPurchaseState(d.company.folders.work, 'acme', NIP)).nip, NIP);
    } finally {
      await d.cleanup();
    }
  });

  it('the hourly export budget is persisted: after a restart a spent hour defers the run without calling KSeF', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const k = fakeKsef([], new Map(), xml);
      const state = emptyPurchaseState('acme', NIP);
      // 20 exports in the last hour, the oldest 50 minutes ago (as another run left them)
      state.rate['invoiceExport'] = { calls: Array.from({ length: 20 }, (_, i) => clock.now() - 50 * 60_000 + i * 60_000) };
      await savePurchaseState(d.company.folders.work, state);
      const r = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy() });
      assert.equal(r.ok, true);
      assert.equal(r.calls.exports, 0);
      assert.equal(k.filters.length, 0);
      assert.equal(r.deferredUntil, new Date(clock.now() + 10 * 60_000).toISOString());
      assert.equal(r.roles[0]!.caughtUp, false);
      // once the oldest call leaves the hour, the run goes ahead
      clock.advance(10 * 60_000 + 1);
      const r2 = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy() });
      assert.equal(r2.calls.exports, 1);
      assert.equal(r2.deferredUntil, undefined);
    } finally {
      await d.cleanup();
    }
  });
});


describe('purchase sync: an export KSeF keeps failing is an error, not a success', () => {
  const START = '2026-02-28T23:00:00.000Z';
  const e500 = () => ({ error: new KsefError('KSEF_EXPORT_FAILED', 'export ended with status 500 internal error', { statusCode: 500 }) });
  const ref = (n: number) => `20260302-EH-${String(n).padStart(10, '0')}-0000000000-00`;

  it('every export ends in 500: each run asks the window twice, records KSEF_EXPORT_FAILED, never a success, the cursor stays', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const k = fakeKsef(Array.from({ length: 100 }, e500), new Map(), xml);
      const deps = { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) };
      for (let run = 0; run < 3; run++) {
        const at = new Date(clock.now()).toISOString();
        const r = await runPurchaseSync(d.company, deps);
        const message = `role Subject2: the KSeF export of the window from ${START} to the high-water mark failed 2 times in this run (last: export ${ref(2 * run + 2)}, status 500: export ended with status 500 internal error); nothing was downloaded from this window, the position stays and the next run asks again`;
        assert.equal(r.ok, false);
        assert.deepEqual(r.errors, [{ code: 'KSEF_EXPORT_FAILED', message, at, role: 'Subject2' }]);
        // two exports of the same window, not the whole per-run cap of 10
        assert.equal(r.calls.exports, 2);
        assert.equal(r.downloaded, 0);
        assert.equal(r.roles[0]!.caughtUp, false);
        assert.deepEqual(r.roles[0]!.error, { code: 'KSEF_EXPORT_FAILED', message });
        assert.deepEqual(r.roles[0]!.dropped.map((x) => [x.reference, x.code, x.status, x.from, x.to]), [
          [ref(2 * run + 1), 'KSEF_EXPORT_FAILED', 500, START, undefined],
          [ref(2 * run + 2), 'KSEF_EXPORT_FAILED', 500, START, undefined],
        ]);
        const st = await purchaseStatus(d.company);
        assert.equal(st.lastSuccessAt, undefined);
        assert.deepEqual(st.lastError, { code: 'KSEF_EXPORT_FAILED', message, at, role: 'Subject2' });
        assert.equal(st.roles[0]!.cursor, START);
        assert.equal(st.roles[0]!.lastSuccessAt, undefined);
        assert.equal(st.roles[0]!.exportInFlight, undefined);
        assert.deepEqual(formatPurchaseStatus(st), [
          `purchases acme: last sync ${at}, last success never, 0 invoices downloaded`,
          `  Subject2: cursor ${START}, 0 downloaded, 0 repeats skipped`,
          `  last error ${at}: ${message} [KSEF_EXPORT_FAILED]`,
        ]);
        clock.advance(61 * 60_000);
      }
      assert.equal(k.filters.length, 6);
      assert.ok(k.filters.every((f) => f.dateRange.from === START));
    } finally {
      await d.cleanup();
    }
  });

  it('an expired export (KSEF_GONE) resumed after a restart and the same window failing again stop the role after one new export', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const gone = new KsefError('KSEF_GONE', 'GET /invoices/exports/{ref}: HTTP 410: gone', { httpStatus: 410 });
      const k = fakeKsef([{ error: gone }, e500(), done('2026-03-10T11:59:00.000Z')], new Map(), xml);
      // the export was started before a crash: it is in the state, KSeF has forgotten it
      const handle = await k.client.startExport({ subjectType: 'Subject2', dateRange: { dateType: 'PermanentStorage', from: START, restrictToPermanentStorageHwmDate: true } });
      const state = emptyPurchaseState('acme', NIP);
      state.roles.Subject2 = { main: { cursor: START }, coveredFrom: START, downloaded: 0, duplicates: 0, inFlight: { referenceNumber: handle.referenceNumber, key: 'k', iv: 'i', stream: 'main', from: START, startedAt: '2026-03-10T11:00:00.000Z' } };
      await savePurchaseState(d.company.folders.work, state);
      const r = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) });
      assert.equal(r.ok, false);
      assert.equal(r.calls.exports, 1);
      assert.equal(r.errors[0]!.code, 'KSEF_EXPORT_FAILED');
      assert.deepEqual(r.roles[0]!.dropped.map((x) => [x.reference, x.code, x.status]), [[ref(1), 'KSEF_GONE', 410], [ref(2), 'KSEF_EXPORT_FAILED', 500]]);
      assert.equal((await loadPurchaseState(d.company.folders.work, 'acme', NIP)).lastSuccessAt, undefined);
      // the next run gets a package: a success again, and the error is no longer shown
      clock.advance(16 * 60_000);
      const r2 = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }) });
      assert.equal(r2.ok, true, JSON.stringify(r2.errors));
      const st = await purchaseStatus(d.company);
      assert.equal(st.lastError, undefined);
      assert.equal(st.lastSuccessAt, r2.startedAt);
      assert.equal(st.roles[0]!.cursor, '2026-03-10T11:59:00.000Z');
    } finally {
      await d.cleanup();
    }
  });

  it('a run that moved the cursor and then had one export dropped at the export cap is a success with the drop reported; the next run fails on that window', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      // back-fill from October: the first window is a closed 3-month chunk, the second the open rest
      const k = fakeKsef([done('2026-03-10T11:59:00.000Z'), e500(), e500(), e500()], new Map(), xml);
      const deps = { client: k.client, clock, policy: policy({ backfillFrom: '2025-10-01' }), maxExportsPerRun: 2 };
      const r = await runPurchaseSync(d.company, deps);
      const mid = '2025-12-30T22:00:00.000Z';
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      assert.deepEqual(r.errors, []);
      assert.equal(r.calls.exports, 2);
      assert.equal(r.roles[0]!.caughtUp, false);
      assert.equal(r.roles[0]!.cursor, mid);
      assert.deepEqual(r.roles[0]!.dropped.map((x) => [x.reference, x.code, x.status, x.from, x.to, x.message]), [[ref(2), 'KSEF_EXPORT_FAILED', 500, mid, undefined, 'export ended with status 500 internal error']]);
      const st = await purchaseStatus(d.company);
      assert.equal(st.lastSuccessAt, r.startedAt);
      assert.equal(st.lastError, undefined);
      clock.advance(16 * 60_000);
      const r2 = await runPurchaseSync(d.company, deps);
      assert.equal(r2.ok, false);
      assert.equal(r2.calls.exports, 2);
      assert.equal(r2.errors[0]!.code, 'KSEF_EXPORT_FAILED');
      assert.match(r2.errors[0]!.message, /^role Subject2: the KSeF export of the window from 2025-12-30T22:00:00\.000Z to the high-water mark failed 2 times in this run/);
      const st2 = await purchaseStatus(d.company);
      assert.equal(st2.lastSuccessAt, r.startedAt);
      assert.equal(st2.lastError?.code, 'KSEF_EXPORT_FAILED');
      assert.equal(st2.roles[0]!.cursor, mid);
    } finally {
      await d.cleanup();
    }
  });

  it('the only export a run may start fails and nothing moved: an error naming the export cap', async () => {
    const xml = await xmlP;
    const clock = createFakeClock(Date.parse('2026-03-10T12:00:00Z'));
    const d = await purchaseDirs(NIP);
    try {
      const k = fakeKsef([e500()], new Map(), xml);
      const r = await runPurchaseSync(d.company, { client: k.client, clock, policy: policy({ backfillFrom: '2026-03-01' }), maxExportsPerRun: 1 });
      assert.equal(r.ok, false);
      assert.equal(r.calls.exports, 1);
      assert.deepEqual(r.errors.map((e) => [e.code, e.message]), [
        ['KSEF_EXPORT_FAILED', `role Subject2: the KSeF export of the window from ${START} to the high-water mark failed 1 time in this run and the run may start no more exports (maxExportsPerRun 1) (last: export ${ref(1)}, status 500: export ended with status 500 internal error); nothing was downloaded from this window, the position stays and the next run asks again`],
      ]);
      assert.equal((await purchaseStatus(d.company)).lastSuccessAt, undefined);
    } finally {
      await d.cleanup();
    }
  });
});
