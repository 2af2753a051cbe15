import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Clock } from './clock.ts';
import { KsefError, errorFromResponse, parseRetryAfter } from './errors.ts';
import type { RateGroup, RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY_POLICY, backoffDelay, networkFailure } from './retry.ts';
import type { RetryPolicy } from './retry.ts';

export interface KsefLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
}

/** Supplies the Bearer token of protected calls and learns when KSeF refused it (401). */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  rejected(token: string): void;
}

export type Expect = 'json' | 'text' | 'bytes' | 'none';

export interface KsefRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** path under the API base, e.g. `/sessions/online`; ignored when `url` is given */
  readonly path?: string;
  /** absolute pre-signed storage URL: never gets an Authorization header nor a rate slot */
  readonly url?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly body?: Uint8Array;
  /** `access` = the session access token; `{ bearer }` = a given token (operation/refresh); none by default */
  readonly auth?: 'access' | { readonly bearer: string };
  /** rate-limit group; null or absent = not limited */
  readonly group?: RateGroup | null;
  /** safe to repeat after a 5xx or network failure */
  readonly idempotent: boolean;
  readonly expect: Expect;
  /** short label for errors and logs, e.g. `POST /sessions/online` */
  readonly operation?: string;
}

export interface KsefResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: T;
}

export interface HttpOptions {
  baseUrl: string;
  /** the rate-limit context (NIP) */
  context: string;
  clock: Clock;
  limiter?: RateLimiter | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  logger?: KsefLogger | undefined;
  dispatcher?: Dispatcher | undefined;
  /** per-request timeout for headers and body, default 60 s */
  timeoutMs?: number | undefined;
  /** header `X-Error-Format: problem-details` on every call */
  problemDetails?: boolean | undefined;
  /** sees every response (after its body is read): for metrics and contract checks; never gets request headers */
  onResponse?: ((r: ObservedResponse) => void) | undefined;
}

export interface ObservedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * The only place that talks HTTP. It applies the rate limiter, retries what may be retried,
 * always consumes response bodies, and turns every failure into a KsefError. Tokens go only into
 * the Authorization header: never into logs or errors.
 */
