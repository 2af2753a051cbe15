// Issue 10: logging in to a client's context through a grant, and the KSeF /permissions API that
// makes the grant. A certificate whose subject is not the context NIP gets auth status 415
// "Brak przypisanych uprawnień" until the context grants it (by NIP, PESEL or certificate
// fingerprint) through POST /permissions/entities/grants or /permissions/persons/grants; the grant is
// listed by POST /permissions/query/persons/grants and withdrawn by DELETE
// /permissions/common/grants/{permissionId}, after which the login is refused again.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { signedAuthTokenRequest, type SubjectIdentifierType } from '../../src/ksef/xades-login.ts';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.ts';
import { personOf, sealOf, selfSigned, type TestCertificate } from '../helpers/cert-fixtures.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const OFFICE = '5265877635';
const CLIENT = '7010001454';
const PESEL = '90010112345';
let sim: RunningSimulator;
let owner: SimTestClient;

before(async () => {
  sim = await startSimulator({ rateLimits: 'off' });
  owner = new SimTestClient(sim.baseUrl);
  await owner.login(CLIENT, sim.registerToken(CLIENT));
});
after(() => sim.close());

/** challenge → signed AuthTokenRequest → status of the login (no redeem). */
async function xadesLogin(c: TestCertificate, context: string, sit: SubjectIdentifierType = 'certificateSubject'): Promise<{ code: number; details: string[]; op: string; ref: string }> {
  const ch = (await (await fetch(`${sim.baseUrl}/auth/challenge`, { method: 'POST' })).json()) as { challenge: string };
  const xml = signedAuthTokenRequest(ch.challenge, context, { certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, subjectIdentifierType: sit });
  const r = await fetch(`${sim.baseUrl}/auth/xades-signature`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  assert.equal(r.status, 202, await r.clone().text());
  const init = (await r.json()) as { referenceNumber: string; authenticationToken: { token: string } };
  const st = (await (await fetch(`${sim.baseUrl}/auth/${init.referenceNumber}`, { headers: { authorization: `Bearer ${init.authenticationToken.token}` } })).json()) as { status: { code: number; details?: string[] } };
  return { code: st.status.code, details: st.status.details ?? [], op: init.authenticationToken.token, ref: init.referenceNumber };
}

async function grantsOf(client: SimTestClient, value: string): Promise<{ id: string; permissionScope: string; authorizedIdentifier: { type: string; value: string } }[]> {
  const q = await client.call('POST', '/permissions/query/persons/grants?pageSize=100', { json: { queryType: 'PermissionsInCurrentContext', authorizedIdentifier: { type: value.length === 10 ? 'Nip' : value.length === 11 ? 'Pesel' : 'Fingerprint', value } } });
  assert.equal(q.status, 200, q.text);
  return q.json.permissions;
}

async function operationSucceeded(client: SimTestClient, ref: string): Promise<void> {
  const st = await client.call('GET', `/permissions/operations/${ref}`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.status.code, 200);
}

describe('login into a client context through a grant (/permissions API)', () => {
  it('an office seal: 415 without a grant; InvoiceWrite granted by the client over HTTP → 200 and the office works in the client context; revoked → 415 again', async () => {
    const seal = await selfSigned({ alg: 'ec', subject: sealOf(OFFICE, 'Biuro Rachunkowe sp. z o.o.') });
    const before = await xadesLogin(seal, CLIENT);
    assert.deepEqual([before.code, before.details], [415, ['Brak przypisanych uprawnień']]);

    const g = await owner.call('POST', '/permissions/entities/grants', {
      json: { subjectIdentifier: { type: 'Nip', value: OFFICE }, permissions: [{ type: 'InvoiceWrite', canDelegate: false }, { type: 'InvoiceRead' }], description: 'Biuro rachunkowe klienta', subjectDetails: { fullName: 'Biuro Rachunkowe sp. z o.o.' } },
    });
    assert.equal(g.status, 202, g.text);
    assert.match(g.json.referenceNumber, /^\d{8}-EG-/);
    await operationSucceeded(owner, g.json.referenceNumber);
    const listed = await grantsOf(owner, OFFICE);
    assert.deepEqual(listed.map((p) => p.permissionScope).sort(), ['InvoiceRead', 'InvoiceWrite']);

    const granted = await xadesLogin(seal, CLIENT);
    assert.equal(granted.code, 200, JSON.stringify(granted));
    // the office's session works in the client context: it can open an online session
    const red = await fetch(`${sim.baseUrl}/auth/token/redeem`, { method: 'POST', headers: { authorization: `Bearer ${granted.op}` } });
    assert.equal(red.status, 200);
    const office = new SimTestClient(sim.baseUrl);
    office.accessToken = ((await red.json()) as { accessToken: { token: string } }).accessToken.token;
    assert.equal((await office.openOnline()).res.status, 201);
    // InvoiceWrite is not CredentialsManage: the office cannot grant in the client's context
    const denied = await office.call('POST', '/permissions/persons/grants', { json: { subjectIdentifier: { type: 'Pesel', value: PESEL }, permissions: ['InvoiceWrite'], description: 'próba biura', subjectDetails: { subjectDetailsType: 'PersonByIdentifier', personById: { firstName: 'Jan', lastName: 'Nowak' } } } });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.reasonCode, 'missing-permissions');

    for (const p of listed) {
      const d = await owner.call('DELETE', `/permissions/common/grants/${p.id}`);
      assert.equal(d.status, 202, d.text);
      await operationSucceeded(owner, d.json.referenceNumber);
    }
    assert.deepEqual(await grantsOf(owner, OFFICE), []);
    assert.equal((await xadesLogin(seal, CLIENT)).code, 415);
    assert.deepEqual(owner.violations, []);
    assert.deepEqual(office.violations, []);
  });

  it('a person identified by PESEL (serialNumber PNOPL-…) logs in once the client grants the PESEL', async () => {
    const person = await selfSigned({ alg: 'ec', subject: { ...personOf(OFFICE), serialNumber: `PNOPL-${PESEL}` } });
    assert.equal((await xadesLogin(person, CLIENT)).code, 415);
    const g = await owner.call('POST', '/permissions/persons/grants', {
      json: { subjectIdentifier: { type: 'Pesel', value: PESEL }, permissions: ['InvoiceWrite'], description: 'Księgowa klienta', subjectDetails: { subjectDetailsType: 'PersonByIdentifier', personById: { firstName: 'Jan', lastName: 'Kowalski' } } },
    });
    assert.equal(g.status, 202, g.text);
    assert.equal((await xadesLogin(person, CLIENT)).code, 200);
    // a person whose serialNumber carries a NIP is granted by that NIP
    const byNip = await selfSigned({ alg: 'rsa', subject: personOf('1111111111') });
    assert.equal((await xadesLogin(byNip, CLIENT)).code, 415);
    assert.equal((await owner.call('POST', '/permissions/persons/grants', { json: { subjectIdentifier: { type: 'Nip', value: '1111111111' }, permissions: ['InvoiceRead'], description: 'Pracownik klienta', subjectDetails: { subjectDetailsType: 'PersonByIdentifier', personById: { firstName: 'Anna', lastName: 'Nowak' } } } })).status, 202);
    assert.equal((await xadesLogin(byNip, CLIENT)).code, 200);
    assert.deepEqual(owner.violations, []);
  });

  it('certificateFingerprint: a certificate without NIP/PESEL logs in once its SHA-256 fingerprint is granted', async () => {
    const bare = await selfSigned({ alg: 'ec', subject: { countryName: 'PL', commonName: 'Stanowisko 7' }, fresh: true });
    const fingerprint = createHash('sha256').update(new X509Certificate(bare.certificatePem).raw).digest('hex').toUpperCase();
    assert.equal((await xadesLogin(bare, CLIENT, 'certificateFingerprint')).code, 415);
    const g = await owner.call('POST', '/permissions/persons/grants', {
      json: { subjectIdentifier: { type: 'Fingerprint', value: fingerprint }, permissions: ['InvoiceWrite'], description: 'Stanowisko księgowe', subjectDetails: { subjectDetailsType: 'PersonByFingerprintWithoutIdentifier', personByFpNoId: { firstName: 'Jan', lastName: 'Kowalski', birthDate: '1990-01-01', idDocument: { type: 'Paszport', number: 'AB123456', country: 'PL' } } } },
    });
    assert.equal(g.status, 202, g.text);
    assert.equal((await xadesLogin(bare, CLIENT, 'certificateFingerprint')).code, 200);
    // the fingerprint grant is for CLIENT only
    assert.equal((await xadesLogin(bare, OFFICE, 'certificateFingerprint')).code, 415);
  });

  it('refuses a grant request that breaks the schema with 21405', async () => {
    const r = await owner.call('POST', '/permissions/persons/grants', { json: { subjectIdentifier: { type: 'Pesel', value: PESEL }, permissions: ['Everything'], description: 'x' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.exception.exceptionDetailList[0].exceptionCode, 21405);
  });
});
