// Issue 10 item 6: what a login may do. KSeF's contract names, per endpoint, the permissions of
// which the caller must hold at least one (x-required-permissions); a login that holds none of them
// gets 403 problem+json reasonCode missing-permissions with requiredAnyOfPermissions and
// presentPermissions. A login through a grant holds only what was granted, a KSeF token only the
// permissions it was generated with; the context's own identity holds everything.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signedAuthTokenRequest } from '../../src/ksef/xades-login.ts';
import { SIM_ROUTES } from '../../src/simulator/server.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const OFFICE = '5265877635';
const CLIENT = '7010001454';
const SESSION_WRITE = ['InvoiceWrite', 'PefInvoiceWrite', 'EnforcementOperations'];

describe('every route requires the permissions the official contract names', () => {
  it('x-required-permissions of openapi.json, route by route (none where it names none)', () => {
    const api = JSON.parse(readFileSync(new URL('../../../shared/ksef/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { 'x-required-permissions'?: string[] }>> };
    const mismatches: string[] = [];
    for (const r of SIM_ROUTES) {
      const op = api.paths[`/v2${r.template}`]?.[r.method.toLowerCase()] ?? api.paths[r.template]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.template} is in openapi.json`);
      const want = [...(op['x-required-permissions'] ?? [])].sort();
      const have = [...(r.requires ?? [])].sort();
      if (JSON.stringify(want) !== JSON.stringify(have)) mismatches.push(`${r.method} ${r.template}: contract ${JSON.stringify(want)}, simulator ${JSON.stringify(have)}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

describe('a login holds only what it was given', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  });
  after(() => sim.close());

  /** An office seal logged in to CLIENT's context through a grant of `permissions`. */
  async function officeIn(permissions: ('InvoiceWrite' | 'InvoiceRead')[]): Promise<SimTestClient> {
    sim.grantPermissions({ subjectNip: OFFICE, contextNip: CLIENT, permissions });
    const seal = await selfSigned({ alg: 'ec', subject: sealOf(OFFICE, 'Biuro Rachunkowe sp. z o.o.'), fresh: true });
    const ch = (await (await fetch(`${sim.baseUrl}/auth/challenge`, { method: 'POST' })).json()) as { challenge: string };
    const xml = signedAuthTokenRequest(ch.challenge, CLIENT, { certificatePem: seal.certificatePem, privateKeyPem: seal.privateKeyPem, subjectIdentifierType: 'certificateSubject' });
    const init = (await (await fetch(`${sim.baseUrl}/auth/xades-signature`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml })).json()) as { referenceNumber: string; authenticationToken: { token: string } };
    const op = { authorization: `Bearer ${init.authenticationToken.token}` };
    const st = (await (await fetch(`${sim.baseUrl}/auth/${init.referenceNumber}`, { headers: op })).json()) as { status: { code: number } };
    assert.equal(st.status.code, 200);
    const red = await fetch(`${sim.baseUrl}/auth/token/redeem`, { method: 'POST', headers: op });
    const c = new SimTestClient(sim.baseUrl);
    c.accessToken = ((await red.json()) as { accessToken: { token: string } }).accessToken.token;
    return c;
  }

  it('InvoiceRead through a grant: opening an online or batch session is 403 missing-permissions naming both lists; the invoice query works', async () => {
    sim.reset();
    const reader = await officeIn(['InvoiceRead']);
    const open = await reader.openOnline();
    assert.equal(open.res.status, 403);
    const body = open.res.json as { reasonCode: string; security: { requiredAnyOfPermissions: string[]; presentPermissions: string[] }; instance: string };
    assert.equal(body.reasonCode, 'missing-permissions');
    assert.deepEqual(body.security, { requiredAnyOfPermissions: SESSION_WRITE, presentPermissions: ['InvoiceRead'] });
    assert.equal(body.instance, '/v2/sessions/online');
    const batch = await reader.call('POST', '/sessions/batch', { json: {} });
    assert.equal(batch.status, 403, batch.text);
    assert.deepEqual(batch.json.security.requiredAnyOfPermissions, ['InvoiceWrite', 'EnforcementOperations']);
    const q = await reader.call('POST', '/invoices/query/metadata?pageSize=10', { json: { subjectType: 'Subject1', dateRange: { dateType: 'Invoicing', from: '2026-11-01T00:00:00Z', to: '2026-11-20T00:00:00Z' } } });
    assert.equal(q.status, 200, q.text);
    assert.deepEqual(reader.violations, []);
  });

  it('InvoiceWrite through a grant: sends for the client, but querying or exporting invoices is 403 naming InvoiceRead', async () => {
    sim.reset();
    const writer = await officeIn(['InvoiceWrite']);
    const s = await writer.openOnline();
    assert.equal(s.res.status, 201);
    const sent = await writer.send(s, fa3Invoice({ sellerNip: CLIENT, number: 'FV/W/1' }));
    assert.equal(sent.status, 202);
    const st = await writer.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}`);
    assert.equal(st.json.status.code, 200, st.text);
    const q = await writer.call('POST', '/invoices/query/metadata?pageSize=10', { json: { subjectType: 'Subject1', dateRange: { dateType: 'Invoicing', from: '2026-11-01T00:00:00Z', to: '2026-11-20T00:00:00Z' } } });
    assert.equal(q.status, 403, q.text);
    assert.deepEqual(q.json.security, { requiredAnyOfPermissions: ['InvoiceRead'], presentPermissions: ['InvoiceWrite'] });
    const dl = await writer.call('GET', `/invoices/ksef/${st.json.ksefNumber}`);
    assert.equal(dl.status, 403);
    assert.deepEqual(writer.violations, []);
  });

  it('a KSeF token generated with InvoiceRead only cannot open a session; one without a permission list (the context owner) can', async () => {
    sim.reset();
    const reader = new SimTestClient(sim.baseUrl);
    await reader.login(CLIENT, sim.registerToken(CLIENT, undefined, { permissions: ['InvoiceRead'] }));
    const open = await reader.openOnline();
    assert.equal(open.res.status, 403);
    assert.deepEqual(open.res.json.security, { requiredAnyOfPermissions: SESSION_WRITE, presentPermissions: ['InvoiceRead'] });
    const owner = new SimTestClient(sim.baseUrl);
    await owner.login(CLIENT, sim.registerToken(CLIENT));
    assert.equal((await owner.openOnline()).res.status, 201);
  });
});
