import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import { aesDecrypt, aesEncrypt, generateSymmetricKey, rsaOaepEncrypt, sha256Base64 } from '../../src/ksef/crypto.ts';
import { pickCertificate } from '../../src/ksef/public-keys.ts';
import { KSEF_BASE_URLS, resolveBaseUrl, schemaAllowed } from '../../src/ksef/environments.ts';

describe('crypto', () => {
  it('AES-256-CBC without a prepended IV: 6480 B plain becomes 6496 B', () => {
    const k = generateSymmetricKey();
    assert.equal(k.key.length, 32);
    assert.equal(k.iv.length, 16);
    const plain = Buffer.alloc(6480, 7);
    const enc = aesEncrypt(k, plain);
    assert.equal(enc.length, 6496);
    assert.deepEqual(aesDecrypt(k, enc), plain);
    assert.notDeepEqual(generateSymmetricKey().key, k.key);
  });

  it('RSA-OAEP with SHA-256 and MGF1-SHA-256', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const enc = rsaOaepEncrypt(publicKey, Buffer.from('token|1700000000000'));
    const dec = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, enc);
    assert.equal(dec.toString(), 'token|1700000000000');
  });

  it('SHA-256 in standard Base64', () => {
    assert.equal(sha256Base64(Buffer.from('abc')), 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });

  it('picks the certificate valid now with the latest validFrom for the usage', () => {
    const c = (id: string, from: string, to: string, usage: string[]) => ({ certificate: id, publicKeyId: id, validFrom: from, validTo: to, usage });
    const now = Date.parse('2026-06-01T00:00:00Z');
    const certs = [
      c('old', '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z', ['KsefTokenEncryption']),
      c('new', '2026-05-01T00:00:00Z', '2028-01-01T00:00:00Z', ['KsefTokenEncryption']),
      c('future', '2026-07-01T00:00:00Z', '2029-01-01T00:00:00Z', ['KsefTokenEncryption']),
      c('sym', '2026-05-15T00:00:00Z', '2028-01-01T00:00:00Z', ['SymmetricKeyEncryption']),
      c('expired', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ['SymmetricKeyEncryption']),
    ];
    assert.equal(pickCertificate(certs, 'KsefTokenEncryption', now)?.publicKeyId, 'new');
    assert.equal(pickCertificate(certs, 'SymmetricKeyEncryption', now)?.publicKeyId, 'sym');
    assert.equal(pickCertificate(certs.slice(0, 3), 'SymmetricKeyEncryption', now), undefined);
  });
});

describe('environments', () => {
  it('maps names to the official base URLs; sim takes the given one', () => {
    assert.equal(resolveBaseUrl('test'), 'https://api-test.ksef.mf.gov.pl/v2');
    assert.equal(resolveBaseUrl('demo'), 'https://api-demo.ksef.mf.gov.pl/v2');
    assert.equal(resolveBaseUrl('prod'), 'https://api.ksef.mf.gov.pl/v2');
    assert.equal(Object.keys(KSEF_BASE_URLS).length, 3);
    assert.equal(resolveBaseUrl('sim', 'http://127.0.0.1:1234/v2/'), 'http://127.0.0.1:1234/v2');
    assert.throws(() => resolveBaseUrl('sim'), { code: 'CFG_KSEF_BASE_URL' });
  });

  it('allows FA(2) only on test and the simulator', () => {
    assert.deepEqual((['sim', 'test', 'demo', 'prod'] as const).map((e) => schemaAllowed(e, 'FA(2)')), [true, true, false, false]);
    assert.ok((['sim', 'test', 'demo', 'prod'] as const).every((e) => schemaAllowed(e, 'FA(3)')));
  });
});
