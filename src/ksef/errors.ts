import { AgentError } from '../core/errors.ts';
import type { ErrorKind } from '../core/errors.ts';

/**
 * Every stable code the KSeF client can raise. Callers match on these, never on messages.
 * A test pins this list: adding a code is fine, renaming one is a breaking change.
 */
export const KSEF_ERROR_CODES = {
  KSEF_NETWORK: 'the connection failed (refused, reset, DNS, TLS)',
  KSEF_TIMEOUT: 'KSeF did not answer in time',
  KSEF_FIREWALL: 'an HTML page came back instead of JSON (firewall / maintenance page)',
  KSEF_HTTP_5XX: 'KSeF answered with a server error',
  KSEF_UNAVAILABLE: 'KSeF is unavailable: an outage or maintenance (5xx with a maintenance page or Retry-After)',
  KSEF_RATE_LIMITED: 'KSeF answered 429 Too Many Requests',
  KSEF_BAD_REQUEST: 'KSeF refused the request as invalid (400)',
  KSEF_UNAUTHORIZED: 'the access token was refused (401)',
  KSEF_FORBIDDEN: 'no permission for this operation (403)',
  KSEF_GONE: 'the operation status has expired (410)',
  KSEF_HTTP_4XX: 'KSeF answered with another client error',
  KSEF_PROTOCOL: 'KSeF answered with something the protocol does not allow',
  KSEF_AUTH_FAILED: 'authentication with the KSeF token failed',
  KSEF_KEY_UNKNOWN: 'the public key id is unknown or retired (21470)',
  KSEF_NO_CERTIFICATE: 'no valid KSeF public key certificate for the needed usage',
  KSEF_SCHEMA_NOT_ALLOWED: 'this FA schema is not accepted in this environment',
  KSEF_SESSION_NOT_FOUND: 'the session does not exist (21173)',
  KSEF_SESSION_CLOSED: 'the session status does not allow this operation (21180)',
  KSEF_SESSION_FAILED: 'the session ended in an error status',
  KSEF_INTEGRITY: 'hash or size mismatch (21402/21403 or a downloaded file that does not match its hash)',
  KSEF_DUPLICATE: 'duplicate invoice (status 440): KSeF already holds (seller NIP, kind, P_2)',
  KSEF_INVOICE_INVALID: 'invoice failed verification (status 430: XSD, XML rules, size)',
  KSEF_INVOICE_REJECTED: 'invoice rejected with another status (405, 410, 415, 435, 450, 500, 550)',
  KSEF_OUTCOME_UNKNOWN: 'the request may or may not have reached KSeF: reconcile, do not resend blindly',
  KSEF_NOT_FOUND: 'no such invoice (21164)',
  KSEF_NOT_YET_AVAILABLE: 'the invoice is processed but not downloadable yet (21165)',
  KSEF_UPO_NOT_FOUND: 'no UPO for this reference (yet) (21178)',
  KSEF_HWM_EXCEEDED: 'date range beyond the permanent-storage high-water mark (21183)',
  KSEF_EXPORT_FAILED: 'the export ended in an error status',
  KSEF_BATCH_TOO_LARGE: 'the batch does not fit in 50 parts of 100 MB',
  KSEF_POLL_TIMEOUT: 'an asynchronous operation did not finish in the allowed time',
} as const;

export type KsefErrorCode = keyof typeof KSEF_ERROR_CODES;

/** One entry of KSeF's own error list (exceptionDetailList or problem-details errors). */
export interface KsefExceptionDetail {
  readonly code: number;
  readonly description: string;
  readonly details?: readonly string[];
}

export interface KsefErrorInit {
  kind?: ErrorKind;
  httpStatus?: number;
  exceptions?: readonly KsefExceptionDetail[];
  retryAfterMs?: number;
  /** a status code inside a 200 body (session, invoice, export, auth operation) */
  statusCode?: number;
  extensions?: Readonly<Record<string, unknown>>;
  details?: readonly string[];
  rule?: string;
  cause?: unknown;
  /** method and path of the call, without query string or host secrets */
  operation?: string;
}

export class KsefError extends AgentError {
  readonly httpStatus?: number;
  readonly exceptions: readonly KsefExceptionDetail[];
  readonly retryAfterMs?: number;
  readonly statusCode?: number;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly operation?: string;

