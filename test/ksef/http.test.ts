import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KsefHttp } from '../../src/ksef/http.ts';
import { KsefError } from '../../src/ksef/errors.ts';
import { createFakeClock } from '../helpers/client-clock.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

describe('KsefHttp retry semantics (against a scripted server)', () => {
  let server: Server;
  let base: string;
  let handler: Handler = () => undefined;
  let hits = 0;
  before(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => handler(req, res, hits));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const make = () => {
    hits = 0;
    const clock = createFakeClock(0);
    return { clock, http: new KsefHttp({ baseUrl: base, context: '1111111111', clock }) };
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it('retries a GET after 5xx with backoff', async () => {
    const { clock, http } = make();
    handler = (_q, res, n) => (n < 3 ? json(res, 503, { exception: { exceptionDetailList: [{ exceptionCode: 500, exceptionDescription: 'x' }] } }) : json(res, 200, { ok: n }));
    const r = await http.call<{ ok: number }>({ method: 'GET', path: '/x', idempotent: true, expect: 'json' });
    assert.deepEqual(r.body, { ok: 3 });
    assert.equal(hits, 3);
    assert.equal(clock.slept, 500 + 1000);
    await http.close();
  });

  it('never repeats a non-idempotent POST after a 5xx: outcome unknown', async () => {
    const { http } = make();
    handler = (_q, res) => json(res, 500, { exception: { exceptionDetailList: [{ exceptionCode: 500, exceptionDescription: 'Nieznany błąd' }] } });
    await assert.rejects(http.call({ method: 'POST', path: '/sessions/online/X/invoices', json: {}, idempotent: false, expect: 'json' }), (e: unknown) => {
      assert.ok(e instanceof KsefError);
      assert.equal(e.code, 'KSEF_OUTCOME_UNKNOWN');
      assert.equal(e.httpStatus, 500);
      assert.match(e.message, /not repeated: reconcile first/);
      return true;
    });
    assert.equal(hits, 1);
    await http.close();
  });

  it('never repeats a POST whose connection dropped after sending', async () => {
    const { http } = make();
    handler = (req) => req.socket.destroy();
    await assert.rejects(http.call({ method: 'POST', path: '/p', json: {}, idempotent: false, expect: 'json' }), { code: 'KSEF_OUTCOME_UNKNOWN' });
    assert.equal(hits, 1);
    await http.close();
  });

  it('repeats even a POST after 429, honouring Retry-After', async () => {
    const { clock, http } = make();
    handler = (_q, res, n) =>
      n === 1 ? json(res, 429, { status: { code: 429, description: 'Too Many Requests', details: ['later'] } }, { 'retry-after': '7' }) : json(res, 202, { referenceNumber: 'R' });
    const r = await http.call<{ referenceNumber: string }>({ method: 'POST', path: '/p', json: {}, idempotent: false, expect: 'json' });
    assert.equal(r.body.referenceNumber, 'R');
    assert.equal(hits, 2);
    assert.equal(clock.slept, 7_000);
    await http.close();
  });

  it('gives up on a 429 whose Retry-After is longer than the policy allows', async () => {
    const { http } = make();
    handler = (_q, res) => json(res, 429, { status: { code: 429, description: 'Too Many Requests' } }, { 'retry-after': '2680' });
    await assert.rejects(http.call({ method: 'GET', path: '/g', idempotent: true, expect: 'json' }), (e: unknown) => {
      assert.ok(e instanceof KsefError);
      assert.equal(e.code, 'KSEF_RATE_LIMITED');
      assert.equal(e.retryAfterMs, 2_680_000);
      return true;
    });
    assert.equal(hits, 1);
    await http.close();
  });

  it('treats an HTML firewall page as transient and retries idempotent calls', async () => {
    const { http } = make();
    handler = (_q, res, n) => {
      if (n === 1) {
        res.writeHead(403, { 'content-type': 'text/html' });
        res.end('<html><head><title>Request unsuccessful. Incapsula incident ID: 1</title></head></html>');
      } else json(res, 200, [1]);
    };
    const r = await http.call({ method: 'GET', path: '/g', idempotent: true, expect: 'json' });
    assert.deepEqual(r.body, [1]);
    assert.equal(hits, 2);
    await http.close();
  });

  it('repeats a POST when the connection was refused (nothing was sent), then reports KSEF_NETWORK', async () => {
    const clock = createFakeClock(0);
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const http = new KsefHttp({ baseUrl: `http://127.0.0.1:${port}`, context: 'c', clock, retry: { maxAttempts: 3 } });
    await assert.rejects(http.call({ method: 'POST', path: '/p', json: {}, idempotent: false, expect: 'json' }), { code: 'KSEF_NETWORK' });
    assert.equal(clock.slept, 500 + 1000);
    await http.close();
  });

  it('does not leak a Bearer token echoed in an error body', async () => {
    const { http } = make();
    handler = (_q, res) => json(res, 400, { exception: { exceptionDetailList: [{ exceptionCode: 21405, exceptionDescription: 'bad token SECRET-TOKEN-123' }] } });
    await assert.rejects(http.call({ method: 'GET', path: '/g', auth: { bearer: 'SECRET-TOKEN-123' }, idempotent: true, expect: 'json' }), (e: unknown) => {
      assert.ok(e instanceof KsefError);
      assert.doesNotMatch(JSON.stringify(e.toJSON()) + e.message, /SECRET-TOKEN-123/);
      return true;
    });
    await http.close();
  });

  it('never sends a token to a pre-signed storage URL', async () => {
    const { http } = make();
    let seen: string | undefined = 'unset';
    handler = (req, res) => {
      seen = req.headers.authorization;
      res.writeHead(201);
      res.end();
    };
    http.tokens = { accessToken: async () => 'ACCESS', rejected: () => undefined };
    await http.call({ method: 'PUT', url: `${base}/storage/part?sig=1`, auth: 'access', body: Buffer.from('x'), idempotent: true, expect: 'none' });
    assert.equal(seen, undefined);
    await http.call({ method: 'GET', path: '/x', auth: 'access', idempotent: true, expect: 'none' });
    assert.equal(seen, 'Bearer ACCESS');
    await http.close();
  });
});
