import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc8, isValidKsefNumber, isValidNip, isValidReferenceNumber, ksefNumber, randomNip, referenceNumber } from '../../src/simulator/ids.ts';

test('CRC-8 (poly 0x07, init 0) matches the KSeF numbers and reference numbers of the spec examples', () => {
  for (const k of ['5265877635-20250826-0100001AF629-AF', '5265877635-20250626-010080DD2B5E-26', '5265877635-20250925-010020A0A242-0A', '5555555555-20250828-010080615740-E4']) {
    assert.equal(isValidKsefNumber(k), true, k);
    assert.equal(crc8(k.slice(0, 32)).toString(16).toUpperCase().padStart(2, '0'), k.slice(33));
  }
  assert.equal(isValidKsefNumber('5265877635-20250826-0100001AF629-AE'), false);
  for (const r of ['20250514-AU-2DFC46C000-3AC6D5877F-D4', '20250625-EE-319D7EE000-B67F415CDC-2C', '20250625-SO-2C3E6C8000-B675CF5D68-07']) {
    assert.equal(isValidReferenceNumber(r), true, r);
  }
  assert.equal(crc8('123456789'), 0xf4); // the CRC-8/SMBUS check value
});

test('generated identifiers have the documented shapes and valid checksums', () => {
  const at = Date.parse('2026-03-02T10:00:00Z');
  for (let i = 0; i < 50; i++) {
    const k = ksefNumber('5265877635', at);
    assert.match(k, /^5265877635-20260302-[0-9A-F]{12}-[0-9A-F]{2}$/);
    assert.equal(isValidKsefNumber(k), true);
    const r = referenceNumber('EE', at);
    assert.equal(r.length, 36);
    assert.match(r, /^20260302-EE-/);
    assert.equal(isValidReferenceNumber(r), true);
    const nip = randomNip();
    assert.equal(isValidNip(nip), true, nip);
  }
  assert.equal(isValidNip('5265877635'), true);
  assert.equal(isValidNip('1234567890'), false);
});

test('self-signed certificates parse whatever the serial bytes (regression: leading zero made invalid DER)', async () => {
  const { generateKeyPairSync, X509Certificate } = await import('node:crypto');
  const { selfSignedCertificate } = await import('../../src/simulator/x509.ts');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  for (const serial of [[0x00, 0x10, 0x01], [0x00, 0x00, 0x90], [0x80, 0x01], [0x7f]]) {
    const der = selfSignedCertificate({ publicKey, privateKey, serial: Buffer.from(serial), commonName: 'Ministerstwo Finansów', notBefore: Date.parse('2026-01-01T00:00:00Z'), notAfter: Date.parse('2060-01-01T00:00:00Z') });
    const cert = new X509Certificate(der);
    assert.equal(cert.verify(publicKey), true);
    assert.equal(cert.validTo, 'Jan  1 00:00:00 2060 GMT'); // GeneralizedTime past 2049
  }
});
