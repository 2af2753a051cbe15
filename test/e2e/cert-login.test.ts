// Companies logging in with certificates (issue 10): PEM (RSA made by the openssl command line,
// EC with an encrypted key) and PKCS#12 (RSA and EC) send invoices through `once`; a wrong
// passphrase, a key of another certificate, an expired certificate and a certificate of another
// NIP each hold only their own company with a precise message, and no key or passphrase is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { REPO, readJson } from '../helpers/agent-env.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

interface Result { status: string; summary: { accepted: number } }

const PASS = 'Tajne-Haslo-2026!';
const ssl = (cwd: string, ...args: string[]): void => void execFileSync('openssl', args, { cwd, stdio: 'pipe' });
const sealSubj = (nip: string): string => `/C=PL/O=Firma ${nip}/organizationIdentifier=VATPL-${nip}/CN=Firma ${nip}`;

/** Key and certificate files made by the openssl command line, outside our code. */
function opensslCertificates(dir: string): void {
  ssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa-key.pem', '-out', 'rsa-cert.pem', '-days', '30', '-subj', sealSubj('1111111111'));
  ssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec-plain.pem');
  ssl(dir, 'pkey', '-in', 'ec-plain.pem', '-aes256', '-passout', `pass:${PASS}`, '-out', 'ec-key.pem');
  ssl(dir, 'req', '-x509', '-key', 'ec-plain.pem', '-out', 'ec-cert.pem', '-days', '30', '-subj', sealSubj('2222222222'));
  ssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'p12rsa-key.pem', '-out', 'p12rsa-cert.pem', '-days', '30', '-subj', sealSubj('3333333333'));
  ssl(dir, 'pkcs12', '-export', '-inkey', 'p12rsa-key.pem', '-in', 'p12rsa-cert.pem', '-out', 'rsa.p12', '-passout', `pass:${PASS}`);
  ssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'p12ec-key.pem');
  ssl(dir, 'req', '-x509', '-key', 'p12ec-key.pem', '-out', 'p12ec-cert.pem', '-days', '30', '-subj', sealSubj('4444444444'));
  ssl(dir, 'pkcs12', '-export', '-inkey', 'p12ec-key.pem', '-in', 'p12ec-cert.pem', '-out', 'ec.p12', '-passout', `pass:${PASS}`);
  // 5555555555: a PKCS#12 opened with the wrong passphrase
  ssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'bad-key.pem', '-out', 'bad-cert.pem', '-days', '30', '-subj', sealSubj('5555555555'));
  ssl(dir, 'pkcs12', '-export', '-inkey', 'bad-key.pem', '-in', 'bad-cert.pem', '-out', 'bad.p12', '-passout', `pass:${PASS}`);
  // 6666666666: a certificate with the key of another one
  ssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'unused-key.pem', '-out', 'mismatch-cert.pem', '-days', '30', '-subj', sealSubj('6666666666'));
  // 8888888888: a valid certificate, but of NIP 1111111111
}

const company = (id: string, nip: string, certificate: Record<string, unknown>) => ({
  id, nip, name: `Spółka ${id} sp. z o.o.`,
  address: { country: 'PL', line1: 'ul. Testowa 1', line2: '00-001 Warszawa' },
  certificate, schema: 'FA(3)',
  folders: { outbox: `${id}/outbox`, archive: `${id}/archive`, work: `${id}/work` },
  inboxes: [{ id: 'csv', folder: `${id}/inbox`, mapping: join(REPO, 'mappings', 'optima-csv.json') }],
});

