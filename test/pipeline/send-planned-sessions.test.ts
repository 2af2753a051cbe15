// Online sessions KSeF refuses while planned invoices go out (review fixes of 3c369f0), against the
// simulator over HTTP: a session KSeF no longer knows (21173) is closed for us too and the rest go
// out in a new one; the same session refusing twice is a problem returned, not a silent skip; an
// invoice left intent-recorded in the forgotten session is proven absent and sent again once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../src/core/events.ts';
import { isKsefError, KsefError } from '../../src/ksef/index.ts';
import type { KsefClient, OnlineSession } from '../../src/ksef/index.ts';
import { faContentHash } from '../../src/invoice/content-hash.ts';
import { ksefHash, writeInvoiceXml } from '../../src/pipeline/invoice-xml-files.ts';
import type { PipelineContext } from '../../src/pipeline/pipeline-context.ts';
import { pollInFlight } from '../../src/pipeline/poll-in-flight.ts';
import { sendPlanned } from '../../src/pipeline/send-planned.ts';
import { SessionJournal } from '../../src/pipeline/session-journal.ts';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';
import { faSample } from '../helpers/fa-samples.ts';
import { startClientSim } from '../helpers/client-sim.ts';
import type { ClientSim } from '../helpers/client-sim.ts';

interface Bed {
  readonly t: ClientSim;
  readonly store: LowdbStateStore;
  readonly events: { name: string; payload: Record<string, unknown> }[];
  readonly ids: string[];
  ctx(client: KsefClient): PipelineContext;
  close(): Promise<void>;
}

