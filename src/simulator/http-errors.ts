/**
 * The error shapes KSeF answers with (PROTOCOL §12): 400 as ExceptionResponse or, with
 * `X-Error-Format: problem-details`, as BadRequestProblemDetails; 401/403/410 always problem+json;
 * 429 as TooManyRequestsResponse or TooManyRequestsProblemDetails.
 */
import { randomBytes } from 'node:crypto';

export interface ApiErrorItem {
  readonly code: number;
  readonly description: string;
  readonly details?: string[];
}

/** Thrown by handlers; the server turns it into the right body for the request's error format. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ApiErrorItem[],
    readonly extra: { reasonCode?: string; retryAfterSec?: number; security?: Record<string, unknown> } = {},
  ) {
    super(errors.map((e) => `${e.code} ${e.description}`).join('; '));
  }
}

export const DESCRIPTIONS: Readonly<Record<number, string>> = {
  9101: 'Nieprawidłowy dokument.',
  9102: 'Brak podpisu.',
  9103: 'Przekroczona liczba dozwolonych podpisów.',
  9105: 'Nieprawidłowy podpis.',
  21001: 'Nieczytelna treść.',
  21115: 'Nieprawidłowy certyfikat.',
  21117: 'Nieprawidłowy identyfikator podmiotu dla wskazanego typu kontekstu.',
  21217: 'Nieprawidłowe kodowanie znaków.',
  21401: 'Dokument nie jest zgodny ze schemą (xsd).',
  21406: 'Konflikt podpisu i typu uwierzytelnienia.',
  21111: 'Nieprawidłowe wyzwanie autoryzacyjne.',
  21155: 'Przekroczono dozwoloną liczbę faktur w sesji.',
  21157: 'Nieprawidłowy rozmiar części pakietu.',
  21161: 'Przekroczono dozwoloną liczbę części pakietu.',
  21164: 'Faktura o podanym identyfikatorze nie istnieje.',
  21165: 'Faktura o podanym numerze KSeF nie jest jeszcze dostępna.',
  21173: 'Brak sesji o wskazanym numerze referencyjnym.',
  21175: 'Wynik zapytania o podanym identyfikatorze nie istnieje.',
  21178: 'Nie znaleziono UPO dla podanych kryteriów.',
  21180: 'Status sesji nie pozwala na wykonanie operacji.',
  21183: 'Zakres dat wykracza poza dostępne dane.',
  21205: 'Pakiet nie może być pusty.',
  21301: 'Brak autoryzacji.',
  21304: 'Brak uwierzytelnienia.',
  21402: 'Nieprawidłowy rozmiar pliku.',
  21403: 'Nieprawidłowy skrót pliku.',
  21405: 'Błąd walidacji danych wejściowych.',
  21418: 'Przekazany token kontynuacji ma nieprawidłowy format.',
  21470: 'Nieznany lub wycofany identyfikator klucza publicznego.',
};

export function apiError(code: number, ...details: string[]): SimHttpError {
  return new SimHttpError(400, [{ code, description: DESCRIPTIONS[code] ?? 'Błąd.', ...(details.length ? { details } : {}) }]);
}

export function unauthorized(detail: string): SimHttpError {
  return new SimHttpError(401, [{ code: 401, description: detail }]);
}

export function forbidden(detail: string, reasonCode: string, security?: Record<string, unknown>): SimHttpError {
  return new SimHttpError(403, [{ code: 403, description: detail }], { reasonCode, ...(security ? { security } : {}) });
}

export function gone(detail: string): SimHttpError {
  return new SimHttpError(410, [{ code: 410, description: detail }]);
}

export function tooManyRequests(detail: string, retryAfterSec: number): SimHttpError {
  return new SimHttpError(429, [{ code: 429, description: detail }], { retryAfterSec });
}

export interface ErrorResponse {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

function traceId(): string {
  return randomBytes(16).toString('hex');
}

/** 404/405 for a path or method the API does not have: problem+json, instance with the /v2 prefix. */
export function notFoundBody(status: 404 | 405, detail: string, instance: string, timestamp: string): Record<string, unknown> {
  return { title: status === 404 ? 'Not Found' : 'Method Not Allowed', status, detail, instance, traceId: traceId(), timestamp };
}

/** Body, content type and headers for an error, in the format the request asked for. */
export function renderError(err: SimHttpError, opts: { problem: boolean; instance: string; nowIso: string }): ErrorResponse {
  const { status } = err;
  const problem = 'application/problem+json';
  const timestamp = opts.nowIso;
  if (status === 401) {
    return { status, contentType: problem, headers: {}, body: { title: 'Unauthorized', status, detail: err.errors[0]!.description, instance: opts.instance, traceId: traceId(), timestamp } };
  }
  if (status === 403) {
    return {
      status, contentType: problem, headers: {},
      body: { title: 'Forbidden', status, detail: err.errors[0]!.description, instance: opts.instance, reasonCode: err.extra.reasonCode ?? 'insufficient-resource-access', ...(err.extra.security ? { security: err.extra.security } : {}), traceId: traceId(), timestamp },
    };
  }
  if (status === 410) {
    return { status, contentType: problem, headers: {}, body: { title: 'Gone', status, instance: opts.instance, detail: err.errors[0]!.description, timestamp, traceId: traceId() } };
  }
  if (status === 429) {
    const headers = { 'Retry-After': String(err.extra.retryAfterSec ?? 1) };
    const detail = err.errors[0]!.description;
    return opts.problem
      ? { status, contentType: problem, headers, body: { title: 'Too Many Requests', status, instance: opts.instance, detail, timestamp, traceId: traceId() } }
      : { status, contentType: 'application/json', headers, body: { status: { code: 429, description: 'Too Many Requests', details: [detail] } } };
  }
  if (status === 400 && opts.problem) {
    return {
      status, contentType: problem, headers: {},
      body: { title: 'Bad Request', status, instance: opts.instance, detail: 'Żądanie jest nieprawidłowe.', errors: err.errors.map((e) => ({ code: e.code, description: e.description, ...(e.details ? { details: e.details } : {}) })), timestamp, traceId: traceId() },
    };
  }
  // 400 default format, and 5xx as KSeF has been seen to answer them (exception shape).
  return {
    status, contentType: 'application/json', headers: {},
    body: {
      exception: {
        exceptionDetailList: err.errors.map((e) => ({ exceptionCode: e.code, exceptionDescription: e.description, ...(e.details ? { details: e.details } : {}) })),
        serviceCode: `00-${traceId()}-${randomBytes(8).toString('hex')}-00`,
        serviceCtx: 'srvSIMUL',
        serviceName: 'ksef-simulator',
        timestamp,
      },
    },
  };
}
