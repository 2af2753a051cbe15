/** JWT-shaped tokens (HS256) the simulator issues; clients treat them as opaque, as KSeF asks. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenType = 'OperationToken' | 'ContextToken' | 'RefreshToken';

export interface TokenClaims {
  'token-type': TokenType;
  /** auth operation reference number */
  ref: string;
  'context-identifier-type': 'Nip';
  'context-identifier-value': string;
  iat: number;
  exp: number;
  jti: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function signToken(secret: string, claims: Omit<TokenClaims, 'jti' | 'iat' | 'exp'>, nowMs: number, ttlMs: number): { token: string; validUntil: string } {
  const full: TokenClaims = { ...claims, iat: Math.floor(nowMs / 1000), exp: Math.floor((nowMs + ttlMs) / 1000), jti: randomBytes(8).toString('hex') };
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ ...full, iss: 'ksef-simulator', aud: 'ksef-simulator' }))}`;
  const sig = createHmac('sha256', secret).update(head).digest('base64url');
  return { token: `${head}.${sig}`, validUntil: new Date(nowMs + ttlMs).toISOString() };
}

/** The claims of a token this simulator signed, or undefined (bad signature or shape). Expiry is the caller's check. */
export function readToken(secret: string, token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return undefined;
  }
}
