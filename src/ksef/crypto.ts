import { createCipheriv, createDecipheriv, createHash, createPublicKey, publicEncrypt, randomBytes, constants, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Standard Base64 SHA-256, as KSeF wants every hash. */
export function sha256Base64(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/** A per-session (or per-export) AES-256 key and IV. Never reused across sessions. */
export interface SymmetricKey {
  readonly key: Buffer;
  readonly iv: Buffer;
}

export function generateSymmetricKey(): SymmetricKey {
  return { key: randomBytes(32), iv: randomBytes(16) };
}

/** AES-256-CBC with PKCS#7; the IV is NOT prepended (it travels in the request). */
export function aesEncrypt(k: SymmetricKey, plain: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-cbc', k.key, k.iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

export function aesDecrypt(k: SymmetricKey, encrypted: Uint8Array): Buffer {
  const d = createDecipheriv('aes-256-cbc', k.key, k.iv);
  return Buffer.concat([d.update(encrypted), d.final()]);
}

/** Public key out of the Base64 DER certificate that `GET /security/public-key-certificates` lists. */
export function publicKeyFromCertificate(certificateB64: string): KeyObject {
  const der = Buffer.from(certificateB64, 'base64');
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    // tolerate a bare SubjectPublicKeyInfo as well
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
}

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256, empty label (PROTOCOL §4.2, §5.2). */
export function rsaOaepEncrypt(publicKey: KeyObject, data: Uint8Array): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
}

/** The `encryption` object of session open and export requests. */
export interface EncryptionInfo {
  readonly encryptedSymmetricKey: string;
  readonly initializationVector: string;
  readonly publicKeyId?: string;
}

export function encryptionInfo(k: SymmetricKey, publicKey: KeyObject, publicKeyId?: string): EncryptionInfo {
  return {
    encryptedSymmetricKey: rsaOaepEncrypt(publicKey, k.key).toString('base64'),
    initializationVector: k.iv.toString('base64'),
    ...(publicKeyId ? { publicKeyId } : {}),
  };
}
