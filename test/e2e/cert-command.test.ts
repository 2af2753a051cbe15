import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { DEMO_NIP, makeAgentEnv } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const PASSPHRASE = 'correct horse battery staple 4711';

test('cert keygen + enroll (child processes) enrol an Authentication certificate over HTTP; show, query and revoke agree', async () => {
  const sim = await startSimulator({ rateLimits: 'off', allowTokenCertificateEnrollment: true, processingDelayMs: 300 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'csv', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl });
  try {
    sim.registerToken(DEMO_NIP, env.token);
    const childEnv = { ...env.env, KEY_PASS: PASSPHRASE };
    const outDir = join(env.dir, 'certs');
    const secretsAbsent = (text: string): void => {
      assert.ok(!text.includes(env.token), 'the KSeF token is never printed');
      assert.ok(!text.includes(PASSPHRASE), 'the passphrase is never printed');
      assert.ok(!text.includes('PRIVATE KEY'), 'the private key is never printed');
    };

    const checked = await runAgentChild(['cert', 'check', '--company', 'acme', '--config', env.configFile], childEnv);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /company acme \(NIP 9999999999\): login OK at http:\/\/127\.0\.0\.1:\d+\/v2 with its configured credential \(nothing was sent\)/);

    const gen = await runAgentChild(['cert', 'keygen', '--company', 'acme', '--config', env.configFile, '--out', outDir, '--passphrase-env', 'KEY_PASS'], childEnv);
    assert.equal(gen.code, 0, gen.stderr);
    secretsAbsent(gen.stdout + gen.stderr);
    assert.match(gen.stdout, /subject: CN=Podmiot 9999999999, 2\.5\.4\.97=VATPL-9999999999|subject: .*VATPL-9999999999/);
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
    assert.match(shown.stdout, /^subject: .*CN=Podmiot 9999999999/m);
    assert.match(shown.stdout, /VATPL-9999999999/);
    assert.match(shown.stdout, new RegExp(`^serial number: ${serial}$`, 'm'));
    assert.match(shown.stdout, /^type: Authentication$/m);
    assert.match(shown.stdout, new RegExp(`^valid to: ${new Date(cert.validTo).toISOString().replace(/\./g, '\\.')} \\((729|730) day\\(s\\) left\\)$`, 'm'));
    assert.match(shown.stdout, new RegExp(`^SHA-256 fingerprint: ${cert.fingerprint256.replaceAll(':', '')}$`, 'm'));

    // KSeF's own view: the certificate is listed as Active, and revoking it marks it Revoked.
    const client = new SimTestClient(sim.baseUrl);
    await client.login(DEMO_NIP, env.token);
    const listed = (await client.call('POST', '/certificates/query', { json: {} })).json.certificates;
    assert.deepEqual(listed.map((c: any) => [c.certificateSerialNumber, c.type, c.status]), [[serial, 'Authentication', 'Active']]);
    assert.equal((await client.call('POST', `/certificates/${serial}/revoke`, { json: { revocationReason: 'KeyCompromise' } })).status, 204);
    assert.deepEqual((await client.call('POST', '/certificates/query', { json: {} })).json.certificates.map((c: any) => c.status), ['Revoked']);
    assert.deepEqual(client.violations, []);

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
