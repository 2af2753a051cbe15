import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { OpenApiContract, OPENAPI_PATH } from '../helpers/openapi-contract.ts';

const absent = !existsSync(OPENAPI_PATH) && `openapi.json not found at ${OPENAPI_PATH}: contract checks skipped`;

test('the contract helper accepts documented shapes and reports what is wrong with others', { skip: absent }, () => {
  const c = OpenApiContract.load()!;
  const ok = c.check({
    method: 'POST', url: 'http://127.0.0.1:1/v2/sessions/online', status: 201, contentType: 'application/json; charset=utf-8', headers: {},
    body: JSON.stringify({ referenceNumber: '20250625-SO-2C3E6C8000-B675CF5D68-07', validUntil: '2025-06-26T10:00:00.000Z' }),
  });
  assert.deepEqual(ok, []);
  const bad = c.check({ method: 'POST', url: '/v2/sessions/online', status: 201, contentType: 'application/json', headers: {}, body: JSON.stringify({ referenceNumber: 'short' }) });
  assert.equal(bad.length, 2);
  assert.match(bad.join('\n'), /validUntil/);
  assert.match(bad.join('\n'), /fewer than 36/);
  assert.match(c.check({ method: 'POST', url: '/v2/sessions/online', status: 418, contentType: 'application/json', headers: {}, body: '{}' })[0]!, /not documented/);
  const noHeader = c.check({ method: 'GET', url: '/v2/invoices/ksef/5265877635-20250626-010080DD2B5E-26', status: 200, contentType: 'application/xml', headers: {}, body: '<a/>' });
  assert.match(noHeader[0]!, /x-ms-meta-hash/);
  // nullable fields accept null (OpenAPI 3.0 `nullable` with allOf/$ref).
  const nullable = c.check({ method: 'GET', url: '/v2/sessions/20250625-SO-2C3E6C8000-B675CF5D68-07/invoices', status: 200, contentType: 'application/json', headers: {}, body: JSON.stringify({ continuationToken: null, invoices: [] }) });
  assert.deepEqual(nullable, []);
  assert.equal(c.operation('GET', '/v2/sessions/x/invoices/failed')?.template, '/sessions/{referenceNumber}/invoices/failed');
});
