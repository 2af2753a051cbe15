/** The HTTP front: admin API, pre-signed storage URLs, and the /v2 API with faults, auth and limits. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAdmin } from './admin.ts';
import { authRoutes } from './auth.ts';
import { authSessionRoutes } from './auth-sessions.ts';
import { batchRoutes, uploadPart } from './batch-sessions.ts';
import { certificateRoutes } from './certificates.ts';
import { sha256b64 } from './crypto.ts';
import { exportRoutes, encryptedExportPart } from './exports.ts';
import { FIREWALL_HTML, OUTAGE_HTML, pickFault } from './faults.ts';
import { notFoundBody, renderError, SimHttpError, tooManyRequests, unauthorized, forbidden } from './http-errors.ts';
import { queryRoutes } from './invoice-query.ts';
import { readToken, type TokenClaims } from './jwt.ts';
import { requirePermission } from './permissions.ts';
import { limitsRoutes } from './limits-endpoint.ts';
import { onlineRoutes } from './online-sessions.ts';
import { permissionRoutes } from './permissions-api.ts';
import type { Route, SimReply, SimRequest } from './router.ts';
import { invoiceUpoXml, sessionUpoXml, statusRoutes } from './session-status.ts';
import { API_PREFIX, type Sim } from './sim-context.ts';

export const SIM_ROUTES: readonly Route[] = [...authSessionRoutes, ...authRoutes, ...onlineRoutes, ...batchRoutes, ...statusRoutes, ...queryRoutes, ...exportRoutes, ...limitsRoutes, ...certificateRoutes, ...permissionRoutes];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string | undefined, body: string | Buffer | undefined, headers: Record<string, string> = {}): void {
  if (contentType) headers['Content-Type'] = contentType;
  res.writeHead(status, headers);
  res.end(body);
}

function sendReply(res: ServerResponse, reply: SimReply): void {
  if (reply.json !== undefined) return send(res, reply.status, 'application/json; charset=utf-8', JSON.stringify(reply.json), reply.headers);
  if (reply.xml !== undefined) return send(res, reply.status, 'application/xml; charset=utf-8', reply.xml, reply.headers);
  if (reply.html !== undefined) return send(res, reply.status, 'text/html; charset=utf-8', reply.html, reply.headers);
  return send(res, reply.status, undefined, undefined, reply.headers);
}

function authenticate(sim: Sim, route: Route, req: IncomingMessage): { claims?: TokenClaims; bearer?: string } {
  if (route.auth === 'none') return {};
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthorized('Wymagane jest uwierzytelnienie.');
  const claims = readToken(sim.state.data.jwtSecret, m[1]!);
  if (!claims) throw unauthorized('Nieprawidłowy token.');
  if (claims.exp * 1000 <= sim.now()) throw unauthorized('Token wygasł.');
  const type = claims['token-type'];
  const allowed = route.auth === 'access' ? type === 'ContextToken'
    : route.auth === 'operation' ? type === 'OperationToken'
    : route.auth === 'refresh' ? type === 'RefreshToken'
    : type === 'ContextToken' || type === 'RefreshToken';
  if (!allowed) throw forbidden('Ta operacja nie jest dostępna dla użytego tokenu.', 'auth-method-not-allowed', { authenticationMethodCategory: 'Token' });
  return { claims, bearer: m[1]! };
}

/**
 * `X-System-Warning` (SystemWarning, since 2.6.0): informational, on successful answers. TEST
 * echoes the request header `X-Test-System-Warning`; the admin fault `systemWarning` stands in for
 * a warning KSeF itself would announce. The value is ASCII-folded, as the spec says.
 */
function systemWarning(sim: Sim, req: IncomingMessage): string | undefined {
  const forced = sim.opts.mode === 'test' ? req.headers['x-test-system-warning'] : undefined;
  const parts = [sim.faults.systemWarning, Array.isArray(forced) ? forced.join(' | ') : forced].filter((x): x is string => Boolean(x));
  if (parts.length === 0) return undefined;
  return parts.join(' | ').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/[^\x20-\x7e]/g, '?');
}

async function handleStorage(sim: Sim, method: string, path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const signed = sim.checkSignedUrl(path, query);
  if (signed !== 'ok') return send(res, 403, 'text/plain', signed === 'expired' ? 'The link has expired.' : 'Signature mismatch.');
  const [, , kind, a, b] = path.split('/');
  if (kind === 'batch' && method === 'PUT') {
    const body = await readBody(req);
    const r = uploadPart(sim, a!, Number(b), body);
    sim.state.flush();
    return send(res, r.status, r.text ? 'text/plain' : undefined, r.text);
  }
  if (method !== 'GET') return send(res, 405, 'text/plain', 'Method not allowed.');
  let data: Buffer | string | undefined;
  let type = 'application/xml; charset=utf-8';
  if (kind === 'upo') {
    const session = sim.state.sessions.get(a!);
    const inv = sim.state.sessionInvoices.get(b!);
    data = session && inv ? invoiceUpoXml(sim, session, inv) : undefined;
  } else if (kind === 'session-upo') {
    const session = sim.state.sessions.get(a!);
    data = session ? sessionUpoXml(sim, session, b!) : undefined;
  } else if (kind === 'export') {
    data = await encryptedExportPart(sim, a!, Number(b));
    type = 'application/octet-stream';
  }
  sim.state.flush();
  if (data === undefined) return send(res, 404, 'text/plain', 'The specified blob does not exist.');
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  return send(res, 200, type, bytes, { 'x-ms-meta-hash': sha256b64(bytes) });
}

