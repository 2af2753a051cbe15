/** Route table types shared by the endpoint modules. */
import type { IncomingHttpHeaders } from 'node:http';
import type { TokenClaims } from './jwt.ts';
import type { RequiredPermission } from './permissions.ts';
import type { LimitGroup } from './rate-limits.ts';
import type { Sim } from './sim-context.ts';

export interface SimRequest {
  readonly method: string;
  /** Path after the API prefix, e.g. `/sessions/online`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
  readonly body: Buffer;
  readonly params: Record<string, string>;
  /** The verified bearer token's claims (routes with auth). */
  readonly auth?: TokenClaims;
  /** The raw bearer token (never logged). */
  readonly bearer?: string;
}

export interface SimReply {
  status: number;
  json?: unknown;
  xml?: string | Buffer;
  html?: string;
  headers?: Record<string, string>;
}

export type AuthKind = 'none' | 'access' | 'operation' | 'refresh' | 'accessOrRefresh';

export interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly group: LimitGroup | 'none';
  readonly auth: AuthKind;
  /** The caller must hold one of these (openapi x-required-permissions); absent: none needed. */
  readonly requires?: readonly RequiredPermission[];
  handle(sim: Sim, req: SimRequest): SimReply | Promise<SimReply>;
}

/** `/sessions/{ref}/invoices` → a regex with named groups. */
export function route(method: string, template: string, group: Route['group'], auth: AuthKind, handle: Route['handle'], requires?: readonly RequiredPermission[]): Route {
  const pattern = new RegExp('^' + template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '$');
  return { method, template, pattern, group, auth, handle, ...(requires ? { requires } : {}) };
}

export function parseJson(req: SimRequest): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8') || 'null');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  return {};
}
