import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCertificate } from '../../src/config/read-certificate.ts';
import { createKsefClient } from '../../src/ksef/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { DEMO_NIP, makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';

const PASSPHRASE = 'correct horse battery staple 4711';

/** Point company acme at a certificate instead of its token (what an operator does by hand). */
async function useCertificate(configFile: string, certificate: Record<string, unknown>): Promise<void> {
  const config = JSON.parse(await readFile(configFile, 'utf8'));
  const { token: _token, ...co } = config.companies[0];
  config.companies[0] = { ...co, certificate };
  await writeFile(configFile, JSON.stringify(config, null, 2));
}

test('enrolment end to end: a company logged in with an openssl self-signed seal runs cert keygen + enroll, is switched to the enrolled KSeF certificate and `once` sends its invoices with it; revoked, it fails with 460', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 300 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'csv', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl });
  try {
    // the first credential: a seal made by the openssl command line (test mode accepts self-signed, as KSeF TEST does)
    const seal = join(env.dir, 'seal');
    await mkdir(seal);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30',
      '-subj', `/C=PL/O=Demo ${DEMO_NIP}/organizationIdentifier=VATPL-${DEMO_NIP}/CN=Demo ${DEMO_NIP}`], { cwd: seal, stdio: 'pipe' });
    await useCertificate(env.configFile, { certificateFile: 'seal/cert.pem', privateKeyFile: 'seal/key.pem' });
    const childEnv = { ...env.env, KEY_PASS: PASSPHRASE };
    const outDir = join(env.dir, 'certs');
    const sealKeyLines = (await readFile(join(seal, 'key.pem'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'));
    const secretsAbsent = (text: string): void => {
      assert.ok(!text.includes(PASSPHRASE), 'the passphrase is never printed');
      assert.ok(!text.includes('PRIVATE KEY'), 'no private key is printed');
      for (const l of sealKeyLines) assert.ok(!text.includes(l), 'no line of the seal key is printed');
    };

    const checked = await runAgentChild(['cert', 'check', '--company', 'acme', '--config', env.configFile], childEnv);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /company acme \(NIP 9999999999\): login OK at http:\/\/127\.0\.0\.1:\d+\/v2 with its configured credential \(nothing was sent\)/);

    const gen = await runAgentChild(['cert', 'keygen', '--company', 'acme', '--config', env.configFile, '--out', outDir, '--passphrase-env', 'KEY_PASS'], childEnv);
    assert.equal(gen.code, 0, gen.stderr);
    secretsAbsent(gen.stdout + gen.stderr);
    // the enrolment data of a signature login is the signing certificate's subject
    assert.match(gen.stdout, /subject: .*VATPL-9999999999/);
    assert.match(gen.stdout, /subject: .*Demo 9999999999/);
    const keyFile = join(outDir, 'authentication.key.pem');
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal((await stat(outDir)).mode & 0o777, 0o700);
    const keyPem = await readFile(keyFile, 'utf8');
    assert.match(keyPem, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.throws(() => createPrivateKey(keyPem), 'encrypted: unusable without the passphrase');
    const key = createPrivateKey({ key: keyPem, passphrase: PASSPHRASE });
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');

    const enrolled = await runAgentChild(['cert', 'enroll', '--company', 'acme', '--config', env.configFile, '--dir', outDir, '--poll-ms', '50'], childEnv);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    secretsAbsent(enrolled.stdout + enrolled.stderr);
    const serial = /serial number: ([0-9A-F]{16})/.exec(enrolled.stdout)?.[1];
    assert.ok(serial, enrolled.stdout);
    const certFile = join(outDir, 'authentication.crt.pem');
    const cert = new X509Certificate(await readFile(certFile));
    assert.equal(cert.serialNumber, serial);
    assert.equal(cert.checkPrivateKey(key), true, 'the certificate is for the generated key');
    assert.equal(cert.verify(new X509Certificate(await sim.caCertificate()).publicKey), true, 'signed by the simulator CA');

    const shown = await runAgentChild(['cert', 'show', certFile], childEnv);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^subject: .*CN=Demo 9999999999/m);
    assert.match(shown.stdout, /VATPL-9999999999/);
    assert.match(shown.stdout, new RegExp(`^serial number: ${serial}$`, 'm'));
    assert.match(shown.stdout, /^type: Authentication$/m);
    assert.match(shown.stdout, new RegExp(`^valid to: ${new Date(cert.validTo).toISOString().replace(/\./g, '\\.')} \\((729|730) day\\(s\\) left\\)$`, 'm'));
    assert.match(shown.stdout, new RegExp(`^SHA-256 fingerprint: ${cert.fingerprint256.replaceAll(':', '')}$`, 'm'));

    // the company is switched to the enrolled certificate (encrypted key) and sends invoices with it
    await useCertificate(env.configFile, { certificateFile: 'certs/authentication.crt.pem', privateKeyFile: 'certs/authentication.key.pem', passphraseEnv: 'KEY_PASS' });
    await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(env.inbox('csv'), 'faktury-2026-11.csv'));
    const before = sim.counters().requests['POST /auth/xades-signature'] ?? 0;
    const run = await runAgentChild(['once', '--config', env.configFile], childEnv, 120_000);
    assert.equal(run.code, 0, run.stderr);
    secretsAbsent(run.stdout + run.stderr);
    const result = await readJson<{ status: string; summary: { accepted: number } }>(join(env.outbox, 'results', 'faktury-2026-11.csv.result.json'));
    assert.equal(result.status, 'complete');
    assert.equal(result.summary.accepted, 4);
    assert.equal(sim.counters().totals.accepted, 4);
    assert.ok((sim.counters().requests['POST /auth/xades-signature'] ?? 0) > before, 'logged in with a signature');
    assert.equal(sim.counters().requests['POST /auth/ksef-token'] ?? 0, 0, 'never with a token');

    // KSeF's own view under a login with the enrolled certificate: Active and last used, then revoked
    // through the certificate endpoint, after which the simulator's one CA refuses it at login
    const client = createKsefClient({
      environment: 'sim', baseUrl: sim.baseUrl, nip: DEMO_NIP, fetchRateLimits: false,
      certificate: () => readCertificate({ certificateFile: certFile, privateKeyFile: keyFile, passphraseEnv: 'KEY_PASS', subjectIdentifierType: 'certificateSubject' }, () => undefined, childEnv),
    });
    try {
      const listed = (await client.certificates.query()).certificates;
      assert.deepEqual(listed.map((c) => [c.certificateSerialNumber, c.type, c.status, c.lastUseDate !== undefined]), [[serial, 'Authentication', 'Active', true]]);
      await client.certificates.revoke(serial!, 'KeyCompromise');
      assert.deepEqual((await client.certificates.query()).certificates.map((c) => c.status), ['Revoked']);
    } finally {
      await client.close();
    }
    const refused = await runAgentChild(['cert', 'check', '--company', 'acme', '--config', env.configFile], childEnv);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /company acme \(NIP 9999999999\): login FAILED at .*status 460.*Certyfikat odwołany/);
    secretsAbsent(refused.stdout + refused.stderr);
  } finally {
    await env.cleanup();
    await sim.close();
  }
});

test('as in KSeF, a token login cannot get enrolment data: keygen says why and what to do; check fails on a wrong token', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  const env = await makeAgentEnv({ inboxes: [{ id: 'csv', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl });
  try {
    sim.registerToken(DEMO_NIP, env.token);
    const gen = await runAgentChild(['cert', 'keygen', '--company', 'acme', '--config', env.configFile, '--out', join(env.dir, 'certs')], env.env);
    assert.equal(gen.code, 2, gen.stdout);
    assert.match(gen.stderr, /KSeF gives certificate data only to a login made with a signature/);
    assert.match(gen.stderr, /docs\/authentication\.md/);
    assert.ok(!gen.stderr.includes(env.token));
    sim.revokeToken(env.token);
    const checked = await runAgentChild(['cert', 'check', '--company', 'acme', '--config', env.configFile], env.env);
    assert.equal(checked.code, 1);
    assert.match(checked.stderr, /company acme \(NIP 9999999999\): login FAILED at .*status 450.*Token unieważniony/);
    assert.ok(!checked.stderr.includes(env.token));
  } finally {
    await env.cleanup();
    await sim.close();
  }
});