async function handleApi(sim: Sim, method: string, path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fault = pickFault(sim, path);
  // the request is received whole before the injected latency: a slow KSeF still processes what it
  // got, even when the client gave up waiting for the answer (the case a send timeout must survive)
  const body = await readBody(req);
  if (sim.faults.latencyMs > 0 && (sim.faults.paths.length === 0 || sim.faults.paths.some((p) => path.includes(p)))) await sleep(sim.faults.latencyMs);
  if (fault.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'outage') return send(res, 503, 'text/html; charset=utf-8', OUTAGE_HTML, { 'Retry-After': String(Math.max(1, Math.ceil((sim.faults.outageUntil - sim.now()) / 1000))) });
  if (fault.kind === 'firewall') return send(res, 403, 'text/html; charset=utf-8', FIREWALL_HTML);
  const problem = String(req.headers['x-error-format'] ?? '').toLowerCase() === 'problem-details';
  const nowIso = sim.iso();
  try {
    if (fault.kind === 'error5xx') {
      throw new SimHttpError(fault.status, [{ code: fault.status, description: 'Wystąpił nieoczekiwany błąd serwera (symulowany).' }]);
    }
    let params: Record<string, string> | undefined;
    let route: Route | undefined;
    let pathKnown = false;
    for (const r of SIM_ROUTES) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (r.method !== method) continue;
      route = r;
      params = { ...(m.groups ?? {}) };
      break;
    }
    if (!route) {
      return send(res, pathKnown ? 405 : 404, 'application/problem+json; charset=utf-8', JSON.stringify(notFoundBody(pathKnown ? 405 : 404, `${method} ${API_PREFIX}${path}`, API_PREFIX + path, nowIso)));
    }
    const { claims, bearer } = authenticate(sim, route, req);
    if (route.group !== 'none') {
      const context = route.group === 'public' ? 'public' : claims!['context-identifier-value'];
      const verdict = sim.limiter.check(route.group, context, req.socket.remoteAddress ?? '?', sim.now(), `${route.method} ${route.template}`);
      if (!verdict.ok) throw tooManyRequests(verdict.message!, verdict.retryAfterSec!);
    }
    // after the limiter: a refused request counts, as in KSeF
    if (route.requires) requirePermission(sim, claims!, route.requires);
    const counterKey = `${route.method} ${route.template}`;
    // Counted in the persisted state, but not a reason to rewrite it: saved with the next change.
    sim.state.data.requests[counterKey] = (sim.state.data.requests[counterKey] ?? 0) + 1;
    const simReq: SimRequest = { method, path, query, headers: req.headers, ip: req.socket.remoteAddress ?? '', body, params: params!, ...(claims ? { auth: claims } : {}), ...(bearer ? { bearer } : {}) };
    const reply = await route.handle(sim, simReq);
    const warning = systemWarning(sim, req);
    if (warning && reply.status < 300) reply.headers = { ...(reply.headers ?? {}), 'X-System-Warning': warning };
    sendReply(res, reply);
  } catch (err) {
    const e = err instanceof SimHttpError ? err : new SimHttpError(500, [{ code: 500, description: err instanceof Error ? err.message : String(err) }]);
    const r = renderError(e, { problem, instance: API_PREFIX + path, nowIso });
    send(res, r.status, `${r.contentType}; charset=utf-8`, JSON.stringify(r.body), r.headers);
  } finally {
    sim.state.flush();
  }
}

export function createSimServer(sim: Sim, onAdminReset: () => void): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const run = async (): Promise<void> => {
      if (path.startsWith('/_sim/')) {
        const raw = await readBody(req);
        let body: Record<string, unknown> = {};
        try {
          body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          return send(res, 400, 'application/json', JSON.stringify({ error: 'body must be JSON' }));
        }
        const reply = handleAdmin(sim, method, path, body);
        if (path === '/_sim/reset' && reply.status === 200) onAdminReset();
        sim.state.flush();
        return send(res, reply.status, 'application/json; charset=utf-8', JSON.stringify(reply.json));
      }
      if (path.startsWith('/storage/')) return handleStorage(sim, method, path, url.searchParams, req, res);
      if (path === API_PREFIX || path.startsWith(API_PREFIX + '/')) return handleApi(sim, method, path.slice(API_PREFIX.length), url.searchParams, req, res);
      send(res, 404, 'application/problem+json; charset=utf-8', JSON.stringify(notFoundBody(404, `No API at ${path}; the base URL ends in ${API_PREFIX}.`, path, new Date(sim.now()).toISOString())));
    };
    run().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
}