/** A simulator, a real client, a real store with `count` planned invoices (FA XML in work/). */
async function bed(count: number): Promise<Bed> {
  const t = await startClientSim({ sim: { rateLimits: 'off', processingDelayMs: 0 } });
  const dir = await mkdtemp(join(tmpdir(), 'send-sessions-'));
  const store = new LowdbStateStore({ dir: join(dir, 'state') });
  await store.open();
  const sessions = new SessionJournal(join(dir, 'state', 'sessions.log'));
  await sessions.open();
  const work = join(dir, 'work');
  const file = await store.recordClaim({ companyId: 'acme', inboxId: 'csv', sourceName: 'f.csv', path: join(work, 'claimed', 'f.csv'), size: 1, sha256: 'sha', claimedAt: new Date().toISOString() });
  const xmls = Array.from({ length: count }, (_, k) => Buffer.from(faSample({ sellerNip: t.nip, invoiceNumber: `FV/S/${k + 1}` }), 'utf8'));
  const planned = await store.planInvoices(file.id, xmls.map((x, k) => ({ number: `FV/S/${k + 1}`, kind: 'VAT', sellerNip: t.nip, hash: ksefHash(x), contentHash: faContentHash(x) })));
  for (const [k, inv] of planned.entries()) await writeInvoiceXml(work, inv.id, xmls[k]!);
  const bus = new EventBus();
  const events: Bed['events'] = [];
  bus.on('ksef.session-renewed', (p) => events.push({ name: 'ksef.session-renewed', payload: p as unknown as Record<string, unknown> }));
  bus.on('ksef.sent', (p) => events.push({ name: 'ksef.sent', payload: p as unknown as Record<string, unknown> }));
  return {
    t, store, events,
    ids: planned.map((i) => i.id),
    ctx: (client) => ({
      company: { id: 'acme', schema: 'FA(3)', folders: { work, outbox: join(dir, 'outbox') } },
      store, client, bus, sessions,
      send: { mode: 'online', batchThreshold: 1000, maxInvoicesPerBatch: 100 },
    } as unknown as PipelineContext),
    async close() {
      await store.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** KSeF forgets the session (and everything else; our token is registered again): it answers 21173 from now on. */
function forgetSessions(t: ClientSim): void {
  t.sim.reset();
  t.sim.registerToken(t.nip, t.token);
}

test('an online session KSeF no longer knows (21173) is never used again: the planned invoices go out in a new session and are accepted', async () => {
  const b = await bed(3);
  try {
    const stale = await b.t.client.onlineSession('FA(3)');
    forgetSessions(b.t);
    const problems = await sendPlanned(b.ctx(b.t.client));
    assert.deepEqual(problems, [], 'a renewed session is not a problem');

    const renewed = b.events.filter((e) => e.name === 'ksef.session-renewed');
    assert.equal(renewed.length, 1);
    assert.equal(renewed[0]!.payload['sessionReferenceNumber'], stale.referenceNumber);
    assert.equal(renewed[0]!.payload['code'], 'KSEF_SESSION_NOT_FOUND');
    assert.equal(renewed[0]!.payload['invoice'], 'FV/S/1');

    // the refused invoice waits for the reconciler in the stale session; the others went out in a fresh one
    const [first, ...rest] = b.ids.map((id) => b.store.getInvoice(id)!);
    assert.equal(first!.state, 'intent-recorded');
    assert.equal(first!.sessionReferenceNumber, stale.referenceNumber);
    const sent = b.events.filter((e) => e.name === 'ksef.sent');
    assert.deepEqual(sent.map((e) => e.payload['invoice']), ['FV/S/2', 'FV/S/3']);
    const fresh = sent[0]!.payload['sessionReferenceNumber'] as string;
    assert.notEqual(fresh, stale.referenceNumber, 'the stale session is not used again');
    for (const inv of rest) {
      assert.equal(inv.state, 'sent');
      assert.equal(inv.sessionReferenceNumber, fresh);
    }
    const session = await b.t.client.onlineSession('FA(3)');
    assert.equal(session.referenceNumber, fresh);
    for (const inv of rest) {
      const k = await session.waitForInvoice(inv.invoiceReferenceNumber!);
      assert.equal(k.status.code, 200, JSON.stringify(k.status));
      assert.ok(k.ksefNumber);
    }
    assert.equal(b.t.sim.counters().totals.accepted, 2);
  } finally {
    await b.close();
  }
});

test('the same online session refusing twice is a problem returned with its code and message, not a silent skip of every planned invoice', async () => {
  const b = await bed(4);
  try {
    const stale: OnlineSession = await b.t.client.onlineSession('FA(3)');
    forgetSessions(b.t);
    // a client that hands out the refused session again (it was not replaced)
    const client = new Proxy(b.t.client, {
      get: (target, prop, recv) => (prop === 'onlineSession' ? async () => stale : Reflect.get(target, prop, recv)),
    });
    const problems = await sendPlanned(b.ctx(client));

    assert.equal(problems.length, 1, 'the second refusal ends the step as a problem');
    const e = problems[0];
    assert.ok(isKsefError(e));
    assert.equal(e.code, 'KSEF_SESSION_NOT_FOUND');
    assert.match(e.message, /21173/);
    assert.match(e.message, new RegExp(stale.referenceNumber));

    const renewed = b.events.filter((x) => x.name === 'ksef.session-renewed');
    assert.equal(renewed.length, 1, 'said once as a renewal; the second refusal is not a renewal');
    assert.equal(renewed[0]!.payload['invoice'], 'FV/S/1');
    assert.equal(b.events.filter((x) => x.name === 'ksef.sent').length, 0);

    // the step stopped at the second invoice: the others stay planned, untouched
    const states = b.ids.map((id) => b.store.getInvoice(id)!.state);
    assert.deepEqual(states, ['intent-recorded', 'intent-recorded', 'planned', 'planned']);
  } finally {
    await b.close();
  }
});

test('the reconciler and an invoice left intent-recorded in a session KSeF no longer knows (21173): proven absent, sent again exactly once, accepted with its KSeF number', async () => {
  const b = await bed(3);
  try {
    await b.t.client.onlineSession('FA(3)');
    forgetSessions(b.t);
    const base = b.ctx(b.t.client);
    const ctx = { ...base, send: { ...base.send, upo: { download: true } } } as PipelineContext;
    const warnings: { code?: string; message: string }[] = [];
    base.bus.on('agent.warning', (p) => warnings.push(p));
    assert.deepEqual(await sendPlanned(ctx), []);
    const first = b.ids[0]!;
    assert.equal(b.store.getInvoice(first)!.state, 'intent-recorded');

    // the steps of the pipeline, a few times over: reconcile and poll, then send what is planned
    for (let pass = 0; pass < 4; pass++) {
      const problems = [...(await pollInFlight(ctx)), ...(await sendPlanned(ctx))];
      assert.deepEqual(problems.map((e) => (isKsefError(e) ? `${e.code}: ${e.message}` : String(e))), [], `pass ${pass}`);
    }
    for (const id of b.ids) {
      const inv = b.store.getInvoice(id)!;
      assert.equal(inv.state, 'accepted', `${inv.number}: ${inv.state}`);
      assert.match(inv.ksefNumber ?? '', new RegExp(`^${b.t.nip}-\\d{8}-`), `${inv.number} has its KSeF number`);
    }
    // each invoice reached KSeF once: FV/S/1 only in the new session
    const rows = b.t.sim.counters().sends;
    assert.deepEqual(rows.map((r) => [r.invoiceNumber, r.attempts, r.accepted, r.duplicates]).sort(), [['FV/S/1', 1, 1, 0], ['FV/S/2', 1, 1, 0], ['FV/S/3', 1, 1, 0]]);
    // the operator is told why FV/S/1 goes out again
    const said = warnings.filter((w) => w.code === 'PIPELINE_SESSION_UNKNOWN');
    assert.equal(said.length, 1, JSON.stringify(warnings));
    assert.match(said[0]!.message, /does not know session .*21173.*1 invoice/);
  } finally {
    await b.close();
  }
});

/** A client whose session status and invoice list answer as given: a KSeF answer, or 21173. */
function sessionAnswers(real: KsefClient, status: 'known' | 'unknown', list: 'known' | 'unknown'): KsefClient {
  const gone = (op: string) => new KsefError('KSEF_SESSION_NOT_FOUND', `${op}: HTTP 400: 21173 Brak sesji o wskazanym numerze referencyjnym`, { httpStatus: 400, exceptions: [{ code: 21173, description: 'Brak sesji' }] });
  return Object.assign(Object.create(real) as KsefClient, {
    getSessionStatus: async () => {
      if (status === 'unknown') throw gone('GET /sessions/{ref}');
      return { status: { code: 200, description: 'Sesja przetworzona pomyślnie' } };
    },
    listSessionInvoices: async () => {
      if (list === 'unknown') throw gone('GET /sessions/{ref}/invoices');
      return [];
    },
  });
}

for (const kind of ['online', 'batch'] as const) {
  test(`an intent-recorded invoice of a ${kind} session: a 21173 is believed only when KSeF gives it for the status and the list; one odd answer leaves the invoice waiting, unsent`, async () => {
    const b = await bed(1);
    try {
      const id = b.ids[0]!;
      await b.store.transition(id, 'intent-recorded', { sessionKind: kind, sessionReferenceNumber: '20261125-SO-0000000000-0000000000-00' });
      const warnings: { code?: string }[] = [];
      const base = b.ctx(b.t.client);
      base.bus.on('agent.warning', (p) => warnings.push(p));
      // an online session is asked for its list first (a list without our invoice proves it absent, the usual path)
      const odd = kind === 'online' ? ([['known', 'unknown']] as const) : ([['known', 'unknown'], ['unknown', 'known']] as const);
      for (const [status, list] of odd) {
        const problems = await pollInFlight({ ...base, client: sessionAnswers(b.t.client, status, list) } as PipelineContext);
        assert.equal(b.store.getInvoice(id)!.state, 'intent-recorded', `status ${status}, list ${list}: not resent`);
        assert.deepEqual(problems.map((e) => (isKsefError(e) ? e.code : String(e))), ['KSEF_SESSION_NOT_FOUND'], `status ${status}, list ${list}`);
      }
      assert.deepEqual(warnings.filter((w) => w.code === 'PIPELINE_SESSION_UNKNOWN'), []);
      // both say so: nothing of ours is in that session, the invoice goes back to planned
      await pollInFlight({ ...base, client: sessionAnswers(b.t.client, 'unknown', 'unknown') } as PipelineContext);
      assert.equal(b.store.getInvoice(id)!.state, 'planned');
      assert.equal(warnings.filter((w) => w.code === 'PIPELINE_SESSION_UNKNOWN').length, 1);
    } finally {
      await b.close();
    }
  });
}
