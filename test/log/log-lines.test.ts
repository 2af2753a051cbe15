// Every fault is visible once, with words: a table of events → the log line (level + text), and
// the KSeF client's retry lines against a scripted server (outage page, 429, dropped connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { closeLogger, createLogger } from '../../src/log/create-logger.ts';
import { logEvents } from '../../src/log/log-events.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { EventBus } from '../../src/core/events.ts';
import type { AgentEventName, AgentEvents } from '../../src/core/events.ts';
import { KsefHttp } from '../../src/ksef/http.ts';
import { errorFromResponse } from '../../src/ksef/errors.ts';
import { createFakeClock } from '../helpers/client-clock.ts';

type Row = { [K in AgentEventName]: { name: K; payload: AgentEvents[K]; level: string; text: RegExp } }[AgentEventName];

const ROWS: readonly Row[] = [
  {
    name: 'agent.started',
    payload: { version: '0.1.0', environment: 'test', companies: ['acme (NIP 9999999999)'], inboxes: ['acme/optima: /srv/inbox/optima', 'acme/shop: /srv/inbox/shop'], healthPort: 8787, logDir: '/var/log/ksef' },
    level: 'info',
    text: /^agent\.started: ksef-hotfolder 0\.1\.0 started: environment test; companies acme \(NIP 9999999999\); inboxes acme\/optima: \/srv\/inbox\/optima; acme\/shop: \/srv\/inbox\/shop; health endpoint on port 8787; JSON log in \/var\/log\/ksef$/,
  },
  { name: 'agent.started', payload: { version: '0.1.0', environment: 'sim', companies: ['a'], inboxes: [] }, level: 'info', text: /health endpoint off; JSON log in \(no log file\)$/ },
  { name: 'agent.stopped', payload: { reason: 'once: all pending work is done' }, level: 'info', text: /^agent\.stopped: ksef-hotfolder stopped: once: all pending work is done$/ },
  {
    name: 'ksef.unconfirmed',
    payload: { companyId: 'acme', invoice: 'FV/1', sessionReferenceNumber: '20261121-SO-1', code: 'KSEF_OUTCOME_UNKNOWN', message: 'POST /sessions/online/{ref}/invoices: no answer in time (UND_ERR_HEADERS_TIMEOUT)' },
    level: 'warn',
    text: /^ksef\.unconfirmed: FV\/1: the send got no clear answer from KSeF \(POST .*no answer in time .*\) \[KSEF_OUTCOME_UNKNOWN\]; it is not sent again blindly: the agent first looks it up in session 20261121-SO-1$/,
  },
  {
    name: 'ksef.session-renewed',
    payload: { companyId: 'acme', sessionReferenceNumber: '20261121-SO-1', invoice: 'FV/2', code: 'KSEF_SESSION_CLOSED' },
    level: 'info',
    text: /^ksef\.session-renewed: KSeF closed the online session 20261121-SO-1 \(it expired\) \[KSEF_SESSION_CLOSED\]; a new session is opened/,
  },
  { name: 'ksef.accepted', payload: { companyId: 'acme', invoice: 'FV/1', ksefNumber: 'K-1' }, level: 'info', text: /^ksef\.accepted: FV\/1 accepted as K-1$/ },
  { name: 'ksef.rejected', payload: { companyId: 'acme', invoice: 'FV/1', code: 'KSEF_450', message: 'Błąd semantyki' }, level: 'warn', text: /^ksef\.rejected: FV\/1 rejected: Błąd semantyki \[KSEF_450\]$/ },
  { name: 'agent.warning', payload: { message: 'acme: sending: KSeF is unavailable', code: 'KSEF_UNAVAILABLE' }, level: 'warn', text: /^agent\.warning: acme: sending: KSeF is unavailable$/ },
  { name: 'agent.error', payload: { message: 'acme: login refused', code: 'KSEF_AUTH_FAILED' }, level: 'error', text: /^agent\.error: acme: login refused$/ },
];

