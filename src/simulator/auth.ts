/** Public keys and KSeF-token authentication (PROTOCOL §3–4). */
import { randomBytes } from 'node:crypto';
import { decodeBase64 } from './crypto.ts';
import { apiError, forbidden, gone } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { signToken } from './jwt.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import type { Sim } from './sim-context.ts';
import type { AuthOperation, StatusInfo } from './state.ts';
import { certificateLoginStatus } from './xades-login.ts';
import { verifyAuthTokenRequest } from './xades-verify.ts';

const CHALLENGE_TTL_MS = 10 * 60_000;
const OPERATION_TOKEN_TTL_MS = 45 * 60_000;
const REFRESH_TTL_MS = 7 * 86_400_000;
const AUTH_STATUS_RETENTION_MS = 7 * 86_400_000;

/** Register a KSeF token for a NIP; generates one in the real shape when none is given. */
export function registerToken(sim: Sim, nip: string, token?: string): string {
  const ref = referenceNumber('EC', sim.now());
  const value = token ?? `${ref}|nip-${nip}|${randomBytes(32).toString('hex')}`;
  const existing = sim.state.data.tokens.find((t) => t.token === value);
  if (existing) {
    existing.nip = nip;
    existing.revoked = false;
  } else {
    sim.state.data.tokens.push({ token: value, nip, referenceNumber: ref, revoked: false });
  }
  sim.state.touch();
  return value;
}

export function revokeToken(sim: Sim, token: string): boolean {
  const t = sim.state.data.tokens.find((r) => r.token === token);
  if (!t) return false;
  t.revoked = true;
  sim.state.touch();
  return true;
}

