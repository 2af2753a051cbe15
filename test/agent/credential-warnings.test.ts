// Issue 10 Deliver 5: expiry and the token deadline are never a surprise (injected clock throughout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent.ts';
import { assessHealth } from '../../src/agent/assess-health.ts';
import { assessCredential, CredentialWarnings, type CredentialFacts } from '../../src/agent/credential-warnings.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEMO_NIP, makeAgentEnv, REPO } from '../helpers/agent-env.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

const DAY = 86_400_000;
const TOKEN: CredentialFacts = { kind: 'token' };

test('token deadline: none on 30 November (Warsaw), from 1 December one warning per company per Warsaw day naming 31 December 2026 and what to do', () => {
  // 30 Nov 23:59:59 in Warsaw is 22:59:59Z; 1 Dec 00:00 in Warsaw is 23:00Z on 30 Nov
  assert.deepEqual(assessCredential('acme', TOKEN, Date.parse('2026-11-30T22:59:59Z')), []);
  const [n] = assessCredential('acme', TOKEN, Date.parse('2026-11-30T23:00:00Z'));
  assert.equal(n!.code, 'TOKEN_DEADLINE');
  assert.equal(n!.level, 'warning');
  assert.match(n!.message, /^company acme still logs in with a KSeF token; KSeF tokens serve for authentication only until 31 December 2026 \(§ 13 ust\. 1 pkt 1, Dz\. U\. 2025 poz\. 1815\): move it to a KSeF certificate: `ksef-hotfolder cert keygen` and `cert enroll`.*docs\/authentication\.md$/);
  // a certificate company is never told about tokens
  assert.deepEqual(assessCredential('beta', { kind: 'certificate', notAfter: '2028-12-01T00:00:00Z' }, Date.parse('2026-12-05T10:00:00Z')), []);

  let facts: Record<string, CredentialFacts> = { acme: TOKEN, beta: TOKEN, gamma: { kind: 'certificate', notAfter: '2028-01-01T00:00:00Z' } };
  const w = new CredentialWarnings(['acme', 'beta', 'gamma'], (id) => facts[id]);
  assert.deepEqual(w.due(Date.parse('2026-11-30T12:00:00Z')), []);
  const dec1 = w.due(Date.parse('2026-12-01T08:00:00Z'));
  assert.deepEqual(dec1.map((x) => [x.companyId, x.code]), [['acme', 'TOKEN_DEADLINE'], ['beta', 'TOKEN_DEADLINE']]);
  assert.deepEqual(w.due(Date.parse('2026-12-01T22:59:00Z')), [], 'still 1 December in Warsaw: not again');
  assert.equal(w.due(Date.parse('2026-12-01T23:00:00Z')).length, 2, '2 December in Warsaw: once more per company');
  facts = { ...facts, beta: { kind: 'certificate', notAfter: '2028-12-01T00:00:00Z' } };
  assert.deepEqual(w.due(Date.parse('2026-12-03T09:00:00Z')).map((x) => x.companyId), ['acme'], 'a company moved to a certificate is no longer warned');
  const jan = assessCredential('acme', TOKEN, Date.parse('2027-01-02T09:00:00Z'))[0]!;
  assert.match(jan.message, /31 December 2026 .*, a date now past: its logins may be refused at any time/);
});

test('expiry: 31 days before nothing, 29 days before a warning, expired a failing reason and the login refused before KSeF is asked', () => {
  const notAfter = '2027-03-01T12:00:00Z';
  const cert: CredentialFacts = { kind: 'certificate', notAfter };
  const at = (days: number) => Date.parse(notAfter) - days * DAY;
  assert.deepEqual(assessCredential('acme', cert, at(31)), []);
  const [soon] = assessCredential('acme', cert, at(29));
  assert.equal(soon!.code, 'CREDENTIAL_EXPIRING');
  assert.match(soon!.message, /^company acme: its KSeF certificate expires on 2027-03-01T12:00:00\.000Z \(in 29 day\(s\)\); after that KSeF refuses its logins and nothing is sent for it\. Enrol a new certificate now: `ksef-hotfolder cert keygen` and `cert enroll`/);
  // a time-limited token (the Ministry's proposal for 2027) is warned about the same way
  assert.equal(assessCredential('acme', { kind: 'token', notAfter }, at(10))[0]!.code, 'CREDENTIAL_EXPIRING');

  const verdict = assessHealth({ companies: [], folders: [], disks: [], credentials: assessCredential('acme', cert, at(29)) });
  assert.equal(verdict.status, 'ok', 'a warning never makes the agent look broken');
  assert.deepEqual(verdict.reasons, []);
  assert.deepEqual(verdict.warnings!.map((x) => x.code), ['CREDENTIAL_EXPIRING']);

  const expired = assessCredential('acme', cert, at(-1));
  assert.deepEqual(expired.map((x) => [x.code, x.level]), [['CREDENTIAL_EXPIRED', 'failing']]);
  assert.match(expired[0]!.message, /^company acme: its KSeF certificate expired on 2027-03-01T12:00:00\.000Z; KSeF refuses it, so nothing is sent for this company until a valid credential is configured/);
  assert.equal(assessHealth({ companies: [], folders: [], disks: [], credentials: expired }).status, 'failing');
  const w = new CredentialWarnings(['acme'], () => cert);
  assert.doesNotThrow(() => w.assertUsable('acme', at(1)));
  assert.throws(() => w.assertUsable('acme', at(-1)), (e: Error & { code?: string }) => e.code === 'CREDENTIAL_EXPIRED' && /expired on 2027-03-01/.test(e.message));
});