test('events → log lines: level and a sentence for each', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const logger = createLogger({ level: 'debug', maxSize: 1e6, maxFiles: 1, console: true, redactor: new Redactor(), consoleStream: out });
  const bus = new EventBus();
  logEvents(bus, logger);
  for (const r of ROWS) bus.emit(r.name, r.payload as never);
  await closeLogger(logger);
  const lines = text.trimEnd().split('\n').map((l) => l.slice(13));
  assert.equal(lines.length, ROWS.length);
  ROWS.forEach((r, k) => {
    const [level, ...rest] = lines[k]!.split(/ +/);
    assert.equal(level, r.level, `${r.name}: ${lines[k]}`);
    const message = rest.join(' ').replace(/ \{.*\}$/, '');
    assert.match(message, r.text, `${r.name}: ${message}`);
  });
});

const OUTAGE = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>KSeF jest chwilowo niedostępny</body></html>';

test('classification: a 5xx with a maintenance page or Retry-After is KSEF_UNAVAILABLE; an HTML page otherwise stays KSEF_FIREWALL', () => {
  const op = 'POST /sessions/online';
  const table: { status: number; type: string; body: string; retryAfterMs?: number; code: string; text: RegExp }[] = [
    { status: 503, type: 'text/html', body: OUTAGE, retryAfterMs: 3000, code: 'KSEF_UNAVAILABLE', text: /^POST \/sessions\/online: KSeF is unavailable \(HTTP 503, "Service Unavailable", Retry-After 3 s\): an outage or maintenance$/ },
    { status: 503, type: 'text/html', body: OUTAGE, code: 'KSEF_UNAVAILABLE', text: /KSeF is unavailable \(HTTP 503, "Service Unavailable"\)/ },
    { status: 502, type: 'text/html', body: '<html><body>bad gateway</body></html>', code: 'KSEF_UNAVAILABLE', text: /KSeF is unavailable \(HTTP 502, a maintenance page\)/ },
    { status: 503, type: 'application/json', body: '{}', retryAfterMs: 60_000, code: 'KSEF_UNAVAILABLE', text: /\(HTTP 503, Retry-After 60 s\)/ },
    { status: 503, type: 'application/json', body: JSON.stringify({ exception: { exceptionDetailList: [{ exceptionCode: 500, exceptionDescription: 'x' }] } }), code: 'KSEF_HTTP_5XX', text: /HTTP 503: 500 x/ },
    { status: 403, type: 'text/html', body: '<html><head><title>Request Rejected</title></head></html>', code: 'KSEF_FIREWALL', text: /firewall/ },
  ];
  for (const r of table) {
    const e = errorFromResponse({ status: r.status, contentType: r.type, bodyText: r.body, operation: op, ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}) });
    assert.equal(e.code, r.code, `${r.status} ${r.type}`);
    assert.equal(e.kind, 'transient');
    assert.match(e.message, r.text);
  }
});

test('the KSeF client says in words what it retries and why: outage page, 429, dropped connection', async () => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      if (req.url!.includes('/outage') && hits === 1) {
        res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '2' });
        res.end(OUTAGE);
      } else if (req.url!.includes('/busy') && hits === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end('{}');
      } else if (req.url!.includes('/drop') && hits === 1) req.socket.destroy();
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  const lines: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const logger = {
    warn: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'warn', message, meta: meta ?? {} }),
    debug: () => undefined,
  };
  const http = new KsefHttp({ baseUrl: base, context: '1111111111', clock: createFakeClock(0), logger });
  try {
    for (const path of ['/outage', '/busy', '/drop']) {
      hits = 0;
      await http.call({ method: 'GET', path, idempotent: true, expect: 'json', operation: `GET ${path}` });
    }
  } finally {
    await http.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.deepEqual(lines.map((l) => [l.level, l.meta['event']]), [['warn', 'ksef.retry'], ['warn', 'ksef.rate-limited'], ['warn', 'ksef.retry']]);
  assert.equal(lines[0]!.message, 'ksef.retry: GET /outage: KSeF is unavailable (HTTP 503, "Service Unavailable", Retry-After 2 s): an outage or maintenance; trying again in 2.0 s (try 2 of 5) [KSEF_UNAVAILABLE]');
  assert.equal(lines[1]!.message, 'ksef.rate-limited: KSeF refused GET /busy with 429 Too Many Requests (its request limit for this company); waiting 3.0 s before try 2 of 5');
  assert.match(lines[2]!.message, /^ksef\.retry: GET \/drop: connection failed \(\w+\); trying again in 0\.5 s \(try 2 of 5\) \[KSEF_NETWORK\]$/);
});