export class KsefHttp {
  readonly baseUrl: string;
  readonly context: string;
  readonly clock: Clock;
  readonly limiter: RateLimiter | undefined;
  readonly policy: RetryPolicy;
  private readonly logger: KsefLogger | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: boolean;
  private readonly problemDetails: boolean;
  private readonly onResponse: ((r: ObservedResponse) => void) | undefined;
  tokens: AccessTokenSource | undefined;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.context = opts.context;
    this.clock = opts.clock;
    this.limiter = opts.limiter;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...(opts.retry ?? {}) };
    this.logger = opts.logger;
    const timeout = opts.timeoutMs ?? 60_000;
    this.ownDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connections: 16 });
    this.problemDetails = opts.problemDetails ?? false;
    this.onResponse = opts.onResponse;
  }

  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }

  async call<T = unknown>(req: KsefRequest): Promise<KsefResponse<T>> {
    const operation = req.operation ?? `${req.method} ${req.url ? 'storage URL' : req.path}`;
    const url = this.urlOf(req);
    let retry = 0;
    let unauthorizedRetried = false;
    for (;;) {
      if (req.group && this.limiter && !req.url) {
        await this.limiter.acquire(req.group === 'public' ? 'public' : this.context, req.group);
      }
      const headers: Record<string, string> = { accept: acceptOf(req.expect), ...(req.headers ?? {}) };
      if (this.problemDetails && !req.url) headers['x-error-format'] = 'problem-details';
      let token: string | undefined;
      // pre-signed storage URLs must never see a token, whatever the caller asked for
      if (req.url) {
        // no Authorization header
      } else if (req.auth === 'access') {
        if (!this.tokens) throw new KsefError('KSEF_PROTOCOL', `${operation}: no access token source`, { operation });
        token = await this.tokens.accessToken();
      } else if (req.auth) token = req.auth.bearer;
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      let body: Uint8Array | string | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = 'application/json';
      } else if (req.body) body = req.body;

      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, { method: req.method, headers, body, dispatcher: this.dispatcher });
      } catch (e) {
        const { error, maybeSent } = networkFailure(e, operation);
        if ((req.idempotent || !maybeSent) && retry + 1 < this.policy.maxAttempts) {
          retry++;
          const wait = backoffDelay(this.policy, retry);
          this.logger?.warn?.(retryLine(error, retry, this.policy.maxAttempts, wait), { event: 'ksef.retry', operation, reason: error.code, attempt: retry, waitMs: wait });
          await this.clock.sleep(wait);
          continue;
        }
        throw maybeSent && !req.idempotent ? outcomeUnknown(operation, error) : error;
      }

      const status = res.statusCode;
      const resHeaders = flatHeaders(res.headers);
      if (status >= 200 && status < 300) {
        const bytes = Buffer.from(await res.body.arrayBuffer());
        this.onResponse?.({ method: req.method, url, status, headers: resHeaders, body: bytes });
        this.logger?.debug?.('ksef.http', { operation, status });
        return { status, headers: resHeaders, body: decode<T>(bytes, req.expect, resHeaders, operation, status) };
      }
      const bodyText = await res.body.text().catch(() => '');
      this.onResponse?.({ method: req.method, url, status, headers: resHeaders, body: Buffer.from(token ? bodyText.split(token).join('***') : bodyText) });
      const retryAfterMs = parseRetryAfter(resHeaders['retry-after'], this.clock.now());
      const error = errorFromResponse({
        status,
        contentType: resHeaders['content-type'] ?? '',
        bodyText: token ? bodyText.split(token).join('***') : bodyText,
        operation,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });

      if (status === 429) {
        const wait = retryAfterMs ?? this.policy.defaultRetryAfterMs;
        if (req.group && this.limiter && !req.url) this.limiter.block(req.group === 'public' ? 'public' : this.context, req.group, wait);
        // a 429 was refused before it ran, so even a POST may be repeated
        if (wait <= this.policy.maxRetryAfterMs && retry + 1 < this.policy.maxAttempts) {
          retry++;
          this.logger?.warn?.(
            `ksef.rate-limited: KSeF refused ${operation} with 429 Too Many Requests (its request limit for this company); waiting ${seconds(wait)} before try ${retry + 1} of ${this.policy.maxAttempts}`,
            { event: 'ksef.rate-limited', operation, waitMs: wait, attempt: retry },
          );
          if (!(req.group && this.limiter && !req.url)) await this.clock.sleep(wait);
          continue;
        }
        throw error;
      }
      if (status === 401 && req.auth === 'access' && token !== undefined && this.tokens && !unauthorizedRetried) {
        // refused before it ran: get a fresh token once and repeat
        unauthorizedRetried = true;
        this.tokens.rejected(token);
        continue;
      }
      if (status >= 500 || error.code === 'KSEF_FIREWALL') {
        if (req.idempotent && retry + 1 < this.policy.maxAttempts) {
          retry++;
          const wait = Math.max(backoffDelay(this.policy, retry), retryAfterMs ?? 0);
          this.logger?.warn?.(retryLine(error, retry, this.policy.maxAttempts, wait), { event: 'ksef.retry', operation, reason: error.code, status, attempt: retry, waitMs: wait });
          await this.clock.sleep(wait);
          continue;
        }
        throw req.idempotent ? error : outcomeUnknown(operation, error);
      }
      throw error;
    }
  }

  private urlOf(req: KsefRequest): string {
    const u = req.url ? new URL(req.url) : new URL(this.baseUrl + (req.path ?? ''));
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** `ksef.retry: POST /x: KSeF is unavailable (HTTP 503 …); trying again in 2.0 s (try 3 of 5) [KSEF_UNAVAILABLE]` */
export function retryLine(error: KsefError, retry: number, maxAttempts: number, waitMs: number): string {
  return `ksef.retry: ${error.message}; trying again in ${seconds(waitMs)} (try ${retry + 1} of ${maxAttempts}) [${error.code}]`;
}

function outcomeUnknown(operation: string, cause: KsefError): KsefError {
  return new KsefError(
    'KSEF_OUTCOME_UNKNOWN',
    `${cause.message.startsWith(`${operation}: `) ? cause.message : `${operation}: ${cause.message}`}; KSeF may or may not have acted on it, so it is not repeated: reconcile first`,
    { operation, cause, ...(cause.httpStatus !== undefined ? { httpStatus: cause.httpStatus } : {}), exceptions: cause.exceptions },
  );
}

function acceptOf(expect: Expect): string {
  return expect === 'json' ? 'application/json' : expect === 'text' ? 'application/xml, text/plain, */*' : '*/*';
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function decode<T>(bytes: Buffer, expect: Expect, headers: Record<string, string>, operation: string, status: number): T {
  switch (expect) {
    case 'none':
      return undefined as T;
    case 'bytes':
      return bytes as T;
    case 'text':
      return bytes.toString('utf8') as T;
    case 'json': {
      const text = bytes.toString('utf8');
      if (/^\s*</.test(text) || /text\/html/i.test(headers['content-type'] ?? '')) {
        throw new KsefError('KSEF_FIREWALL', `${operation}: HTTP ${status} with an HTML page instead of JSON; probably a firewall page`, { httpStatus: status, operation });
      }
      if (text.trim() === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (e) {
        throw new KsefError('KSEF_PROTOCOL', `${operation}: HTTP ${status} with a body that is not JSON`, { httpStatus: status, operation, cause: e });
      }
    }
  }
}
