/**
 * Active authentication sessions of the caller's context (PROTOCOL §4.5): `GET /auth/sessions`
 * and `DELETE /auth/sessions/{referenceNumber}`. A login is active from a successful redeem until
 * it is revoked or its refresh token expires. Listed newest first, as the spec's x-sort says.
 */
import { authMethodOf } from './auth.ts';
import { apiError } from './http-errors.ts';
import { route, type Route, type SimRequest } from './router.ts';
import { decodeContinuation, encodeContinuation, pageSizeOf } from './session-common.ts';
import type { Sim } from './sim-context.ts';
import type { AuthOperation } from './state.ts';

function active(sim: Sim, op: AuthOperation, nip: string): boolean {
  return op.nip === nip && op.redeemed && !op.revoked && op.status.code === 200 && (op.refreshValidUntil ?? 0) > sim.now();
}

function listHandler(sim: Sim, req: SimRequest) {
  const pageSize = pageSizeOf(req.query, 10, 100, 10);
  const offset = decodeContinuation(req.headers['x-continuation-token']);
  const nip = req.auth!['context-identifier-value'];
  const all = sim.state.data.authOps.filter((op) => active(sim, op, nip)).sort((a, b) => b.startDate - a.startDate);
  const page = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? encodeContinuation(offset + pageSize) : null;
  return {
    status: 200,
    json: {
      continuationToken: next,
      items: page.map((op) => ({
        referenceNumber: op.referenceNumber,
        isCurrent: op.referenceNumber === req.auth!.ref,
        startDate: sim.iso(op.startDate),
        ...authMethodOf(op),
        status: op.status,
        isTokenRedeemed: op.redeemed,
        ...(op.lastRefresh ? { lastTokenRefreshDate: sim.iso(op.lastRefresh) } : {}),
        ...(op.refreshValidUntil ? { refreshTokenValidUntil: sim.iso(op.refreshValidUntil) } : {}),
      })),
    },
  };
}

function revokeHandler(sim: Sim, req: SimRequest) {
  const op = sim.state.authOps.get(req.params['referenceNumber']!);
  if (!op || !active(sim, op, req.auth!['context-identifier-value'])) throw apiError(21304, 'Nie znaleziono aktywnej sesji uwierzytelnienia.');
  op.revoked = true;
  sim.state.touch();
  return { status: 204 };
}

/** Listed before the auth routes: `/auth/sessions` would otherwise match `/auth/{referenceNumber}`. */
export const authSessionRoutes: Route[] = [
  route('GET', '/auth/sessions', 'other', 'access', listHandler),
  // not `current`: that one is auth.ts's, and takes the refresh token too
  { ...route('DELETE', '/auth/sessions/{referenceNumber}', 'other', 'access', revokeHandler), pattern: /^\/auth\/sessions\/(?!current$)(?<referenceNumber>[^/]+)$/ },
];
