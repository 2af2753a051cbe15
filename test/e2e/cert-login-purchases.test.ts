// Issue 10 Proof: a company logging in with a certificate (EC key, PEM, made by the openssl command
// line outside our code) both sends its invoices and downloads its purchase invoices in one `once`,
// over real HTTP against the simulator; every login is a XAdES login, none with a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { REPO, listTree, readJson } from '../helpers/agent-env.ts';

const NIP = '2222222222';
const PASS = 'Tajne-Haslo-2026!';
const DAY = 86_400_000;
const ssl = (cwd: string, ...args: string[]): void => void execFileSync('openssl', args, { cwd, stdio: 'pipe' });

interface Result { status: string; summary: { accepted: number } }

test('certificate login (EC, PEM, openssl): once sends the invoices and downloads the purchases, every login by XAdES', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'ksef-cert-purch-'));
  try {
    const certs = join(dir, 'certs');
    await mkdir(certs);
    ssl(certs, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec-plain.pem');
    ssl(certs, 'pkey', '-in', 'ec-plain.pem', '-aes256', '-passout', `pass:${PASS}`, '-out', 'ec-key.pem');
    ssl(certs, 'req', '-x509', '-key', 'ec-plain.pem', '-out', 'ec-cert.pem', '-days', '30',
      '-subj', `/C=PL/O=Firma ${NIP}/organizationIdentifier=VATPL-${NIP}/CN=Firma ${NIP}`);
    await rm(join(certs, 'ec-plain.pem'));

    const config = {
      environment: 'sim', root: './data', simulator: { url: sim.baseUrl },
      companies: [{
        id: 'ecpem', nip: NIP, name: 'Spółka ecpem sp. z o.o.',
        address: { country: 'PL', line1: 'ul. Testowa 1', line2: '00-001 Warszawa' },
        certificate: { certificateFile: 'certs/ec-cert.pem', privateKeyFile: 'certs/ec-key.pem', passphraseEnv: 'CERT_PASS' },
        schema: 'FA(3)',
        folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
        inboxes: [{ id: 'csv', folder: 'inbox', mapping: join(REPO, 'mappings', 'optima-csv.json') }],
      }],
      send: { mode: 'online', statusPollIntervalMs: 100 },
      purchases: { enabled: true, intervalMinutes: 15, roles: ['Subject2'], outputs: { metadata: true, csv: false, json: false } },
      watcher: { stabilityWindowMs: 0, scanIntervalMs: 100 },
      logging: { level: 'debug', console: false, dir: 'logs' },
    };
    const configFile = join(dir, 'agent.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    await mkdir(join(dir, 'inbox'));
    await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(dir, 'inbox', 'faktury-2026-11.csv'));
    const now = Date.now();
    const seeded = sim.generateIncoming({ buyerNip: NIP, count: 12, from: now - 20 * DAY, to: now - 2 * DAY });
    assert.equal(seeded.length, 12);

    const run = await runAgentChild(['once', '--config', configFile], { ...process.env, CERT_PASS: PASS }, 120_000);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!`${run.stdout}\n${run.stderr}`.includes(PASS), 'no passphrase in the output');

    // sending: the four invoices of the CSV accepted, UPOs written
    const r = await readJson<Result>(join(dir, 'outbox', 'results', 'faktury-2026-11.csv.result.json'));
    assert.equal(r.status, 'complete');
    assert.equal(r.summary.accepted, 4);
    assert.equal(sim.counters().totals.accepted, 4);
    assert.equal((await listTree(join(dir, 'outbox', 'upo'))).length, 4);

    // purchases: every seeded invoice exactly once in outbox/purchases, with its metadata beside it
    const files = await listTree(join(dir, 'outbox', 'purchases'));
    const xml = files.filter((f) => f.endsWith('.xml')).map((f) => f.split('/').pop()!.replace(/\.xml$/, '')).sort();
    assert.deepEqual(xml, [...seeded].sort(), 'every seeded purchase invoice exactly once');
    const metaFile = files.find((f) => f.endsWith('.json'))!;
    const meta = JSON.parse(await readFile(join(dir, 'outbox', 'purchases', metaFile), 'utf8')) as { ksefNumber?: string };
    assert.ok(seeded.includes(meta.ksefNumber!), 'metadata JSON names a seeded KSeF number');
    const oneXml = await readFile(join(dir, 'outbox', 'purchases', files.find((f) => f.endsWith('.xml'))!), 'utf8');
    assert.match(oneXml, new RegExp(`<NIP>${NIP}</NIP>`), 'the purchase invoice names the company as buyer');

    // every login was a XAdES login with the certificate; not one token login
    const req = sim.counters().requests;
    assert.ok((req['POST /auth/xades-signature'] ?? 0) >= 1, JSON.stringify(req));
    assert.equal(req['POST /auth/ksef-token'] ?? 0, 0, JSON.stringify(req));
    const challenges = req['POST /auth/challenge'] ?? 0;
    assert.equal(req['POST /auth/xades-signature'], challenges, `every challenge answered by a XAdES signature: ${JSON.stringify(req)}`);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});
