// Issue 10 item 6: a permission model. An accounting office logged in in its own context may send
// invoices whose seller is a client only when the client granted it InvoiceWrite; otherwise KSeF's
// invoice status 410 "wrong permission scope" (PROTOCOL §6, §13) naming the missing permission.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const OFFICE = '5265877635';
const CLIENTS = ['7010001454', '1111111111', '2222222222'];
const STRANGER = '3333333333';

test('accounting office: InvoiceWrite granted by three clients → accepted; a fourth client without it → 410 naming InvoiceWrite', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    for (const c of CLIENTS) sim.grantPermissions({ subjectNip: OFFICE, contextNip: c, permissions: ['InvoiceWrite'] });
    // InvoiceRead alone does not allow writing
    sim.grantPermissions({ subjectNip: OFFICE, contextNip: STRANGER, permissions: ['InvoiceRead'] });
    const admin = await (await fetch(sim.baseUrl.replace(/\/v2$/, '/_sim/permissions'))).json();
    assert.equal(admin.grants.length, 4);
    const client = new SimTestClient(sim.baseUrl);
    await client.login(OFFICE, sim.registerToken(OFFICE));
    const s = await client.openOnline();
    const statuses: Record<string, { code: number; details?: string[]; ksefNumber?: string }> = {};
    for (const seller of [OFFICE, ...CLIENTS, STRANGER]) {
      const r = await client.send(s, fa3Invoice({ sellerNip: seller, number: `P/${seller}` }));
      assert.equal(r.status, 202);
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      statuses[seller] = { code: st.json.status.code, details: st.json.status.details, ksefNumber: st.json.ksefNumber };
    }
    for (const seller of [OFFICE, ...CLIENTS]) {
      assert.equal(statuses[seller]!.code, 200, `${seller}: ${JSON.stringify(statuses[seller])}`);
      assert.ok(statuses[seller]!.ksefNumber!.startsWith(`${seller}-`));
    }
    assert.equal(statuses[STRANGER]!.code, 410);
    assert.match(statuses[STRANGER]!.details!.join(' '), new RegExp(`InvoiceWrite.*${STRANGER}.*${OFFICE}`));
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
