// Issue 10 Proof: an accounting office logs in with ONE certificate (its own seal VATPL-<office NIP>,
// self-signed by the openssl command line, trusted in the simulator's test mode) and sends invoices of
// four clients listed in `actsFor`. Three have granted InvoiceWrite and go through; the fourth is held
// with wording naming the permission and its NIP, its file waits, and after the grant (made over the
// simulator's admin HTTP API) the next `once` sends it. Every login is a XAdES login, none by token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { readJson } from '../helpers/agent-env.ts';
import { GRANTED, OFFICE, OFFICE_MAPPING as MAPPING, UNGRANTED, invoiceFile, type OfficeResult as Result } from '../helpers/office-clients.ts';

test('office with one certificate (openssl seal) and actsFor: three granted clients go through; the ungranted one is held naming InvoiceWrite and its NIP; after the grant the next once sends it', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'ksef-perms-cert-'));
  const grant = async (contextNip: string): Promise<void> => {
    const res = await fetch(sim.baseUrl.replace(/\/v2$/, '/_sim/permissions'), {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subjectNip: OFFICE, contextNip, permissions: ['InvoiceWrite'] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
  };
  try {
    await mkdir(join(dir, 'certs'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'office-key.pem', '-out', 'office-cert.pem', '-days', '30',
      '-subj', `/C=PL/O=Biuro Rachunkowe/organizationIdentifier=VATPL-${OFFICE}/CN=Biuro Rachunkowe`], { cwd: join(dir, 'certs'), stdio: 'pipe' });
    await writeFile(join(dir, 'office-mapping.json'), JSON.stringify(MAPPING, null, 2));
    await mkdir(join(dir, 'inbox'));
    const config = {
      environment: 'sim', root: './data', simulator: { url: sim.baseUrl },
      companies: [{
        id: 'office', nip: OFFICE, name: 'Biuro Rachunkowe sp. z o.o.',
        address: { country: 'PL', line1: 'ul. Biurowa 1', line2: '00-001 Warszawa' },
        certificate: { certificateFile: 'certs/office-cert.pem', privateKeyFile: 'certs/office-key.pem' },
        schema: 'FA(3)', actsFor: [...GRANTED, UNGRANTED],
        folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
        inboxes: [{ id: 'clients', folder: 'inbox', mapping: 'office-mapping.json' }],
      }],
      send: { mode: 'online', statusPollIntervalMs: 100, refusedRetryMs: 100 },
      watcher: { stabilityWindowMs: 0, scanIntervalMs: 100 },
      logging: { level: 'debug', console: false, dir: 'logs' },
    };
    const configFile = join(dir, 'agent.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const outbox = join(dir, 'outbox');
    const result = (source: string) => readJson<Result>(join(outbox, 'results', `${source}.result.json`)).catch(() => undefined);

    for (const c of GRANTED) await grant(c);
    for (const c of [...GRANTED, UNGRANTED]) await writeFile(join(dir, 'inbox', `client-${c}.json`), invoiceFile(c));

    const first = await runAgentChild(['once', '--config', configFile], process.env);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, new RegExp(`company office was not sent: .*KSeF says company office \\(NIP ${OFFICE}\\) has no InvoiceWrite permission for seller NIP ${UNGRANTED}.*grant.* \\[KSEF_PERMISSION_MISSING\\]`), first.stderr);
    for (const c of GRANTED) {
      const r = await result(`client-${c}.json`);
      assert.equal(r?.status, 'complete', c);
      assert.ok(r!.invoices[0]!.ksefNumber!.startsWith(`${c}-`), `KSeF number under the client's NIP: ${r!.invoices[0]!.ksefNumber}`);
    }
    assert.equal((await result(`client-${UNGRANTED}.json`))?.status, 'pending', 'the refused client file waits, not rejected');
    assert.deepEqual(await readdir(join(outbox, 'errors')).catch(() => []), [], 'nothing in errors');
    assert.equal(sim.counters().sends.find((s) => s.sellerNip === UNGRANTED)?.accepted ?? 0, 0);
    assert.equal(sim.counters().totals.accepted, 3);

    await grant(UNGRANTED);
    const second = await runAgentChild(['once', '--config', configFile], process.env);
    assert.equal(second.code, 0, second.stderr);
    const done = await result(`client-${UNGRANTED}.json`);
    assert.equal(done?.status, 'complete');
    assert.ok(done!.invoices[0]!.ksefNumber!.startsWith(`${UNGRANTED}-`));
    const c = sim.counters();
    assert.equal(c.totals.accepted, 4, 'every invoice accepted once');
    for (const s of c.sends) assert.equal(s.accepted, 1, `${s.sellerNip} accepted once`);

    // the one certificate was the only credential: every login XAdES, not one token login
    assert.ok((c.requests['POST /auth/xades-signature'] ?? 0) >= 2, JSON.stringify(c.requests));
    assert.equal(c.requests['POST /auth/ksef-token'] ?? 0, 0, JSON.stringify(c.requests));
    assert.equal(c.requests['POST /auth/xades-signature'], c.requests['POST /auth/challenge'], JSON.stringify(c.requests));
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});
