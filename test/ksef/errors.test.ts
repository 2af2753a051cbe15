import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentError } from '../../src/core/errors.ts';
import { KSEF_ERROR_CODES, KsefError, errorFromResponse, parseRetryAfter } from '../../src/ksef/errors.ts';

describe('KsefError codes', () => {
  it('pins the list of stable codes', () => {
    assert.deepEqual(Object.keys(KSEF_ERROR_CODES).sort(), [
      'KSEF_AUTH_FAILED', 'KSEF_BAD_REQUEST', 'KSEF_BATCH_TOO_LARGE', 'KSEF_DUPLICATE', 'KSEF_EXPORT_FAILED',
      'KSEF_FIREWALL', 'KSEF_FORBIDDEN', 'KSEF_GONE', 'KSEF_HTTP_4XX', 'KSEF_HTTP_5XX', 'KSEF_HWM_EXCEEDED',
      'KSEF_INTEGRITY', 'KSEF_INVOICE_INVALID', 'KSEF_INVOICE_REJECTED', 'KSEF_KEY_UNKNOWN', 'KSEF_NETWORK',
      'KSEF_NOT_FOUND', 'KSEF_NOT_YET_AVAILABLE', 'KSEF_NO_CERTIFICATE', 'KSEF_OUTCOME_UNKNOWN', 'KSEF_POLL_TIMEOUT',
      'KSEF_PROTOCOL', 'KSEF_RATE_LIMITED', 'KSEF_SCHEMA_NOT_ALLOWED', 'KSEF_SESSION_CLOSED', 'KSEF_SESSION_FAILED',
      'KSEF_SESSION_NOT_FOUND', 'KSEF_TIMEOUT', 'KSEF_UNAUTHORIZED', 'KSEF_UNAVAILABLE', 'KSEF_UPO_NOT_FOUND',
    ]);
    for (const code of Object.keys(KSEF_ERROR_CODES)) assert.match(code, /^KSEF_[A-Z0-9_]+$/);
  });

  it('is an AgentError with kind, status and exception codes', () => {
    const e = new KsefError('KSEF_HTTP_5XX', 'boom', { httpStatus: 503, exceptions: [{ code: 500, description: 'x' }] });
    assert.ok(e instanceof AgentError);
    assert.equal(e.kind, 'transient');
    assert.equal(e.httpStatus, 503);
    assert.deepEqual(e.exceptionCodes, [500]);
    assert.equal(new KsefError('KSEF_DUPLICATE', 'd').kind, 'data');
    assert.equal(new KsefError('KSEF_AUTH_FAILED', 'a').kind, 'config');
  });
});

