// Issue 10 item 6: KSeF's calendar days are Europe/Warsaw days. Between 00:00 and 01:00 (02:00 in
// summer) Warsaw time the UTC date is still yesterday: an invoice dated today must be accepted, an
// invoice dated yesterday is Offline, and the KSeF number carries today's Warsaw date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { warsawDate } from '../../src/core/warsaw-day.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

async function sendAt(iso: string, issueDates: string[]) {
  let now = Date.parse(iso);
  const sim = await startSimulator({ rateLimits: 'off', now: () => now });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const s = await client.openOnline();
    const out: { code: number; ksefNumber?: string; invoicingMode?: string; details?: string[] }[] = [];
    for (const [i, issueDate] of issueDates.entries()) {
      const r = await client.send(s, fa3Invoice({ sellerNip: NIP, number: `W/${i}/${issueDate}`, issueDate }));
      assert.equal(r.status, 202);
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      out.push({ code: st.json.status.code, ksefNumber: st.json.ksefNumber, invoicingMode: st.json.invoicingMode, details: st.json.status.details });
    }
    now += 0;
    assert.deepEqual(client.violations, []);
    return out;
  } finally {
    await sim.close();
  }
}

test('warsawDate: winter and summer offsets, around midnight', () => {
  assert.equal(warsawDate(Date.parse('2026-11-25T22:59:59Z')), '2026-11-25');
  assert.equal(warsawDate(Date.parse('2026-11-25T23:00:00Z')), '2026-11-26');
  assert.equal(warsawDate(Date.parse('2026-07-01T21:59:59Z')), '2026-07-01');
  assert.equal(warsawDate(Date.parse('2026-07-01T22:00:00Z')), '2026-07-02');
  assert.equal(warsawDate(Date.parse('2026-12-31T23:30:00Z')), '2027-01-01');
});

test('00:30 Warsaw on 26 Nov (23:30 UTC on the 25th): dated the 26th is accepted with a 20261126 KSeF number, dated the 25th is Offline', async () => {
  const [today, yesterday, tomorrow] = await sendAt('2026-11-25T23:30:00Z', ['2026-11-26', '2026-11-25', '2026-11-27']);
  assert.equal(today!.code, 200, JSON.stringify(today));
  assert.equal(today!.invoicingMode, 'Online');
  assert.match(today!.ksefNumber!, new RegExp(`^${NIP}-20261126-`));
  assert.equal(yesterday!.code, 200);
  assert.equal(yesterday!.invoicingMode, 'Offline');
  assert.match(yesterday!.ksefNumber!, /-20261126-/);
  assert.equal(tomorrow!.code, 450);
  assert.match(tomorrow!.details!.join(' '), /2026-11-27.*2026-11-26/);
});

test('01:30 Warsaw summer time on 2 July (23:30 UTC on 1 July): same rules with the +02:00 offset', async () => {
  const [today, yesterday] = await sendAt('2026-07-01T23:30:00Z', ['2026-07-02', '2026-07-01']);
  assert.equal(today!.code, 200, JSON.stringify(today));
  assert.equal(today!.invoicingMode, 'Online');
  assert.match(today!.ksefNumber!, /-20260702-/);
  assert.equal(yesterday!.invoicingMode, 'Offline');
});

test('23:30 Warsaw on 26 Nov (22:30 UTC): an invoice dated the 27th is still in the future (450)', async () => {
  const [today, tomorrow] = await sendAt('2026-11-26T22:30:00Z', ['2026-11-26', '2026-11-27']);
  assert.equal(today!.code, 200);
  assert.match(today!.ksefNumber!, /-20261126-/);
  assert.equal(tomorrow!.code, 450);
});
