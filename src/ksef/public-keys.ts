import type { KeyObject } from 'node:crypto';
import { publicKeyFromCertificate } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';

export type KeyUsage = 'KsefTokenEncryption' | 'SymmetricKeyEncryption';

/** One entry of `GET /security/public-key-certificates`. */
export interface PublicKeyCertificate {
  readonly certificate: string;
  readonly certificateId?: string;
  readonly publicKeyId?: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly usage: readonly string[];
}

export interface SelectedKey {
  readonly publicKey: KeyObject;
  readonly publicKeyId?: string;
}

/** Pick the certificate for a usage: valid now, and of those the latest validFrom (PROTOCOL §3). */
export function pickCertificate(certs: readonly PublicKeyCertificate[], usage: KeyUsage, nowMs: number): PublicKeyCertificate | undefined {
  return certs
    .filter((c) => c.usage.includes(usage) && Date.parse(c.validFrom) <= nowMs && nowMs < Date.parse(c.validTo))
    .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))[0];
}

/**
 * KSeF's public keys, fetched once and kept until KSeF says a key is unknown (21470) or the
 * chosen certificate expires; then `refresh()` fetches the list again.
 */
export class KeyRing {
  private certs: readonly PublicKeyCertificate[] | undefined;
  private loading: Promise<readonly PublicKeyCertificate[]> | undefined;

  constructor(private readonly http: KsefHttp) {}

  async key(usage: KeyUsage): Promise<SelectedKey> {
    const now = this.http.clock.now();
    let cert = pickCertificate(await this.list(), usage, now);
    if (!cert) cert = pickCertificate(await this.list(true), usage, now);
    if (!cert) {
      throw new KsefError('KSEF_NO_CERTIFICATE', `KSeF lists no certificate valid now for ${usage}`, { details: [usage] });
    }
    return { publicKey: publicKeyFromCertificate(cert.certificate), ...(cert.publicKeyId ? { publicKeyId: cert.publicKeyId } : {}) };
  }

  /** Forget the cached list (after 21470): the next `key()` fetches it again. */
  refresh(): void {
    this.certs = undefined;
  }

  private async list(force = false): Promise<readonly PublicKeyCertificate[]> {
    if (force) this.certs = undefined;
    if (this.certs) return this.certs;
    this.loading ??= this.http
      .call<PublicKeyCertificate[]>({
        method: 'GET',
        path: '/security/public-key-certificates',
        group: 'public',
        idempotent: true,
        expect: 'json',
      })
      .then((r) => {
        if (!Array.isArray(r.body)) throw new KsefError('KSEF_PROTOCOL', 'public-key-certificates: not a list');
        this.certs = r.body;
        return r.body;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

/**
 * Runs `call` with the current key for `usage`. When KSeF answers that it does not know the key
 * (400 21470, refused before anything was created, so safe to repeat) the key list is fetched
 * again and the call repeated once with the new key.
 */
export async function withFreshKey<T>(keys: KeyRing, usage: KeyUsage, onKeyRotation: (() => void) | undefined, call: (key: SelectedKey) => Promise<T>): Promise<T> {
  try {
    return await call(await keys.key(usage));
  } catch (e) {
    if (!isKsefError(e) || e.code !== 'KSEF_KEY_UNKNOWN') throw e;
    keys.refresh();
    onKeyRotation?.();
    return call(await keys.key(usage));
  }
}