  constructor(code: KsefErrorCode, message: string, init: KsefErrorInit = {}) {
    super(code, message, {
      kind: init.kind ?? defaultKind(code),
      ...(init.details ? { details: init.details } : {}),
      ...(init.rule ? { rule: init.rule } : {}),
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
    });
    this.name = 'KsefError';
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    this.exceptions = init.exceptions ?? [];
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.statusCode !== undefined) this.statusCode = init.statusCode;
    if (init.extensions !== undefined) this.extensions = init.extensions;
    if (init.operation !== undefined) this.operation = init.operation;
  }

  /** KSeF exception codes carried by the response, e.g. [21405]. */
  get exceptionCodes(): number[] {
    return this.exceptions.map((e) => e.code);
  }

  hasException(code: number): boolean {
    return this.exceptions.some((e) => e.code === code);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      httpStatus: this.httpStatus,
      exceptions: this.exceptions,
      statusCode: this.statusCode,
      extensions: this.extensions,
      retryAfterMs: this.retryAfterMs,
      operation: this.operation,
    };
  }
}

export const isKsefError = (e: unknown): e is KsefError => e instanceof KsefError;

function defaultKind(code: KsefErrorCode): ErrorKind {
  switch (code) {
    case 'KSEF_NETWORK':
    case 'KSEF_TIMEOUT':
    case 'KSEF_FIREWALL':
    case 'KSEF_HTTP_5XX':
    case 'KSEF_UNAVAILABLE':
    case 'KSEF_RATE_LIMITED':
    case 'KSEF_NOT_YET_AVAILABLE':
    case 'KSEF_POLL_TIMEOUT':
    case 'KSEF_OUTCOME_UNKNOWN':
    case 'KSEF_KEY_UNKNOWN':
    case 'KSEF_GONE':
    // 21178: the UPO is generated after the KSeF number; asking again later finds it
    case 'KSEF_UPO_NOT_FOUND':
      return 'transient';
    case 'KSEF_AUTH_FAILED':
    case 'KSEF_FORBIDDEN':
    case 'KSEF_SCHEMA_NOT_ALLOWED':
    case 'KSEF_UNAUTHORIZED':
      return 'config';
    case 'KSEF_PROTOCOL':
    case 'KSEF_NO_CERTIFICATE':
      return 'internal';
    default:
      return 'data';
  }
}

/** Exception codes with a code of their own; every other 400 is KSEF_BAD_REQUEST. */
const EXCEPTION_CODE_MAP: Readonly<Record<number, KsefErrorCode>> = {
  21470: 'KSEF_KEY_UNKNOWN',
  21173: 'KSEF_SESSION_NOT_FOUND',
  21180: 'KSEF_SESSION_CLOSED',
  21402: 'KSEF_INTEGRITY',
  21403: 'KSEF_INTEGRITY',
  21164: 'KSEF_NOT_FOUND',
  21165: 'KSEF_NOT_YET_AVAILABLE',
  21178: 'KSEF_UPO_NOT_FOUND',
  21183: 'KSEF_HWM_EXCEEDED',
  21301: 'KSEF_AUTH_FAILED',
  21304: 'KSEF_AUTH_FAILED',
  21111: 'KSEF_AUTH_FAILED',
};

/** Parse a Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v.trim()) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/**
 * Read KSeF's error list out of a body in either format: the default ExceptionResponse
 * (`exception.exceptionDetailList`) or problem-details (`errors[]`, or `detail` alone), plus the
 * 429 `status` shape.
 */
export function parseExceptions(body: unknown): { exceptions: KsefExceptionDetail[]; summary?: string } {
  const root = asRecord(body);
  if (!root) return { exceptions: [] };
  const exc = asRecord(root.exception);
  if (exc && Array.isArray(exc.exceptionDetailList)) {
    const exceptions = exc.exceptionDetailList.map((d): KsefExceptionDetail => {
      const r = asRecord(d) ?? {};
      const details = strings(r.details);
      return { code: Number(r.exceptionCode), description: String(r.exceptionDescription ?? ''), ...(details ? { details } : {}) };
    });
    return { exceptions };
  }
  if (Array.isArray(root.errors)) {
    const exceptions = root.errors.map((d): KsefExceptionDetail => {
      const r = asRecord(d) ?? {};
      const details = strings(r.details);
      return { code: Number(r.code), description: String(r.description ?? ''), ...(details ? { details } : {}) };
    });
    const summary = typeof root.detail === 'string' ? root.detail : typeof root.title === 'string' ? root.title : undefined;
    return { exceptions, ...(summary ? { summary } : {}) };
  }
  const status = asRecord(root.status);
  if (status && typeof status.code === 'number') {
    const details = strings(status.details);
    return {
      exceptions: [{ code: status.code, description: String(status.description ?? ''), ...(details ? { details } : {}) }],
    };
  }
  const parts = [root.title, root.detail, root.reasonCode].filter((x): x is string => typeof x === 'string');
  return parts.length ? { exceptions: [], summary: parts.join(': ') } : { exceptions: [] };
}