describe('errorFromResponse', () => {
  const op = 'POST /sessions/online';
  it('reads the default ExceptionResponse format', () => {
    const body = JSON.stringify({
      exception: {
        exceptionDetailList: [{ exceptionCode: 21470, exceptionDescription: 'Nieznany klucz publiczny.', details: ['publicKeyId'] }],
        serviceCode: '00-abc-00',
        timestamp: '2026-01-01T00:00:00Z',
      },
    });
    const e = errorFromResponse({ status: 400, contentType: 'application/json', bodyText: body, operation: op });
    assert.equal(e.code, 'KSEF_KEY_UNKNOWN');
    assert.equal(e.httpStatus, 400);
    assert.deepEqual(e.exceptionCodes, [21470]);
    assert.equal(e.exceptions[0]?.description, 'Nieznany klucz publiczny.');
    assert.match(e.message, /HTTP 400: 21470 Nieznany klucz publiczny\. \(publicKeyId\)/);
  });

  it('reads the problem-details format', () => {
    const body = JSON.stringify({
      title: 'Bad Request', status: 400, instance: '/sessions/online', detail: 'Błąd walidacji',
      errors: [{ code: 21405, description: 'Błąd walidacji danych wejściowych.', details: ['formCode'] }, { code: 21173, description: 'Brak sesji' }],
      timestamp: '2026-01-01T00:00:00Z', traceId: 't',
    });
    const e = errorFromResponse({ status: 400, contentType: 'application/problem+json', bodyText: body, operation: op });
    assert.equal(e.code, 'KSEF_SESSION_NOT_FOUND');
    assert.deepEqual(e.exceptionCodes, [21405, 21173]);
  });

  it('reads the 429 status shape and keeps Retry-After', () => {
    const body = JSON.stringify({ status: { code: 429, description: 'Too Many Requests', details: ['Przekroczono limit 20 żądań na godzinę.'] } });
    const e = errorFromResponse({ status: 429, contentType: 'application/json', bodyText: body, operation: op, retryAfterMs: 2_680_000 });
    assert.equal(e.code, 'KSEF_RATE_LIMITED');
    assert.equal(e.retryAfterMs, 2_680_000);
    assert.equal(e.kind, 'transient');
    assert.match(e.message, /Przekroczono limit/);
  });

  it('turns an HTML page into a clear transient firewall error', () => {
    const html = '<!DOCTYPE html><html><head><title>Request Rejected</title></head><body>Incapsula incident</body></html>';
    const e = errorFromResponse({ status: 403, contentType: 'text/html', bodyText: html, operation: op });
    assert.equal(e.code, 'KSEF_FIREWALL');
    assert.equal(e.kind, 'transient');
    assert.match(e.message, /HTML page .*"Request Rejected"/);
  });

  it('names what a 403 missing-permissions needs and what the login holds, and keeps both lists', () => {
    const body = JSON.stringify({ title: 'Forbidden', status: 403, detail: 'Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.', reasonCode: 'missing-permissions', security: { requiredAnyOfPermissions: ['InvoiceRead'], presentPermissions: ['InvoiceWrite'] } });
    const e = errorFromResponse({ status: 403, contentType: 'application/problem+json', bodyText: body, operation: 'POST /invoices/query/metadata' });
    assert.equal(e.code, 'KSEF_FORBIDDEN');
    assert.equal(e.kind, 'config');
    assert.equal(e.message, 'POST /invoices/query/metadata: HTTP 403: this login lacks the KSeF permission for it: it needs one of InvoiceRead and holds InvoiceWrite; grant one of them in KSeF to the identity this company logs in with, or log in with a token or certificate that holds one (KSeF: Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.)');
    assert.deepEqual(e.extensions, { requiredAnyOfPermissions: ['InvoiceRead'], presentPermissions: ['InvoiceWrite'] });
  });

  it('maps 401, 403, 410 and 5xx', () => {
    const pd = (status: number, extra = {}) => JSON.stringify({ title: 't', status, detail: 'd', ...extra });
    assert.equal(errorFromResponse({ status: 401, contentType: 'application/problem+json', bodyText: pd(401), operation: op }).code, 'KSEF_UNAUTHORIZED');
    const f = errorFromResponse({ status: 403, contentType: 'application/problem+json', bodyText: pd(403, { reasonCode: 'missing-permissions' }), operation: op });
    assert.equal(f.code, 'KSEF_FORBIDDEN');
    assert.match(f.message, /missing-permissions/);
    assert.equal(errorFromResponse({ status: 410, contentType: 'application/problem+json', bodyText: pd(410), operation: op }).code, 'KSEF_GONE');
    const five = errorFromResponse({
      status: 500, contentType: 'application/json', operation: op,
      bodyText: JSON.stringify({ exception: { exceptionDetailList: [{ exceptionCode: 500, exceptionDescription: 'Nieznany błąd' }] } }),
    });
    assert.equal(five.code, 'KSEF_HTTP_5XX');
    assert.deepEqual(five.exceptionCodes, [500]);
  });

  it('parses Retry-After in seconds and as an HTTP date', () => {
    assert.equal(parseRetryAfter('30', 0), 30_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0), 60_000);
    assert.equal(parseRetryAfter(undefined, 0), undefined);
  });
});