test('once with certificate logins: PEM and PKCS#12, RSA and EC, made by openssl, go through; each unusable certificate holds only its company', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'ksef-cert-'));
  try {
    const certs = join(dir, 'certs');
    await mkdir(certs);
    opensslCertificates(certs);
    const now = Date.now();
    const expired = await selfSigned({ alg: 'ec', subject: sealOf('7777777777'), notBefore: now - 400 * 86_400_000, notAfter: now - 86_400_000, fresh: true });
    await writeFile(join(certs, 'expired-cert.pem'), expired.certificatePem);
    await writeFile(join(certs, 'expired-key.pem'), expired.privateKeyPem);
    await writeFile(join(certs, 'pass.txt'), `${PASS}\n`);
    const p12Rsa = (await readFile(join(certs, 'rsa.p12'))).toString('base64');
    const env: NodeJS.ProcessEnv = { ...process.env, CERT_PASS: PASS, WRONG_PASS: 'not-the-passphrase', P12_RSA: p12Rsa };
    const companies = [
      company('rsapem', '1111111111', { certificateFile: 'certs/rsa-cert.pem', privateKeyFile: 'certs/rsa-key.pem' }),
      company('ecpem', '2222222222', { certificateFile: 'certs/ec-cert.pem', privateKeyFile: 'certs/ec-key.pem', passphraseFile: 'certs/pass.txt' }),
      company('rsap12', '3333333333', { pkcs12Env: 'P12_RSA', passphraseEnv: 'CERT_PASS' }),
      company('ecp12', '4444444444', { pkcs12File: 'certs/ec.p12', passphraseEnv: 'CERT_PASS' }),
      company('badpass', '5555555555', { pkcs12File: 'certs/bad.p12', passphraseEnv: 'WRONG_PASS' }),
      company('mismatch', '6666666666', { certificateFile: 'certs/mismatch-cert.pem', privateKeyFile: 'certs/rsa-key.pem' }),
      company('expired', '7777777777', { certificateFile: 'certs/expired-cert.pem', privateKeyFile: 'certs/expired-key.pem' }),
      company('othernip', '8888888888', { certificateFile: 'certs/rsa-cert.pem', privateKeyFile: 'certs/rsa-key.pem' }),
    ];
    const config = {
      environment: 'sim', root: './data', simulator: { url: sim.baseUrl }, companies,
      send: { mode: 'online', statusPollIntervalMs: 100 },
      watcher: { stabilityWindowMs: 0, scanIntervalMs: 100 },
      logging: { level: 'debug', console: false, dir: 'logs' },
    };
    const configFile = join(dir, 'agent.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    for (const c of companies) {
      await mkdir(join(dir, c.id, 'inbox'), { recursive: true });
      await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(dir, c.id, 'inbox', 'faktury-2026-11.csv'));
    }

    const run = await runAgentChild(['once', '--config', configFile], env, 120_000);
    assert.equal(run.code, 1, run.stderr);
    for (const id of ['rsapem', 'ecpem', 'rsap12', 'ecp12']) {
      const r = await readJson<Result>(join(dir, id, 'outbox', 'results', 'faktury-2026-11.csv.result.json'));
      assert.equal(r.status, 'complete', id);
      assert.equal(r.summary.accepted, 4, id);
      assert.doesNotMatch(run.stderr, new RegExp(`company ${id} `), id);
    }
    const held = (id: string): string => run.stderr.split('\n').find((l) => l.startsWith(`once: company ${id} was not sent`)) ?? assert.fail(`${id} not reported:\n${run.stderr}`);
    assert.match(held('badpass'), /\$\.companies\[4\]\.certificate\.passphraseEnv: the passphrase does not open the PKCS#12 .*bad\.p12 \(wrong passphrase\?\)/);
    assert.match(held('mismatch'), /\$\.companies\[5\]\.certificate: the private key does not belong to the certificate \(subject .*VATPL-6666666666/);
    // an expired certificate is refused by the agent before KSeF is asked (KSeF would answer 460 "Nieważny certyfikat")
    assert.match(held('expired'), /the certificate for NIP 7777777777 cannot be used: company expired: its KSeF certificate expired on \d{4}-\d\d-\d\dT[\d:.]+Z; KSeF refuses it, so nothing is sent for this company/);
    assert.match(held('othernip'), /KSeF refused the login for NIP 8888888888: status 415 .*Brak przypisanych uprawnień/);
    for (const id of ['badpass', 'mismatch', 'expired', 'othernip']) {
      assert.match(held(id), /\[KSEF_AUTH_FAILED\]; 1 file\(s\) wait in the work area/, id);
      assert.equal((await readJson<Result>(join(dir, id, 'outbox', 'results', 'faktury-2026-11.csv.result.json')).catch(() => ({ status: 'none' }) as Result)).status !== 'complete', true, id);
    }
    assert.equal(sim.counters().totals.accepted, 16);

    // no key material nor passphrase anywhere the agent writes or prints
    const logs = await Promise.all((await readdir(join(dir, 'logs'))).map((f) => readFile(join(dir, 'logs', f), 'utf8')));
    const seen = [run.stdout, run.stderr, ...logs].join('\n');
    const secrets = [PASS, p12Rsa.slice(0, 40)];
    for (const f of ['rsa-key.pem', 'ec-key.pem', 'p12ec-key.pem', 'expired-key.pem']) {
      const body = (await readFile(join(certs, f), 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
      secrets.push(...body.slice(0, 2));
    }
    for (const s of secrets) assert.ok(!seen.includes(s), `a secret (${s.slice(0, 6)}…) appears in the output or logs`);
    // a certificate that cannot be used is said at start, once per company, not only at its first login
    const atStart = logs.join('\n').split('\n').filter((l) => l.includes('its certificate cannot be used'));
    assert.deepEqual(atStart.map((l) => (JSON.parse(l) as { companyId: string }).companyId).sort(), ['badpass', 'mismatch']);
    // the five companies whose certificate could be read and has not expired logged in with XAdES, none with a token
    assert.equal(sim.counters().requests['POST /auth/xades-signature'], 5);
    assert.equal(sim.counters().requests['POST /auth/ksef-token'] ?? 0, 0);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});
