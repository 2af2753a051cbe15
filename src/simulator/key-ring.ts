/**
 * The simulator's public keys (PROTOCOL §3): one RSA key per usage, each wrapped in a self-signed
 * certificate. Rotation retires the current key of a usage: a retired key is no longer listed, and
 * data encrypted with it (or naming its publicKeyId) is refused with 21470.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { rsaOaepDecrypt, sha256b64 } from './crypto.ts';
import { apiError } from './http-errors.ts';
import { selfSignedCertificate } from './x509.ts';

export type KeyUsage = 'KsefTokenEncryption' | 'SymmetricKeyEncryption';

export interface KeyRecord {
  readonly publicKeyId: string;
  readonly usage: KeyUsage;
  readonly privateKeyPem: string;
  readonly certificate: string;
  readonly certificateId: string;
  readonly validFrom: string;
  readonly validTo: string;
  retired: boolean;
}

export interface PublicKeyCertificate {
  certificate: string;
  certificateId: string;
  publicKeyId: string;
  validFrom: string;
  validTo: string;
  usage: KeyUsage[];
}

/**
 * RSA key generation is the slowest part of starting a simulator; the first key pair of each usage
 * is shared by the simulators of one process (each still gets its own certificate and state).
 * Rotation always generates a fresh pair.
 */
const firstPairs = new Map<KeyUsage, { publicKey: KeyObject; privateKey: KeyObject }>();

function keyPair(usage: KeyUsage, fresh: boolean): { publicKey: KeyObject; privateKey: KeyObject } {
  const cached = firstPairs.get(usage);
  if (cached && !fresh) return cached;
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (!cached) firstPairs.set(usage, pair);
  return pair;
}

export function createKey(usage: KeyUsage, nowMs: number, fresh = false): KeyRecord {
  const { publicKey, privateKey } = keyPair(usage, fresh);
  const notBefore = nowMs - 60_000;
  const notAfter = nowMs + 2 * 365 * 86_400_000;
  // A positive serial with no leading zero byte: DER INTEGERs must be minimal.
  const serial = randomBytes(12);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const der = selfSignedCertificate({ publicKey, privateKey, serial, commonName: 'Ministerstwo Finansów', notBefore, notAfter });
  return {
    publicKeyId: sha256b64(publicKey.export({ type: 'spki', format: 'der' })),
    usage,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: der.toString('base64'),
    certificateId: sha256b64(der),
    validFrom: new Date(notBefore).toISOString(),
    validTo: new Date(notAfter).toISOString(),
    retired: false,
  };
}

export class KeyRing {
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(readonly keys: KeyRecord[]) {}

  ensure(nowMs: number): void {
    for (const usage of ['KsefTokenEncryption', 'SymmetricKeyEncryption'] as const) {
      const first = !this.keys.some((k) => k.usage === usage);
      if (!this.keys.some((k) => k.usage === usage && !k.retired)) this.keys.push(createKey(usage, nowMs, !first));
    }
  }

  listing(): PublicKeyCertificate[] {
    return this.keys
      .filter((k) => !k.retired)
      .map((k) => ({ certificate: k.certificate, certificateId: k.certificateId, publicKeyId: k.publicKeyId, validFrom: k.validFrom, validTo: k.validTo, usage: [k.usage] }));
  }

  /** Retire the active key(s) of a usage (or both) and create fresh ones. */
  rotate(usage: KeyUsage | undefined, nowMs: number): void {
    for (const k of this.keys) if (!k.retired && (usage === undefined || k.usage === usage)) k.retired = true;
    this.ensure(nowMs);
  }

  publicKeyOf(record: KeyRecord): KeyObject {
    return createPublicKey(this.privateOf(record));
  }

  private privateOf(record: KeyRecord): KeyObject {
    let key = this.privateKeys.get(record.publicKeyId);
    if (!key) {
      key = createPrivateKey(record.privateKeyPem);
      this.privateKeys.set(record.publicKeyId, key);
    }
    return key;
  }

  /**
   * Decrypt with the active key of `usage` (or the one named by publicKeyId).
   * Returns undefined when nothing decrypts; throws 21470 when a retired or unknown key is named,
   * or when the data decrypts only with a retired key (the client used an old certificate).
   */
  decrypt(usage: KeyUsage, ciphertext: Buffer, publicKeyId?: string | null): Buffer | undefined {
    if (publicKeyId) {
      const named = this.keys.find((k) => k.publicKeyId === publicKeyId && k.usage === usage);
      if (!named || named.retired) throw apiError(21470, `Klucz publiczny ${publicKeyId} jest nieznany lub wycofany.`);
      return rsaOaepDecrypt(this.privateOf(named), ciphertext);
    }
    for (const k of this.keys.filter((r) => r.usage === usage && !r.retired)) {
      const plain = rsaOaepDecrypt(this.privateOf(k), ciphertext);
      if (plain) return plain;
    }
    for (const k of this.keys.filter((r) => r.usage === usage && r.retired)) {
      if (rsaOaepDecrypt(this.privateOf(k), ciphertext)) throw apiError(21470, 'Dane zaszyfrowano wycofanym kluczem publicznym.');
    }
    return undefined;
  }
}