const bad450 = (detail: string): StatusInfo => ({ code: 450, description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu', details: [detail] });

function visibleStatus(sim: Sim, op: AuthOperation): StatusInfo {
  if (op.pendingUntil !== undefined && sim.now() < op.pendingUntil) return { code: 100, description: 'Uwierzytelnianie w toku' };
  if (op.revoked) return { code: 425, description: 'Uwierzytelnienie unieważnione', details: ['Uwierzytelnienie i powiązane refresh tokeny zostały unieważnione przez użytkownika'] };
  return op.status;
}

function operationFor(sim: Sim, req: SimRequest): AuthOperation {
  const op = sim.state.authOps.get(req.auth!.ref);
  if (!op) throw apiError(21304, 'Nie znaleziono operacji uwierzytelnienia.');
  return op;
}

function challengeHandler(sim: Sim, req: SimRequest) {
  const now = sim.now();
  const challenge = referenceNumber('CR', now);
  const list = sim.state.data.challenges.filter((c) => c.timestampMs > now - CHALLENGE_TTL_MS);
  list.push({ challenge, timestampMs: now, used: false });
  sim.state.data.challenges = list;
  sim.state.touch();
  return { status: 200, json: { challenge, timestamp: sim.iso(now), timestampMs: now, clientIp: req.ip } };
}

function ksefTokenHandler(sim: Sim, req: SimRequest) {
  const body = parseJson(req);
  const now = sim.now();
  const ctx = body['contextIdentifier'] as { type?: unknown; value?: unknown } | undefined;
  const encrypted = decodeBase64(body['encryptedToken']);
  if (typeof body['challenge'] !== 'string' || !ctx || typeof ctx.value !== 'string' || !encrypted) {
    throw apiError(21405, 'Wymagane pola: challenge, contextIdentifier {type, value}, encryptedToken (Base64).');
  }
  if (ctx.type !== 'Nip') throw apiError(21405, `Symulator obsługuje kontekst typu Nip (otrzymano ${String(ctx.type)}).`);
  const ch = sim.state.data.challenges.find((c) => c.challenge === body['challenge']);
  if (!ch || ch.used || ch.timestampMs < now - CHALLENGE_TTL_MS) throw apiError(21111, 'Wyzwanie jest nieznane, wygasło lub zostało już użyte.');
  const publicKeyId = typeof body['publicKeyId'] === 'string' ? body['publicKeyId'] : undefined;
  const plain = sim.keys.decrypt('KsefTokenEncryption', encrypted, publicKeyId);
  ch.used = true;
  const ref = referenceNumber('AU', now);
  let status: StatusInfo = { code: 200, description: 'Uwierzytelnianie zakończone sukcesem' };
  let tokenRef: string | undefined;
  if (!plain) {
    status = bad450('Nieprawidłowy token');
  } else {
    const text = plain.toString('utf8');
    const sep = text.lastIndexOf('|');
    const token = text.slice(0, sep);
    const ts = text.slice(sep + 1);
    const record = sim.state.data.tokens.find((t) => t.token === token);
    if (sep < 0 || ts !== String(ch.timestampMs)) status = bad450('Nieprawidłowy czas tokena');
    else if (!record || record.nip !== ctx.value) status = bad450('Nieprawidłowy token');
    else if (record.revoked) status = bad450('Token unieważniony');
    else tokenRef = record.referenceNumber;
  }
  sim.state.addAuthOp({ referenceNumber: ref, nip: ctx.value, startDate: now, status, ...(tokenRef ? { tokenReferenceNumber: tokenRef } : {}), redeemed: false, revoked: false });
  const authenticationToken = signToken(sim.state.data.jwtSecret, { 'token-type': 'OperationToken', ref, 'context-identifier-type': 'Nip', 'context-identifier-value': ctx.value }, now, OPERATION_TOKEN_TTL_MS);
  return { status: 202, json: { referenceNumber: ref, authenticationToken } };
}

/**
 * SigningTime against the simulator's clock: a signature from the future (beyond the tolerance, for
 * clock skew) or made before the challenge it signs was issued (beyond the same tolerance: a
 * pre-made or replayed signature) is refused as a wrong signature (9105), naming both times.
 */
function checkSigningTime(sim: Sim, signingTime: string, challengeMs: number): void {
  const tol = sim.opts.signingTimeToleranceMs;
  const span = tol % 60_000 === 0 ? `${tol / 60_000} min` : `${tol / 1000} s`;
  const signed = Date.parse(signingTime);
  const now = sim.now();
  if (signed > now + tol) throw apiError(9105, `SigningTime ${signingTime} jest późniejszy niż czas serwera ${sim.iso(now)} o więcej niż ${span}.`);
  if (signed < challengeMs - tol) throw apiError(9105, `SigningTime ${signingTime} jest wcześniejszy niż wydanie wyzwania ${sim.iso(challengeMs)} o więcej niż ${span}.`);
}

/** PROTOCOL §4.6: a signed AuthTokenRequest; the document is checked now, the certificate as the status. */
async function xadesSignatureHandler(sim: Sim, req: SimRequest) {
  const doc = verifyAuthTokenRequest(req.body, { authSchemaDir: sim.opts.authSchemaDir });
  const now = sim.now();
  if (doc.context.type !== 'Nip') throw apiError(21405, `Symulator obsługuje kontekst typu Nip (otrzymano ${doc.context.type}).`);
  const ch = sim.state.data.challenges.find((c) => c.challenge === doc.challenge);
  if (!ch || ch.used || ch.timestampMs < now - CHALLENGE_TTL_MS) throw apiError(21111, 'Wyzwanie jest nieznane, wygasło lub zostało już użyte.');
  ch.used = true;
  checkSigningTime(sim, doc.signingTime, ch.timestampMs);
  const { status, certificate, signer, permissions } = await certificateLoginStatus(sim, doc, req.query.get('verifyCertificateChain') === 'true');
  const ref = referenceNumber('AU', now);
  sim.state.addAuthOp({
    referenceNumber: ref, nip: doc.context.value, startDate: now, status, certificate, ...(signer ? { signer } : {}), ...(permissions ? { permissions } : {}),
    ...(sim.opts.certificateCheckDelayMs > 0 ? { pendingUntil: now + sim.opts.certificateCheckDelayMs } : {}),
    redeemed: false, revoked: false,
  });
  const authenticationToken = signToken(sim.state.data.jwtSecret, { 'token-type': 'OperationToken', ref, 'context-identifier-type': 'Nip', 'context-identifier-value': doc.context.value }, now, OPERATION_TOKEN_TTL_MS);
  return { status: 202, json: { referenceNumber: ref, authenticationToken } };
}

/** How a login authenticated, as GET /auth/{ref} and GET /auth/sessions show it. */
export function authMethodOf(op: AuthOperation): { authenticationMethod: string; authenticationMethodInfo: { category: string; code: string; displayName: string } } {
  return op.certificate
    ? { authenticationMethod: op.certificate.method, authenticationMethodInfo: { category: 'XadesSignature', code: op.certificate.method, displayName: op.certificate.issuedHere ? 'Certyfikat KSeF' : 'Podpis XAdES' } }
    : { authenticationMethod: 'Token', authenticationMethodInfo: { category: 'Token', code: 'token', displayName: 'Token KSeF' } };
}

function authStatusHandler(sim: Sim, req: SimRequest) {
  const op = sim.state.authOps.get(req.params['referenceNumber']!);
  if (!op) throw apiError(21304, 'Nie znaleziono operacji uwierzytelnienia.');
  if (op.referenceNumber !== req.auth!.ref) throw forbidden('Brak dostępu do wskazanego zasobu.', 'insufficient-resource-access');
  if (sim.now() > op.startDate + AUTH_STATUS_RETENTION_MS) throw gone('Status operacji uwierzytelnienia wygasł.');
  return {
    status: 200,
    json: {
      startDate: sim.iso(op.startDate),
      ...authMethodOf(op),
      status: visibleStatus(sim, op),
      isTokenRedeemed: op.redeemed,
      ...(op.lastRefresh ? { lastTokenRefreshDate: sim.iso(op.lastRefresh) } : {}),
      ...(op.refreshValidUntil ? { refreshTokenValidUntil: sim.iso(op.refreshValidUntil) } : {}),
    },
  };
}

function accessToken(sim: Sim, op: AuthOperation, now: number) {
  return signToken(sim.state.data.jwtSecret, { 'token-type': 'ContextToken', ref: op.referenceNumber, 'context-identifier-type': 'Nip', 'context-identifier-value': op.nip }, now, sim.opts.accessTokenTtlMs);
}

function redeemHandler(sim: Sim, req: SimRequest) {
  const op = operationFor(sim, req);
  const now = sim.now();
  if (op.redeemed) throw apiError(21301, 'Tokeny zostały już pobrane.');
  if (visibleStatus(sim, op).code !== 200) throw apiError(21301, `Status uwierzytelnienia (${visibleStatus(sim, op).code}) nie pozwala na pobranie tokenów.`);
  if (sim.faults.redeemRaces > 0) {
    sim.faults.redeemRaces--;
    throw apiError(21301, 'Status uwierzytelnienia nie pozwala na pobranie tokenów.');
  }
  op.redeemed = true;
  op.refreshValidUntil = now + REFRESH_TTL_MS;
  sim.state.touch();
  const refreshToken = signToken(sim.state.data.jwtSecret, { 'token-type': 'RefreshToken', ref: op.referenceNumber, 'context-identifier-type': 'Nip', 'context-identifier-value': op.nip }, now, REFRESH_TTL_MS);
  return { status: 200, json: { accessToken: accessToken(sim, op, now), refreshToken } };
}

async function refreshHandler(sim: Sim, req: SimRequest) {
  const op = operationFor(sim, req);
  const now = sim.now();
  const token = op.tokenReferenceNumber ? sim.state.data.tokens.find((t) => t.referenceNumber === op.tokenReferenceNumber) : undefined;
  if (op.certificate) {
    // a certificate login lives as long as the certificate is not revoked
    const revoked = op.certificate.issuedHere && (await sim.ca()).find(op.certificate.serialNumber)?.revoked === true;
    if (op.revoked || revoked) throw apiError(21301, 'Uwierzytelnienie zostało unieważnione lub certyfikat odwołany.');
  } else if (op.revoked || !token || token.revoked) throw apiError(21301, 'Uwierzytelnienie lub token KSeF zostały unieważnione.');
  op.lastRefresh = now;
  sim.state.touch();
  return { status: 200, json: { accessToken: accessToken(sim, op, now) } };
}

function revokeCurrentHandler(sim: Sim, req: SimRequest) {
  operationFor(sim, req).revoked = true;
  sim.state.touch();
  return { status: 204 };
}

export const authRoutes: Route[] = [
  route('GET', '/security/public-key-certificates', 'public', 'none', (sim) => ({ status: 200, json: sim.keys.listing() })),
  route('POST', '/auth/challenge', 'public', 'none', challengeHandler),
  route('POST', '/auth/ksef-token', 'public', 'none', ksefTokenHandler),
  route('POST', '/auth/xades-signature', 'public', 'none', xadesSignatureHandler),
  route('POST', '/auth/token/redeem', 'public', 'operation', redeemHandler),
  route('POST', '/auth/token/refresh', 'public', 'refresh', refreshHandler),
  route('DELETE', '/auth/sessions/current', 'other', 'accessOrRefresh', revokeCurrentHandler),
  route('GET', '/auth/{referenceNumber}', 'public', 'operation', authStatusHandler),
];
