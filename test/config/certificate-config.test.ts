// A company's credential: token or certificate, checked with JSON paths; certificate files resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkCertificateSources, readCertificate } from '../../src/config/read-certificate.ts';
import { AgentError } from '../../src/core/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

const company = (cred: Record<string, unknown>) => ({
  id: 'acme', nip: '5265877635', name: 'ACME Sp. z o.o.', address: { line1: 'ul. Prosta 1' },
  inboxes: [{ id: 'csv', mapping: 'mappings/a.json' }], ...cred,
});
const load = async (dir: string, co: unknown) => {
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ environment: 'sim', companies: [co] }));
  return loadConfig(file);
};
const problems = async (dir: string, co: unknown): Promise<string[]> => {
  try {
    await load(dir, co);
  } catch (e) {
    assert.ok(e instanceof AgentError);
    return [...(e.details ?? [])];
  }
  return [];
};

test('certificate instead of token: paths resolved against the configuration file, default subjectIdentifierType', async () => {
  await withTempDir('cfg-cert-', async (dir) => {
    const c = await load(dir, company({ certificate: { pkcs12File: 'secrets/seal.p12', passphraseEnv: 'SEAL_PASS' } }));
    assert.deepEqual(c.companies[0]!.certificate, { pkcs12File: join(dir, 'secrets/seal.p12'), passphraseEnv: 'SEAL_PASS', subjectIdentifierType: 'certificateSubject' });
    assert.equal(c.companies[0]!.token, undefined);
  });
});

test('credential problems name their JSON path', async () => {
  await withTempDir('cfg-cert-', async (dir) => {
    assert.deepEqual(await problems(dir, company({})), ['$.companies[0].token: required property is missing: give token ({"env": "VARIABLE"} or {"file": "path"}) or certificate']);
    assert.deepEqual(await problems(dir, company({ token: { env: 'T' }, certificate: { pkcs12File: 'a.p12', passphraseEnv: 'P' } })), ['$.companies[0]: give either token or certificate, not both (the company logs in with one credential)']);
    assert.deepEqual(await problems(dir, company({ certificate: { pkcs12File: 'a.p12' } })), ['$.companies[0].certificate.passphraseEnv: required with a PKCS#12: give passphraseEnv or passphraseFile']);
    assert.deepEqual(await problems(dir, company({ certificate: { certificateFile: 'c.pem' } })), ['$.companies[0].certificate.privateKeyFile: give exactly one of privateKeyFile and privateKeyEnv (the PEM private key)']);
    assert.deepEqual(await problems(dir, company({ certificate: { certificateFile: 'c.pem', privateKeyFile: 'k.pem', pkcs12File: 'a.p12', passphraseEnv: 'P' } })), [
      '$.companies[0].certificate: give either a PEM certificate and key (certificateFile/certificateEnv with privateKeyFile/privateKeyEnv) or a PKCS#12 (pkcs12File/pkcs12Env), not both',
    ]);
    const [inline] = await problems(dir, company({ certificate: { certificateFile: 'c.pem', privateKeyFile: 'k.pem', privateKey: '-----BEGIN PRIVATE KEY-----' } }));
    assert.match(inline!, /^\$\.companies\[0\]\.certificate\.privateKey: unknown property/);
  });
});

test('reader: missing file, unset variable, unencrypted key given a passphrase works, encrypted key without one is named', async () => {
  await withTempDir('cfg-cert-', async (dir) => {
    const c = await selfSigned({ alg: 'rsa', subject: sealOf('5265877635') });
    await writeFile(join(dir, 'c.pem'), c.certificatePem);
    await writeFile(join(dir, 'k.pem'), c.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret-pass' }).toString());
    const src = { certificateFile: join(dir, 'c.pem'), privateKeyFile: join(dir, 'k.pem'), subjectIdentifierType: 'certificateSubject' as const };
    await assert.rejects(checkCertificateSources({ ...src, certificateFile: join(dir, 'none.pem') }, {}, '$.companies[0].certificate'), (e: AgentError) => e.code === 'CFG_CERTIFICATE_MISSING' && /^\$\.companies\[0\]\.certificate\.certificateFile: cannot read the certificate file .*none\.pem \(ENOENT\)$/.test(e.message));
    await assert.rejects(checkCertificateSources({ ...src, passphraseEnv: 'NOPE' }, {}, '$.c'), /\$\.c\.passphraseEnv: environment variable NOPE holding the passphrase is not set or empty/);
    await assert.rejects(readCertificate(src, () => undefined, {}, '$.c'), (e: AgentError) => e.code === 'CFG_CERTIFICATE_INVALID' && /^\$\.c\.passphraseEnv: the private key in .*k\.pem is encrypted; give its passphrase/.test(e.message));
    await assert.rejects(readCertificate({ ...src, passphraseEnv: 'P' }, () => undefined, { P: 'wrong' }, '$.c'), /^AgentError: \$\.c\.passphraseEnv: the passphrase does not decrypt the private key in .*k\.pem \(wrong passphrase\?\)$/);
    const ok = await readCertificate({ ...src, passphraseEnv: 'P' }, () => undefined, { P: 'secret-pass' }, '$.c');
    assert.equal(ok.keyType, 'rsa');
    assert.match(ok.subject, /VATPL-5265877635/);
    assert.match(ok.fingerprint, /^[0-9A-F]{64}$/);
  });
});