test('agent: a company whose credential expired is held with a message saying so, nothing reaches KSeF; the deadline warning is logged once a day', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }] });
  let now = Date.parse('2026-12-10T09:00:00Z');
  let facts: CredentialFacts = { kind: 'token' };
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, now: () => now, credentialFacts: () => facts });
  const warnings: { code?: string; message: string }[] = [];
  agent.bus.on('agent.warning', (p) => void warnings.push(p as never));
  try {
    await agent.open();
    await agent.runOnce();
    await agent.runOnce();
    assert.deepEqual(warnings.filter((x) => x.code === 'TOKEN_DEADLINE').length, 1, 'once that day, however many steps');
    assert.deepEqual((await agent.health()).warnings?.map((x) => x.code), ['TOKEN_DEADLINE']);

    facts = { kind: 'token', notAfter: '2026-12-11T00:00:00Z' };
    now = Date.parse('2026-12-11T09:00:00Z');
    await copyFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(env.inbox('optima'), 'faktury.csv'));
    await agent.runOnce();
    const held = agent.pipelines[0]!.held;
    assert.ok(held, 'held');
    assert.match(held.message, /company acme: its KSeF token expired on 2026-12-11T00:00:00\.000Z; KSeF refuses it, so nothing is sent for this company until a valid credential is configured/);
    const health = await agent.health();
    assert.equal(health.status, 'failing');
    assert.deepEqual(health.reasons.map((r) => r.code).sort(), ['COMPANY_HELD', 'CREDENTIAL_EXPIRED']);
    assert.equal(agent.simulator!.counters().requests['POST /auth/ksef-token'] ?? 0, 0, 'no login was tried with the expired credential');
    assert.ok(warnings.some((x) => x.code === 'CREDENTIAL_EXPIRED'));
  } finally {
    await agent.close();
    await env.cleanup();
  }
});

test('agent with a certificate company: the facts come from the certificate (its notAfter): 30-day warning, no token deadline, and once expired the company is held before any login', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }] });
  const notAfter = Math.floor((Date.now() + 60 * DAY) / 1000) * 1000;
  const seal = await selfSigned({ alg: 'ec', subject: sealOf(DEMO_NIP), notBefore: Date.now() - DAY, notAfter });
  await writeFile(join(env.dir, 'cert.pem'), seal.certificatePem);
  await writeFile(join(env.dir, 'key.pem'), seal.privateKeyPem, { mode: 0o600 });
  const config = JSON.parse(await readFile(env.configFile, 'utf8'));
  const { token: _token, ...co } = config.companies[0];
  config.companies[0] = { ...co, certificate: { certificateFile: 'cert.pem', privateKeyFile: 'key.pem' } };
  await writeFile(env.configFile, JSON.stringify(config));
  const when = new Date(notAfter).toISOString();
  // in December 2026 (Warsaw), when a token company would get TOKEN_DEADLINE every day
  let now = Date.parse('2026-12-10T09:00:00Z');
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, now: () => now });
  const warnings: { code?: string; message: string }[] = [];
  agent.bus.on('agent.warning', (p) => void warnings.push(p as never));
  try {
    await agent.open();
    await agent.runOnce();
    assert.deepEqual((await agent.health()).warnings ?? [], [], '31+ days before its end, nothing; never the token deadline');

    now = notAfter - 20 * DAY;
    await agent.runOnce();
    const health = await agent.health();
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.warnings?.map((x) => x.code), ['CREDENTIAL_EXPIRING']);
    assert.match(health.warnings![0]!.message, new RegExp(`^company acme: its KSeF certificate expires on ${when.replace(/\./g, '\\.')} \\(in 20 day\\(s\\)\\)`));
    assert.equal(warnings.filter((x) => x.code === 'CREDENTIAL_EXPIRING').length, 1);

    now = notAfter + 3_600_000;
    await copyFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(env.inbox('optima'), 'faktury.csv'));
    await agent.runOnce();
    const held = agent.pipelines[0]!.held;
    assert.ok(held, 'held');
    assert.match(held.message, new RegExp(`company acme: its KSeF certificate expired on ${when.replace(/\./g, '\\.')}; KSeF refuses it, so nothing is sent for this company`));
    const after = await agent.health();
    assert.equal(after.status, 'failing');
    assert.deepEqual(after.reasons.map((r) => r.code).sort(), ['COMPANY_HELD', 'CREDENTIAL_EXPIRED']);
    assert.equal(agent.simulator!.counters().requests['POST /auth/xades-signature'] ?? 0, 0, 'no login was tried with the expired certificate');
  } finally {
    await agent.close();
    await env.cleanup();
  }
});
