// Issue 10: the certificate is read from its files at each login, so an operator fixes a wrong
// passphrase or replaces an expired certificate without restarting the agent: the held company
// resumes at its next retry (send.refusedRetryMs), and /health follows the new certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEMO_NIP, makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

const DAY = 86_400_000;
const PASS = 'Nowe-Haslo-2026!';
/** until the held company's next try (the pause doubles on every refusal) */
const untilRetry = (held: { until: string } | undefined): Promise<void> => sleep(Math.max(0, Date.parse(held?.until ?? '') - Date.now()) + 20);

test('a held certificate company resumes without a restart: expired certificate replaced, then a wrong passphrase corrected', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], send: { refusedRetryMs: 100 } });
  const expired = await selfSigned({ alg: 'ec', subject: sealOf(DEMO_NIP), notBefore: Date.now() - 400 * DAY, notAfter: Date.now() - DAY, fresh: true });
  const valid = await selfSigned({ alg: 'ec', subject: sealOf(DEMO_NIP), fresh: true });
  const cert = join(env.dir, 'cert.pem');
  const key = join(env.dir, 'key.pem');
  const pass = join(env.dir, 'pass.txt');
  await writeFile(cert, expired.certificatePem);
  await writeFile(key, expired.privateKeyPem, { mode: 0o600 });
  await writeFile(pass, 'not-the-passphrase\n', { mode: 0o600 });
  const config = JSON.parse(await readFile(env.configFile, 'utf8'));
  const { token: _token, ...co } = config.companies[0];
  config.companies[0] = { ...co, certificate: { certificateFile: 'cert.pem', privateKeyFile: 'key.pem', passphraseFile: 'pass.txt' } };
  await writeFile(env.configFile, JSON.stringify(config));
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  try {
    await agent.open();
    await copyFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(env.inbox('optima'), 'faktury.csv'));
    await agent.runOnce();
    assert.match(agent.pipelines[0]!.held?.message ?? '', /the certificate for NIP 9999999999 cannot be used: company acme: its KSeF certificate expired on /);
    assert.deepEqual((await agent.health()).reasons.map((r) => r.code).sort(), ['COMPANY_HELD', 'CREDENTIAL_EXPIRED']);

    // the operator puts a new certificate in place, its key encrypted, but the passphrase file is still wrong
    await writeFile(cert, valid.certificatePem);
    await writeFile(key, valid.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString());
    await untilRetry(agent.pipelines[0]!.held);
    await agent.runOnce();
    const held = agent.pipelines[0]!.held;
    assert.ok(held, 'still held, now for the passphrase');
    assert.match(held!.message, /\$\.companies\[0\]\.certificate\.passphraseFile: the passphrase does not decrypt the private key in .*key\.pem \(wrong passphrase\?\)/);
    assert.ok(!(await agent.health()).reasons.some((r) => r.code === 'CREDENTIAL_EXPIRED'), 'health follows the new certificate');

    // … and corrects the passphrase: the next retry logs in and sends, with no restart
    await writeFile(pass, `${PASS}\n`);
    await untilRetry(held);
    await agent.runOnce();
    assert.equal(agent.pipelines[0]!.held, undefined);
    const r = await readJson<{ status: string; summary: { accepted: number } }>(join(env.outbox, 'results', 'faktury.csv.result.json'));
    assert.deepEqual([r.status, r.summary.accepted], ['complete', 4]);
    assert.equal((await agent.health()).status, 'ok');
    assert.equal(agent.simulator!.counters().requests['POST /auth/xades-signature'], 1, 'one login: the expired and the unreadable certificate were never sent');
  } finally {
    await agent.close();
    await env.cleanup();
  }
});
