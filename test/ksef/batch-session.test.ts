import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { BatchFile } from '../../src/ksef/index.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

describe('batch session against the simulator', () => {
  it('sends 1,000 invoices in one batch of several parts and matches every result', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'prod' } });
    try {
      const files: BatchFile[] = [];
      for (let i = 1; i <= 1000; i++) {
        let xml = faSample({ sellerNip: t.nip, invoiceNumber: `FV/B/${i}` });
        if (i === 500) xml = xml.replace(/<P_1>[^<]*<\/P_1>/, '<P_1>not-a-date</P_1>');
        files.push({ fileName: `inv-${String(i).padStart(4, '0')}.xml`, content: xml });
      }
      const sub = await t.client.submitBatch(files, 'FA(3)', { maxPartBytes: 200_000 });
      assert.ok(sub.partCount >= 2, `parts: ${sub.partCount}`);
      assert.equal(sub.files.length, 1000);
      assert.equal(sub.files[0]!.invoiceHash, sha(String(files[0]!.content)));
      // the simulator processes in real time while the test clock is fake: let it finish first
      await t.sim.idle();
      // collecting works from the stored submission alone (as after a restart)
      const later = t.newClient();
      const res = await later.collectBatch({ sessionReferenceNumber: sub.sessionReferenceNumber, files: sub.files });
      assert.equal(res.session.status.code, 200, JSON.stringify(res.session.status));
      assert.equal(res.invoices.length, 1000);
      const accepted = res.invoices.filter((r) => r.state === 'accepted');
      assert.equal(accepted.length, 999);
      const bad = res.invoices.find((r) => r.fileName === 'inv-0500.xml');
      assert.equal(bad?.state, 'rejected');
      assert.equal(bad?.ksef?.status.code, 430);
      for (const r of accepted) {
        assert.equal(r.ksef?.invoiceFileName, r.fileName);
        assert.equal(r.ksef?.invoiceHash, r.invoiceHash);
        assert.match(r.ksef?.ksefNumber ?? '', new RegExp(`^${t.nip}-`));
      }
      assert.equal(new Set(accepted.map((r) => r.ksef?.ksefNumber)).size, 999);
      // the listing follows continuation tokens
      const paged = await later.listSessionInvoices(sub.sessionReferenceNumber, { pageSize: 100 });
      assert.equal(paged.length, 1000);
      assert.equal(new Set(paged.map((p) => p.referenceNumber)).size, 1000);
      const failed = await later.listSessionInvoices(sub.sessionReferenceNumber, { failedOnly: true });
      assert.deepEqual(failed.map((f) => f.invoiceFileName), ['inv-0500.xml']);
      const c = t.sim.counters();
      assert.equal(c.totals.accepted, 999);
      assert.equal(c.totals.attempts, 1000);
      // the session UPO lists the accepted invoices
      const upo = await later.getSessionUpo(sub.sessionReferenceNumber);
      assert.ok(upo.length >= 1);
      assert.ok(upo[0]!.xml.toString('utf8').includes(accepted[0]!.ksef!.ksefNumber!));
    } finally {
      await t.close();
    }
  });

  it('refuses a batch that cannot fit in 50 parts before opening anything', async () => {
    const t = await startClientSim();
    try {
      const files: BatchFile[] = Array.from({ length: 60 }, (_, i) => ({ fileName: `f${i}.xml`, content: faSample({ sellerNip: t.nip, invoiceNumber: `FV/BIG/${i}` }) }));
      await assert.rejects(t.client.submitBatch(files, 'FA(3)', { maxPartBytes: 1_000 }), { code: 'KSEF_BATCH_TOO_LARGE' });
      assert.equal(t.sim.counters().sessions.batch, 0);
      await assert.rejects(t.client.submitBatch([{ fileName: 'a.xml', content: 'x' }, { fileName: 'a.xml', content: 'y' }], 'FA(3)'), { code: 'KSEF_BAD_REQUEST' });
    } finally {
      await t.close();
    }
  });
  it('onOpened sees the session reference before any part is uploaded, onClosing after the last part and before the close', async () => {
    const t = await startClientSim();
    try {
      const log: string[] = [];
      const c = t.newClient({ onResponse: (r) => log.push(`${r.method} ${new URL(r.url).pathname.replace(/\/v2/, '')} ${r.status}`) });
      const files: BatchFile[] = Array.from({ length: 30 }, (_, i) => ({ fileName: `h-${i}.xml`, content: faSample({ sellerNip: t.nip, invoiceNumber: `FV/H/${i}` }) }));
      let openedRef = '';
      const sub = await c.submitBatch(files, 'FA(3)', {
        maxPartBytes: 4_000,
        onOpened: async (ref) => {
          openedRef = ref;
          log.push(`onOpened ${ref}`);
          // KSeF knows the session and has nothing to process yet
          assert.equal((await c.getSessionStatus(ref)).status.code, 100);
        },
        onClosing: async (ref) => {
          log.push(`onClosing ${ref}`);
        },
      });
      assert.equal(openedRef, sub.sessionReferenceNumber);
      assert.ok(sub.partCount >= 2, `parts: ${sub.partCount}`);
      const steps = log.filter((l) => !l.startsWith('GET /rate-limits') && !l.includes('/auth/') && !l.includes('/security/'));
      const at = (p: RegExp): number[] => steps.flatMap((l, i) => (p.test(l) ? [i] : []));
      const [open] = at(/^POST \/sessions\/batch 201$/);
      const [hookOpen] = at(/^onOpened /);
      const puts = at(/^PUT \/storage\/batch\//);
      const [hookClose] = at(/^onClosing /);
      const [close] = at(/^POST \/sessions\/batch\/[^/]+\/close 204$/);
      assert.equal(puts.length, sub.partCount);
      assert.ok(open! < hookOpen!, steps.join('\n'));
      assert.ok(hookOpen! < Math.min(...puts), steps.join('\n'));
      assert.ok(Math.max(...puts) < hookClose!, steps.join('\n'));
      assert.ok(hookClose! < close!, steps.join('\n'));
      assert.equal(steps[hookOpen! + 1], `GET /sessions/${sub.sessionReferenceNumber} 200`);
      await t.sim.idle();
      const res = await c.collectBatch(sub);
      assert.equal(res.invoices.filter((r) => r.state === 'accepted').length, 30);
    } finally {
      await t.close();
    }
  });

  it('an onOpened that throws stops the batch before any upload: the error propagates, KSeF later cancels the session (440)', async () => {
    const t = await startClientSim();
    try {
      const log: string[] = [];
      const c = t.newClient({ onResponse: (r) => log.push(`${r.method} ${new URL(r.url).pathname}`) });
      const boom = new Error('state store is full');
      let ref = '';
      let closing = 0;
      const files: BatchFile[] = [{ fileName: 'a.xml', content: faSample({ sellerNip: t.nip, invoiceNumber: 'FV/T/1' }) }];
      await assert.rejects(
        c.submitBatch(files, 'FA(3)', {
          onOpened: async (r) => {
            ref = r;
            throw boom;
          },
          onClosing: async () => {
            closing++;
          },
        }),
        (e) => e === boom,
      );
      assert.match(ref, /-SB-/);
      assert.equal(closing, 0);
      assert.deepEqual(log.filter((l) => l.startsWith('PUT ') || l.endsWith('/close')), [], 'nothing uploaded, nothing closed');
      assert.equal((await c.getSessionStatus(ref)).status.code, 100);
      assert.deepEqual(t.sim.expireSessions(), [ref]);
      const st = await c.getSessionStatus(ref);
      assert.deepEqual([st.status.code, st.status.details], [440, ['Przekroczono czas wysyłki']]);
      assert.equal(t.sim.counters().totals.attempts, 0);
    } finally {
      await t.close();
    }
  });

  it('an onClosing that throws leaves the session unclosed (status 100, nothing processed)', async () => {
    const t = await startClientSim();
    try {
      const files: BatchFile[] = [{ fileName: 'a.xml', content: faSample({ sellerNip: t.nip, invoiceNumber: 'FV/C/1' }) }];
      let ref = '';
      await assert.rejects(
        t.client.submitBatch(files, 'FA(3)', {
          onOpened: async (r) => {
            ref = r;
          },
          onClosing: async () => {
            throw new Error('stop before close');
          },
        }),
        /stop before close/,
      );
      await t.sim.idle();
      assert.equal((await t.client.getSessionStatus(ref)).status.code, 100);
      assert.equal(t.sim.counters().totals.attempts, 0);
    } finally {
      await t.close();
    }
  });
  it('a close that keeps failing with 5xx is asked about and repeated at most 3 times, then reported as an unknown outcome', async () => {
    const t = await startClientSim();
    try {
      const log: string[] = [];
      const c = t.newClient({ onResponse: (r) => log.push(`${r.method} ${new URL(r.url).pathname.replace(/^\/v2/, '')} ${r.status}`) });
      const files: BatchFile[] = [{ fileName: 'a.xml', content: faSample({ sellerNip: t.nip, invoiceNumber: 'FV/K/1' }) }];
      t.sim.setFaults({ error5xxRate: 1, paths: ['/close'] });
      let ref = '';
      let closing = 0;
      await assert.rejects(
        c.submitBatch(files, 'FA(3)', { onOpened: async (r) => void (ref = r), onClosing: async () => void closing++ }),
        { code: 'KSEF_OUTCOME_UNKNOWN' },
      );
      assert.equal(closing, 1);
      const closes = log.filter((l) => l.startsWith(`POST /sessions/batch/${ref}/close`));
      assert.equal(closes.length, 3, log.join('\n'));
      assert.ok(closes.every((l) => / 5\d\d$/.test(l)));
      assert.equal(log.filter((l) => l === `GET /sessions/${ref} 200`).length, 2, 'the status is asked before each repeat');
      // no close arrived: the session is still open (KSeF cancels it when its upload window ends)
      t.sim.setFaults({ error5xxRate: 0, paths: [] });
      assert.equal((await c.getSessionStatus(ref)).status.code, 100);
    } finally {
      await t.close();
    }
  });
});
