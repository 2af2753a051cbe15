// Issue 10 Deliver 5: `status` sees certificate expiry, from the certificate files themselves (the
// same certificateValidTo the agent uses): the 30-day warning for one company, failing with
// CREDENTIAL_EXPIRED for a company whose certificate has expired. Through the CLI, as run by users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAgentChild } from '../helpers/agent-child.ts';
import { makeAgentEnv } from '../helpers/agent-env.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

const DAY = 86_400_000;
const PASS = 'Haslo-P12-2026';

test('status: a certificate expiring in 10 days is a warning, an expired one makes the company failing (exit 5)', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }] });
  try {
    const now = Date.now();
    const soonEnd = Math.floor((now + 10 * DAY) / 1000) * 1000;
    const oldEnd = Math.floor((now - 3 * DAY) / 1000) * 1000;
    const soon = await selfSigned({ alg: 'ec', subject: sealOf('9999999999'), notBefore: now - DAY, notAfter: soonEnd });
    const old = await selfSigned({ alg: 'ec', subject: sealOf('1111111111'), notBefore: now - 400 * DAY, notAfter: oldEnd, fresh: true });
    await writeFile(join(env.dir, 'soon-cert.pem'), soon.certificatePem);
    await writeFile(join(env.dir, 'soon-key.pem'), soon.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString(), { mode: 0o600 });
    await writeFile(join(env.dir, 'old-cert.pem'), old.certificatePem);
    await writeFile(join(env.dir, 'old-key.pem'), old.privateKeyPem, { mode: 0o600 });
    const config = JSON.parse(await readFile(env.configFile, 'utf8'));
    const { token: _token, ...acme } = config.companies[0];
    config.companies = [
      { ...acme, certificate: { certificateFile: 'soon-cert.pem', privateKeyFile: 'soon-key.pem', passphraseEnv: 'SOON_PASS' } },
      { ...acme, id: 'stary', nip: '1111111111', certificate: { certificateFile: 'old-cert.pem', privateKeyFile: 'old-key.pem' }, folders: { outbox: 'stary/outbox', archive: 'stary/archive', work: 'stary/work' }, inboxes: [{ ...acme.inboxes[0], id: 'stary', folder: 'inbox/stary' }] },
    ];
    await writeFile(env.configFile, JSON.stringify(config));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(env.dir, 'inbox', 'stary'), { recursive: true }));

    const r = await runAgentChild(['status', '--config', env.configFile], { ...env.env, SOON_PASS: PASS });
    assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^health: failing$/m);
    assert.match(r.stdout, new RegExp(`failing: company stary: its KSeF certificate expired on ${new Date(oldEnd).toISOString().replace(/\./g, '\\.')}; KSeF refuses it.*\\[CREDENTIAL_EXPIRED\\]`));
    assert.match(r.stdout, new RegExp(`warning: company acme: its KSeF certificate expires on ${new Date(soonEnd).toISOString().replace(/\./g, '\\.')} \\(in 10 day\\(s\\)\\).*\\[CREDENTIAL_EXPIRING\\]`));
    assert.doesNotMatch(r.stdout + r.stderr, /TOKEN_DEADLINE/);
    assert.ok(!(r.stdout + r.stderr).includes(PASS), 'the passphrase is never printed');

    const json = await runAgentChild(['status', '--config', env.configFile, '--json'], { ...env.env, SOON_PASS: PASS });
    const body = JSON.parse(json.stdout) as { status: string; reasons: { code: string }[]; warnings?: { code: string }[] };
    assert.equal(body.status, 'failing');
    assert.ok(body.reasons.some((x) => x.code === 'CREDENTIAL_EXPIRED'));
    assert.deepEqual(body.warnings?.map((w) => w.code), ['CREDENTIAL_EXPIRING']);
  } finally {
    await env.cleanup();
  }
});
