import { rsaOaepEncrypt } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { AccessTokenSource, KsefHttp, KsefLogger } from './http.ts';
import type { KeyRing } from './public-keys.ts';
import { signedAuthTokenRequest, type XadesCredential } from './xades-login.ts';

interface TokenInfo {
  readonly token: string;
  readonly validUntil: string;
}

export interface AuthOptions {
  /** the context NIP the token belongs to */
  nip: string;
  /** supplies the KSeF token; called for every full authentication, never logged */
  token?: (() => Promise<string>) | undefined;
  /** supplies the certificate and key for the XAdES login (instead of a token); never logged */
  certificate?: (() => Promise<XadesCredential>) | undefined;
  /** refresh the access token this long before it expires (default 60 s) */
  refreshSkewMs?: number | undefined;
  /** delay between polls of the auth operation (default 500 ms) */
  pollIntervalMs?: number | undefined;
  /** give up polling after (default 2 min) */
  pollTimeoutMs?: number | undefined;
  logger?: KsefLogger | undefined;
}

/** Counts of what the auth layer did, for tests and health. */
export interface AuthStats {
  authentications: number;
  refreshes: number;
  keyRotations: number;
}

/** Words added to a refused login's status, saying what an operator can do. */
const STATUS_HINTS: Readonly<Record<number, string>> = {
  415: 'the identity that logged in holds no permission in this context',
  450: 'the KSeF token is wrong, revoked or inactive',
  460: 'KSeF does not accept the certificate (expired, untrusted, revoked or suspended)',
};
const REDEEM = 'POST /auth/token/redeem';
/** fresh logins after a redeem answered 21301 right after status 200, before giving up */
const REDEEM_RACE_RETRIES = 2;

/**
 * Authentication (PROTOCOL §4): challenge, then either RSA-OAEP of `token|timestampMs` or an
 * XAdES-signed AuthTokenRequest (§4.6), poll, redeem;
 * refresh shortly before the access token expires; full re-authentication when refresh fails;
 * on 21470 the key list is fetched again and the login repeated once.
 */
export class KsefAuth implements AccessTokenSource {
  private access: TokenInfo | undefined;
  private refreshToken: TokenInfo | undefined;
  private inflight: Promise<string> | undefined;
  readonly stats: AuthStats = { authentications: 0, refreshes: 0, keyRotations: 0 };
  private readonly skew: number;

  constructor(
    private readonly http: KsefHttp,
    private readonly keys: KeyRing,
    private readonly opts: AuthOptions,
  ) {
    this.skew = opts.refreshSkewMs ?? 60_000;
  }

