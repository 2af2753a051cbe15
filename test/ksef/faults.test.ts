import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KsefLogger } from '../../src/ksef/index.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';

function recordingLogger(): KsefLogger & { events: Array<{ msg: string; meta?: Record<string, unknown> }> } {
  const events: Array<{ msg: string; meta?: Record<string, unknown> }> = [];
  const push = (msg: string, meta?: Record<string, unknown>) => void events.push({ msg, ...(meta ? { meta } : {}) });
  return { events, debug: push, info: push, warn: push };
}

/** A random source that alternates low/high, so a fault rate of 0.5 hits every other request. */
function alternating(): () => number {
  let i = 0;
  return () => (i++ % 2 === 0 ? 0.1 : 0.9);
}

describe('faults, retries and rate limits against the simulator', () => {
  it('retries status polls through 5xx and HTML firewall pages', async () => {
    const logger = recordingLogger();
    const t = await startClientSim({ sim: { random: alternating() }, client: { logger } });
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const out = await s.send(faSample({ sellerNip: t.nip, invoiceNumber: 'FV/5XX/1' }));
      assert.equal(out.kind, 'submitted');
      if (out.kind !== 'submitted') return;
      // only invoice-status calls (their path holds the -EE- reference) are hit
      t.sim.setFaults({ error5xxRate: 0.5, paths: ['-EE-'] });
      const inv = await s.waitForInvoice(out.invoiceReferenceNumber);
      assert.equal(inv.status.code, 200);
      assert.ok(logger.events.some((e) => e.meta?.event === 'ksef.retry' && e.meta?.reason === 'KSEF_HTTP_5XX'));
      t.sim.setFaults({ error5xxRate: 0, firewallHtmlRate: 0.5, paths: ['-EE-'] });
      const again = await s.invoiceStatus(out.invoiceReferenceNumber);
      assert.equal(again.ksefNumber, inv.ksefNumber);
      assert.ok(logger.events.some((e) => e.meta?.event === 'ksef.retry' && e.meta?.reason === 'KSEF_FIREWALL'));
    } finally {
      await t.close();
    }
  });

  it('never re-sends after an ambiguous failure; reconcile tells what KSeF holds', async () => {
    const t = await startClientSim();
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const xml = faSample({ sellerNip: t.nip, invoiceNumber: 'FV/AMB/1' });
      t.sim.setFaults({ error5xxRate: 1, paths: ['/sessions/online/'] });
      const out = await s.send(xml);
      assert.equal(out.kind, 'unknown');
      if (out.kind !== 'unknown') return;
      assert.equal(out.error.code, 'KSEF_OUTCOME_UNKNOWN');
      assert.equal(t.sim.counters().totals.attempts, 0, 'the failed POST was not repeated');
      t.sim.setFaults({ error5xxRate: 0, dropRate: 1, paths: ['/sessions/online/'] });
      const dropped = await s.send(xml);
      assert.equal(dropped.kind, 'unknown');
      t.sim.setFaults({ dropRate: 0, paths: [] });
      // reconcile: KSeF has nothing with this hash in the session, so sending is safe
      assert.equal(await s.reconcile(out), undefined);
      assert.equal(await t.client.findInvoiceByHash(s.referenceNumber, out.invoiceHash), undefined);
      const sent = await s.send(xml);
      assert.equal(sent.kind, 'submitted');
      if (sent.kind !== 'submitted') return;
      await s.waitForInvoice(sent.invoiceReferenceNumber);
      // and once it is there, reconcile finds it by hash
      const found = await s.reconcile(out);
      assert.equal(found?.status.code, 200);
      assert.equal(found?.referenceNumber, sent.invoiceReferenceNumber);
      const row = t.sim.counters().sends.find((r) => r.invoiceNumber === 'FV/AMB/1');
      assert.deepEqual([row?.attempts, row?.accepted], [1, 1]);
    } finally {
      await t.close();
    }
  });

  it('recovers from 429 without losing or doubling an invoice (limiter off, PROD limits on the simulator)', async () => {
    const logger = recordingLogger();
    const t = await startClientSim({ sim: { rateLimits: 'prod' }, client: { limiter: false, logger } });
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const outs = [];
      for (let i = 1; i <= 15; i++) outs.push(await s.send(faSample({ sellerNip: t.nip, invoiceNumber: `FV/429/${i}` })));
      assert.ok(outs.every((o) => o.kind === 'submitted'));
      assert.ok(logger.events.filter((e) => e.meta?.event === 'ksef.rate-limited').length >= 1, 'KSeF said 429 at least once');
      for (const o of outs) if (o.kind === 'submitted') assert.equal((await s.waitForInvoice(o.invoiceReferenceNumber)).status.code, 200);
      const rows = t.sim.counters().sends.filter((r) => r.invoiceNumber.startsWith('FV/429/'));
      assert.equal(rows.length, 15);
      assert.ok(rows.every((r) => r.attempts === 1 && r.accepted === 1));
    } finally {
      await t.close();
    }
  });

  it('the proactive limiter keeps normal operation free of 429', async () => {
    const logger = recordingLogger();
    const t = await startClientSim({ sim: { rateLimits: 'prod' }, client: { logger } });
    try {
      const s = await t.client.openOnlineSession('FA(3)');
      const outs = [];
      for (let i = 1; i <= 40; i++) outs.push(await s.send(faSample({ sellerNip: t.nip, invoiceNumber: `FV/LIM/${i}` })));
      for (const o of outs) if (o.kind === 'submitted') assert.equal((await s.waitForInvoice(o.invoiceReferenceNumber)).status.code, 200);
      assert.equal(logger.events.filter((e) => e.meta?.event === 'ksef.rate-limited').length, 0);
      assert.equal(t.client.rateLimits()?.invoiceSend.perMinute, 30);
      // 40 sends at 30/min cannot fit in less than a minute of (simulated) time
      assert.ok(t.clock.slept >= 60_000, `slept ${t.clock.slept}`);
      assert.equal(t.sim.counters().totals.accepted, 40);
    } finally {
      await t.close();
    }
  });
});