/**
 * A 403 missing-permissions names what the operation needs (any one of) and what the login holds;
 * the operator's fix is a grant in KSeF or a credential that holds one of them.
 */
function missingPermissions(body: unknown): { text: string; said?: string; security: { requiredAnyOfPermissions: string[]; presentPermissions: string[] } } | undefined {
  const root = asRecord(body);
  const security = asRecord(root?.security);
  if (root?.reasonCode !== 'missing-permissions' || !security) return undefined;
  const required = strings(security.requiredAnyOfPermissions) ?? [];
  const present = strings(security.presentPermissions) ?? [];
  const text =
    `this login lacks the KSeF permission for it: it needs one of ${required.join(', ') || '(not named)'} and holds ${present.join(', ') || 'none'}; ` +
    `grant one of them in KSeF to the identity this company logs in with, or log in with a token or certificate that holds one`;
  return { text, ...(typeof root.detail === 'string' ? { said: root.detail } : {}), security: { requiredAnyOfPermissions: required, presentPermissions: present } };
}

export interface HttpFailure {
  status: number;
  contentType: string;
  bodyText: string;
  retryAfterMs?: number;
  operation: string;
}

/** Turn a non-2xx response into a KsefError with the right stable code. */
export function errorFromResponse(f: HttpFailure): KsefError {
  const base = { httpStatus: f.status, operation: f.operation, ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}) };
  const looksHtml = /text\/html/i.test(f.contentType) || /^\s*<(!doctype|html)/i.test(f.bodyText);
  const title = looksHtml ? /<title>([^<]*)<\/title>/i.exec(f.bodyText)?.[1]?.trim() : undefined;
  // a server error with a maintenance page or a Retry-After is KSeF (or its gateway) being down, not a firewall
  if (f.status >= 500 && (looksHtml || f.retryAfterMs !== undefined)) {
    const facts = [`HTTP ${f.status}`, ...(title ? [`"${title.slice(0, 120)}"`] : looksHtml ? ['a maintenance page'] : []), ...(f.retryAfterMs !== undefined ? [`Retry-After ${Math.ceil(f.retryAfterMs / 1000)} s`] : [])];
    return new KsefError('KSEF_UNAVAILABLE', `${f.operation}: KSeF is unavailable (${facts.join(', ')}): an outage or maintenance`, base);
  }
  if (looksHtml) {
    return new KsefError(
      'KSEF_FIREWALL',
      `${f.operation}: HTTP ${f.status} with an HTML page instead of a KSeF answer${title ? ` ("${title.slice(0, 120)}")` : ''}; probably a firewall or maintenance page, will retry later`,
      base,
    );
  }
  let body: unknown;
  try {
    body = f.bodyText ? JSON.parse(f.bodyText) : undefined;
  } catch {
    body = undefined;
  }
  const { exceptions, summary } = parseExceptions(body);
  const text = exceptions.length
    ? exceptions.map((e) => `${e.code} ${e.description}${e.details?.length ? ` (${e.details.join('; ')})` : ''}`).join('; ')
    : (summary ?? (f.bodyText.slice(0, 200) || 'no body'));
  const message = `${f.operation}: HTTP ${f.status}: ${text}`;
  const init = { ...base, exceptions };
  if (f.status === 429) return new KsefError('KSEF_RATE_LIMITED', message, init);
  if (f.status >= 500) return new KsefError('KSEF_HTTP_5XX', message, init);
  if (f.status === 401) return new KsefError('KSEF_UNAUTHORIZED', message, init);
  if (f.status === 403) {
    const missing = missingPermissions(body);
    return new KsefError('KSEF_FORBIDDEN', missing ? `${f.operation}: HTTP 403: ${missing.text}${missing.said ? ` (KSeF: ${missing.said})` : ''}` : message, {
      ...init,
      ...(missing ? { extensions: missing.security } : {}),
    });
  }
  if (f.status === 410) return new KsefError('KSEF_GONE', message, init);
  if (f.status === 400) {
    const mapped = exceptions.map((e) => EXCEPTION_CODE_MAP[e.code]).find((c) => c !== undefined);
    return new KsefError(mapped ?? 'KSEF_BAD_REQUEST', message, init);
  }
  return new KsefError('KSEF_HTTP_4XX', message, init);
}