  accessToken(): Promise<string> {
    const now = this.http.clock.now();
    if (this.access && Date.parse(this.access.validUntil) - this.skew > now) return Promise.resolve(this.access.token);
    // one login or refresh at a time, shared by every caller waiting for it
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  rejected(token: string): void {
    if (this.access?.token === token) this.access = undefined;
  }

  /**
   * Log out (`DELETE /auth/sessions/current`) so the refresh token dies with the process instead
   * of living 7 days. Best effort: one try, never a reason to fail a stop.
   */
  async logout(): Promise<boolean> {
    const bearer = this.refreshToken?.token ?? this.access?.token;
    if (!bearer) return false;
    this.reset();
    try {
      await this.http.call({ method: 'DELETE', path: '/auth/sessions/current', auth: { bearer }, group: 'other', idempotent: false, expect: 'none', operation: 'DELETE /auth/sessions/current' });
      this.opts.logger?.info?.(`ksef.auth.logged-out: logged out of KSeF for NIP ${this.opts.nip}; the login's tokens no longer work`, { event: 'ksef.auth.logged-out', nip: this.opts.nip });
      return true;
    } catch (e) {
      // the code only: an operator needs to know that it failed, and no part of any answer can carry a token here
      const code = isKsefError(e) ? e.code : 'unknown';
      this.opts.logger?.warn?.(
        `ksef.auth.logout-failed: logging out of KSeF for NIP ${this.opts.nip} failed [${code}]; the stop goes on and the login ends when its tokens expire`,
        { event: 'ksef.auth.logout-failed', nip: this.opts.nip, code },
      );
      return false;
    }
  }

  /** Forget all tokens: the next call authenticates from scratch. */
  reset(): void {
    this.access = undefined;
    this.refreshToken = undefined;
  }

  private async obtain(): Promise<string> {
    const now = this.http.clock.now();
    if (this.refreshToken && Date.parse(this.refreshToken.validUntil) - this.skew > now) {
      try {
        const r = await this.http.call<{ accessToken: TokenInfo }>({
          method: 'POST',
          path: '/auth/token/refresh',
          auth: { bearer: this.refreshToken.token },
          // openapi x-rate-limits: 60/s like the unauthenticated auth calls, not the "other" group
          group: 'public',
          idempotent: true,
          expect: 'json',
          operation: 'POST /auth/token/refresh',
        });
        this.access = r.body.accessToken;
        this.stats.refreshes++;
        this.opts.logger?.info?.('ksef.auth.refreshed', { nip: this.opts.nip, validUntil: this.access.validUntil });
        return this.access.token;
      } catch (e) {
        // a revoked or expired refresh token answers 400 21301 or 401: log in again
        if (!isKsefError(e) || !['KSEF_AUTH_FAILED', 'KSEF_UNAUTHORIZED', 'KSEF_BAD_REQUEST', 'KSEF_HTTP_5XX'].includes(e.code)) throw e;
        this.opts.logger?.warn?.('ksef.auth.refresh-failed', { nip: this.opts.nip, code: e.code });
        this.refreshToken = undefined;
      }
    }
    return this.authenticate();
  }

  private async authenticate(): Promise<string> {
    let rotated = false;
    let relogged = false;
    let raced = 0;
    for (;;) {
      try {
        const t = await this.login();
        this.stats.authentications++;
        return t;
      } catch (e) {
        if (isKsefError(e) && e.code === 'KSEF_OUTCOME_UNKNOWN' && !relogged) {
          // the redeem answer was lost; a fresh login is the safe way to get tokens
          relogged = true;
          continue;
        }
        if (isKsefError(e) && e.code === 'KSEF_AUTH_FAILED' && e.operation === REDEEM && e.hasException(21301) && raced < REDEEM_RACE_RETRIES) {
          // status said 200 but redeem did not know yet (CIRFMF/ksef-api#238): a fresh login, bounded
          raced++;
          this.opts.logger?.warn?.('ksef.auth.redeem-race', { nip: this.opts.nip, attempt: raced });
          await this.http.clock.sleep(this.opts.pollIntervalMs ?? 500);
          continue;
        }
        if (isKsefError(e) && e.code === 'KSEF_KEY_UNKNOWN' && !rotated) {
          rotated = true;
          this.stats.keyRotations++;
          this.opts.logger?.warn?.('ksef.key-rotated', { usage: 'KsefTokenEncryption' });
          this.keys.refresh();
          continue;
        }
        throw e;
      }
    }
  }

  private async initToken(ch: { challenge: string; timestampMs: number; timestamp?: string }): Promise<{ body: { referenceNumber: string; authenticationToken: TokenInfo } }> {
    const { publicKey, publicKeyId } = await this.keys.key('KsefTokenEncryption');
    const ts = ch.timestampMs ?? Date.parse(ch.timestamp ?? '');
    let secret: string;
    try {
      if (!this.opts.token) throw new Error('no token is configured');
      secret = await this.opts.token();
    } catch (e) {
      // the provider's own message names where it looked (variable, file), never the token
      throw new KsefError('KSEF_AUTH_FAILED', `the KSeF token for NIP ${this.opts.nip} could not be read: ${e instanceof Error ? e.message : 'provider failed'}`, { kind: 'config' });
    }
    const encryptedToken = rsaOaepEncrypt(publicKey, Buffer.from(`${secret}|${ts}`, 'utf8')).toString('base64');
    secret = '';
    return this.http.call<{ referenceNumber: string; authenticationToken: TokenInfo }>({
      method: 'POST',
      path: '/auth/ksef-token',
      json: {
        challenge: ch.challenge,
        contextIdentifier: { type: 'Nip', value: this.opts.nip },
        encryptedToken,
        ...(publicKeyId ? { publicKeyId } : {}),
      },
      group: 'public',
      // a repeated login with the same challenge is refused by KSeF (21111), never doubled
      idempotent: true,
      expect: 'json',
    });
  }

  /** PROTOCOL §4.6: the signed AuthTokenRequest; a refusal of the document holds the company. */
  private async initXades(challenge: string): Promise<{ body: { referenceNumber: string; authenticationToken: TokenInfo } }> {
    let body: string;
    try {
      body = signedAuthTokenRequest(challenge, this.opts.nip, await this.opts.certificate!());
    } catch (e) {
      // the reader's message names the JSON path and the source, never key material
      throw new KsefError('KSEF_AUTH_FAILED', `the certificate for NIP ${this.opts.nip} cannot be used: ${e instanceof Error ? e.message : 'provider failed'}`, { kind: 'config', ...(e instanceof Error ? { cause: e } : {}) });
    }
    try {
      return await this.http.call<{ referenceNumber: string; authenticationToken: TokenInfo }>({
        method: 'POST',
        path: '/auth/xades-signature',
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from(body, 'utf8'),
        group: 'public',
        // the challenge inside the signed document is single-use: a repeat is refused (21111), never doubled
        idempotent: true,
        expect: 'json',
        operation: 'POST /auth/xades-signature',
      });
    } catch (e) {
      // 21115 certificate, 9105 signature, 21117 subject, 21401 schema: a configuration matter, not a bad invoice
      if (isKsefError(e) && e.code === 'KSEF_BAD_REQUEST') {
        const what = e.exceptions.map((x) => `${x.code} ${x.description}${x.details?.length ? ` (${x.details.join('; ')})` : ''}`).join('; ');
        throw new KsefError('KSEF_AUTH_FAILED', `KSeF refused the signed login document of NIP ${this.opts.nip}: ${what || e.message}`, {
          kind: 'config', httpStatus: e.httpStatus, exceptions: e.exceptions, operation: 'POST /auth/xades-signature',
        });
      }
      throw e;
    }
  }

  private async login(): Promise<string> {
    const ch = await this.http.call<{ challenge: string; timestampMs: number; timestamp?: string }>({
      method: 'POST',
      path: '/auth/challenge',
      group: 'public',
      // a challenge has no side effect worth reconciling: asking again is harmless
      idempotent: true,
      expect: 'json',
    });
    const init = this.opts.certificate ? await this.initXades(ch.body.challenge) : await this.initToken(ch.body);
    const opToken = init.body.authenticationToken.token;
    const ref = init.body.referenceNumber;
    const deadline = this.http.clock.now() + (this.opts.pollTimeoutMs ?? 120_000);
    for (;;) {
      const st = await this.http.call<{ status: { code: number; description: string; details?: string[] } }>({
        method: 'GET',
        path: `/auth/${encodeURIComponent(ref)}`,
        auth: { bearer: opToken },
        group: 'public',
        idempotent: true,
        expect: 'json',
        operation: 'GET /auth/{referenceNumber}',
      });
      const code = st.body.status.code;
      if (code === 200) break;
      if (code !== 100) {
        const hint = STATUS_HINTS[code];
        throw new KsefError(
          'KSEF_AUTH_FAILED',
          `KSeF refused the login for NIP ${this.opts.nip}: status ${code} ${st.body.status.description}${st.body.status.details?.length ? ` (${st.body.status.details.join('; ')})` : ''}${hint ? `: ${hint}` : ''}`,
          { statusCode: code, ...(st.body.status.details ? { details: st.body.status.details } : {}), kind: code === 550 || code === 500 ? 'transient' : 'config' },
        );
      }
      if (this.http.clock.now() > deadline) {
        throw new KsefError('KSEF_POLL_TIMEOUT', `the KSeF login for NIP ${this.opts.nip} is still in progress after polling`);
      }
      await this.http.clock.sleep(this.opts.pollIntervalMs ?? 500);
    }
    const red = await this.http.call<{ accessToken: TokenInfo; refreshToken: TokenInfo }>({
      method: 'POST',
      path: '/auth/token/redeem',
      auth: { bearer: opToken },
      group: 'public',
      // redeem works only once (21301 after): a lost answer means logging in again, not repeating
      idempotent: false,
      expect: 'json',
      operation: REDEEM,
    });
    this.access = red.body.accessToken;
    this.refreshToken = red.body.refreshToken;
    this.opts.logger?.info?.('ksef.auth.authenticated', { nip: this.opts.nip, validUntil: this.access.validUntil });
    return this.access.token;
  }
}
