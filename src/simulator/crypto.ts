/** The simulator's side of KSeF crypto: RSA-OAEP(SHA-256) unwrap, AES-256-CBC, SHA-256 in Base64. */
import { constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, type KeyObject } from 'node:crypto';

export function sha256b64(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('base64');
}

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256; undefined when the ciphertext does not decrypt. */
export function rsaOaepDecrypt(privateKey: KeyObject, ciphertext: Buffer): Buffer | undefined {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
  } catch {
    return undefined;
  }
}

export function aesDecrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    return undefined;
  }
}

export function aesEncrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Strict standard Base64 (with padding); undefined for anything else. */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}
