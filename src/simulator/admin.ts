/**
 * Admin API under /_sim/ (JSON, no auth): tokens, key rotation, incoming invoices, faults,
 * forced session expiry, rate-limit mode, counters, reset. For tests and for admins trying mappings.
 */
import { registerToken, revokeToken } from './auth.ts';
import { counters } from './counters.ts';
import { generateIncoming, seedInvoiceXml } from './incoming.ts';
import type { KeyUsage } from './key-ring.ts';
import type { FaultOptions, RateLimitMode } from './options.ts';
import { grantPermissions, listPermissions, revokePermissions, type PermissionGrant, type PermissionName } from './permissions.ts';
import type { Sim } from './sim-context.ts';

export interface AdminReply {
  status: number;
  json: unknown;
}

export function setFaults(sim: Sim, patch: Partial<FaultOptions> & { outageMs?: number }): FaultOptions {
  const { outageMs, ...rest } = patch;
  sim.faults = { ...sim.faults, ...rest };
  if (typeof outageMs === 'number') sim.faults.outageUntil = sim.now() + outageMs;
  return sim.faults;
}

/**
 * Make open sessions (all, or the one named) reach the end of their lifetime now: an online
 * session counts as closed (170, then final); a batch session never closed has missed its upload
 * window and reads 440 "Sesja anulowana" (its parts and its close are refused from now on).
 */
export function expireSessions(sim: Sim, referenceNumber?: string): string[] {
  const now = sim.now();
  const hit: string[] = [];
  for (const s of sim.state.data.sessions) {
    if (referenceNumber && s.referenceNumber !== referenceNumber) continue;
    if (s.closedAt === undefined && s.validUntil > now) {
      s.validUntil = now;
      hit.push(s.referenceNumber);
    }
  }
  sim.state.touch();
  return hit;
}

const bad = (message: string): AdminReply => ({ status: 400, json: { error: message } });

export function handleAdmin(sim: Sim, method: string, path: string, body: Record<string, unknown>): AdminReply {
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_sim/health':
      return { status: 200, json: { ok: true, baseUrl: sim.baseUrl, mode: sim.opts.mode, rateLimits: sim.limiter.mode } };
    case 'POST /_sim/tokens': {
      if (typeof body['nip'] !== 'string' || !/^\d{10}$/.test(body['nip'])) return bad('nip (10 digits) is required');
      const permissions = body['permissions'];
      if (permissions !== undefined && !(Array.isArray(permissions) && permissions.every((x) => typeof x === 'string'))) return bad('permissions must be a list of permission names');
      let token: string;
      try {
        token = registerToken(sim, body['nip'], typeof body['token'] === 'string' ? body['token'] : undefined, permissions ? { permissions: permissions as PermissionName[] } : {});
      } catch (e) {
        return bad((e as Error).message);
      }
      return { status: 200, json: { nip: body['nip'], token } };
    }
    case 'POST /_sim/tokens/revoke':
      if (typeof body['token'] !== 'string') return bad('token is required');
      return { status: 200, json: { revoked: revokeToken(sim, body['token']) } };
    case 'POST /_sim/keys/rotate': {
      const usage = body['usage'] as KeyUsage | undefined;
      if (usage !== undefined && usage !== 'KsefTokenEncryption' && usage !== 'SymmetricKeyEncryption') return bad('usage must be KsefTokenEncryption or SymmetricKeyEncryption');
      sim.keys.rotate(usage, sim.now());
      sim.state.touch();
      return { status: 200, json: { keys: sim.keys.listing().map((k) => ({ publicKeyId: k.publicKeyId, usage: k.usage })) } };
    }
    case 'POST /_sim/incoming': {
      try {
        if (typeof body['xml'] === 'string') {
          const inv = seedInvoiceXml(sim, body['xml']);
          return { status: 200, json: { ksefNumbers: [inv.ksefNumber] } };
        }
        const buyerNip = body['buyerNip'];
        const count = body['generate'] ?? body['count'];
        if (typeof buyerNip !== 'string' || typeof count !== 'number' || count < 1) return bad('give either xml, or buyerNip and generate (a count)');
        const from = typeof body['from'] === 'string' ? Date.parse(body['from']) : undefined;
        const to = typeof body['to'] === 'string' ? Date.parse(body['to']) : undefined;
        const invs = generateIncoming(sim, { buyerNip, count, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
        return { status: 200, json: { ksefNumbers: invs.map((i) => i.ksefNumber) } };
      } catch (err) {
        return bad(err instanceof Error ? err.message : String(err));
      }
    }
    case 'GET /_sim/faults':
      return { status: 200, json: sim.faults };
    case 'POST /_sim/faults':
      return { status: 200, json: setFaults(sim, body as Partial<FaultOptions> & { outageMs?: number }) };
    case 'POST /_sim/sessions/expire':
      return { status: 200, json: { expired: expireSessions(sim, typeof body['referenceNumber'] === 'string' ? body['referenceNumber'] : undefined) } };
    case 'POST /_sim/rate-limits': {
      const mode = body['mode'] as RateLimitMode;
      if (mode !== 'prod' && mode !== 'relaxed' && mode !== 'off') return bad('mode must be prod, relaxed or off');
      sim.limiter.mode = mode;
      sim.limiter.reset();
      return { status: 200, json: { mode } };
    }
    case 'GET /_sim/permissions':
      return { status: 200, json: { grants: listPermissions(sim) } };
    case 'POST /_sim/permissions':
      try {
        return { status: 200, json: grantPermissions(sim, { subjectNip: String(body['subjectNip'] ?? ''), ...(typeof body['subjectType'] === 'string' ? { subjectType: body['subjectType'] as PermissionGrant['subjectType'] } : {}), contextNip: String(body['contextNip'] ?? ''), permissions: (Array.isArray(body['permissions']) ? body['permissions'] : []) as PermissionGrant['permissions'] }) };
      } catch (err) {
        return bad(err instanceof Error ? err.message : String(err));
      }
    case 'POST /_sim/permissions/revoke':
      return { status: 200, json: { revoked: revokePermissions(sim, String(body['subjectNip'] ?? ''), String(body['contextNip'] ?? ''), (typeof body['subjectType'] === 'string' ? body['subjectType'] : 'Nip') as NonNullable<PermissionGrant['subjectType']>) } };
    case 'GET /_sim/counters':
      return { status: 200, json: counters(sim) };
    case 'POST /_sim/reset':
      sim.reset();
      return { status: 200, json: { ok: true } };
    default:
      return { status: 404, json: { error: `unknown admin call ${key}` } };
  }
}
