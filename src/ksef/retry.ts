import { KsefError } from './errors.ts';

/**
 * When and how long to retry. The rule that matters most: a call that is not idempotent (invoice
 * send, session open, export start) is retried only when KSeF certainly did not act on it (429,
 * connection refused before sending). Everything else becomes KSEF_OUTCOME_UNKNOWN for the caller
 * to reconcile.
 */
export interface RetryPolicy {
  /** attempts in total, the first one included */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** a 429 whose Retry-After is longer than this is returned to the caller instead of waited out */
  readonly maxRetryAfterMs: number;
  /** used when a 429 comes without Retry-After */
  readonly defaultRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  defaultRetryAfterMs: 5_000,
};

/** Exponential backoff for attempt n (1 = first retry), without jitter so tests are exact. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1));
}

/** Error codes that mean the request never left this machine, so even a POST may be repeated. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ABORT_ERR']);

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classify a transport failure: what to call it and whether the request can have reached KSeF. */
export function networkFailure(e: unknown, operation: string): { error: KsefError; maybeSent: boolean } {
  const code = errCode(e) ?? 'unknown';
  const maybeSent = !NOT_SENT_CODES.has(code);
  const timeout = TIMEOUT_CODES.has(code) || (e as { name?: string })?.name === 'TimeoutError';
  const error = new KsefError(
    timeout ? 'KSEF_TIMEOUT' : 'KSEF_NETWORK',
    `${operation}: ${timeout ? 'no answer in time' : 'connection failed'} (${code})`,
    { operation, cause: e },
  );
  return { error, maybeSent };
}
