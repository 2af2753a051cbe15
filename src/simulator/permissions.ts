/**
 * Who may do what for which NIP (PROTOCOL §13: "the sender needs permission to issue invoices for
 * the seller in the context", invoice status 410 otherwise; PROTOCOL §4.3: auth status 415 when the
 * identity that logged in holds no permission in the context). A context always holds every
 * permission for its own NIP. A grant gives a subject permissions in a context NIP (the client):
 * - a subject identified by NIP (an entity such as an accounting office, or a person with a NIP)
 *   may send invoices whose seller is the client in its own context (InvoiceWrite), and may log in
 *   to the client's context;
 * - a subject identified by PESEL or certificate fingerprint (a person) may log in to the client's
 *   context.
 * A login through a grant holds only the granted permissions in that context, a login with a KSeF
 * token only those the token was generated with (when it names any); every route declares what it
 * requires (openapi x-required-permissions) and the server checks it before the handler runs.
 */
import { randomUUID } from 'node:crypto';
import { forbidden } from './http-errors.ts';
import type { TokenClaims } from './jwt.ts';
import type { Sim } from './sim-context.ts';

export const PERMISSION_NAMES = ['InvoiceWrite', 'InvoiceRead', 'CredentialsRead', 'CredentialsManage', 'SubunitManage', 'EnforcementOperations', 'Introspection'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];
export type SubjectType = 'Nip' | 'Pesel' | 'Fingerprint';
/** The names openapi's x-required-permissions use; PefInvoiceWrite and VatUeManage are never granted here. */
export type RequiredPermission = PermissionName | 'PefInvoiceWrite' | 'VatUeManage';

/** The x-required-permissions sets the session and invoice endpoints share (any one suffices). */
export const REQUIRES = {
  onlineSession: ['InvoiceWrite', 'PefInvoiceWrite', 'EnforcementOperations'],
  batchSession: ['InvoiceWrite', 'EnforcementOperations'],
  sessionList: ['InvoiceWrite', 'Introspection', 'EnforcementOperations'],
  sessionRead: ['InvoiceWrite', 'Introspection', 'PefInvoiceWrite', 'EnforcementOperations'],
  invoiceRead: ['InvoiceRead'],
} as const satisfies Record<string, readonly RequiredPermission[]>;

export interface PermissionGrant {
  /** who holds it: the identifier value, a NIP unless `subjectType` says PESEL or fingerprint */
  subjectNip: string;
  /** the kind of `subjectNip` (default Nip) */
  subjectType?: SubjectType;
  /** for whom: the NIP whose invoices it may write or read (the context granting it) */
  contextNip: string;
  permissions: PermissionName[];
}

/** A grant as kept: one technical id per permission (KSeF revokes permission by permission). */
export interface StoredGrant extends PermissionGrant {
  ids?: Partial<Record<PermissionName, string>>;
  /** how it was granted: `entity` (POST /permissions/entities/grants) or `person` */
  kind?: 'entity' | 'person';
  description?: string;
  startDate?: number;
  author?: { type: SubjectType; value: string };
}

const IDENTIFIER: Readonly<Record<SubjectType, RegExp>> = { Nip: /^\d{10}$/, Pesel: /^\d{11}$/, Fingerprint: /^[0-9A-F]{64}$/ };

function grants(sim: Sim): StoredGrant[] {
  return (sim.state.data.permissions ??= []) as StoredGrant[];
}

const typeOf = (g: PermissionGrant): SubjectType => g.subjectType ?? 'Nip';

/** Add (merge) permissions of the subject for `contextNip`; returns the resulting grant. */
export function grantPermissions(sim: Sim, g: PermissionGrant, extra: Pick<StoredGrant, 'kind' | 'description' | 'author'> = {}): StoredGrant {
  const bad = g.permissions.filter((p) => !(PERMISSION_NAMES as readonly string[]).includes(p));
  if (bad.length) throw new Error(`unknown permission ${bad.join(', ')}; known: ${PERMISSION_NAMES.join(', ')}`);
  const type = typeOf(g);
  const value = type === 'Fingerprint' ? g.subjectNip.toUpperCase() : g.subjectNip;
  if (!IDENTIFIER[type]?.test(value)) throw new Error(`subject ${type} ${g.subjectNip} is not a valid ${type} (${IDENTIFIER[type] ?? 'unknown type'})`);
  if (!/^\d{10}$/.test(g.contextNip)) throw new Error('contextNip must be 10 digits');
  let hit = grants(sim).find((x) => x.subjectNip === value && typeOf(x) === type && x.contextNip === g.contextNip);
  if (!hit) {
    hit = { subjectNip: value, ...(type !== 'Nip' ? { subjectType: type } : {}), contextNip: g.contextNip, permissions: [], startDate: sim.now(), ...extra };
    grants(sim).push(hit);
  }
  hit.ids ??= {};
  for (const p of g.permissions) {
    if (!hit.permissions.includes(p)) hit.permissions.push(p);
    hit.ids[p] ??= randomUUID();
  }
  sim.state.touch();
  return hit;
}

export function revokePermissions(sim: Sim, subjectNip: string, contextNip: string, subjectType: SubjectType = 'Nip'): boolean {
  const list = grants(sim);
  const at = list.findIndex((x) => x.subjectNip === subjectNip && typeOf(x) === subjectType && x.contextNip === contextNip);
  if (at < 0) return false;
  list.splice(at, 1);
  sim.state.touch();
  return true;
}

/** Withdraw one permission by its technical id (DELETE /permissions/common/grants/{id}), in `contextNip` only. */
export function revokePermissionById(sim: Sim, contextNip: string, id: string): boolean {
  const list = grants(sim);
  for (const [i, g] of list.entries()) {
    if (g.contextNip !== contextNip) continue;
    const name = (Object.entries(g.ids ?? {}) as [PermissionName, string][]).find(([, v]) => v === id)?.[0];
    if (!name) continue;
    g.permissions = g.permissions.filter((p) => p !== name);
    delete g.ids![name];
    if (g.permissions.length === 0) list.splice(i, 1);
    sim.state.touch();
    return true;
  }
  return false;
}

export function listPermissions(sim: Sim): StoredGrant[] {
  return grants(sim).map((g) => ({ ...g, permissions: [...g.permissions], ...(g.ids ? { ids: { ...g.ids } } : {}) }));
}

/** Does the context (logged-in NIP) hold `permission` for `nip`? Always for its own NIP. */
export function holds(sim: Sim, contextNip: string, nip: string, permission: PermissionName): boolean {
  if (contextNip === nip) return true;
  return grants(sim).some((g) => typeOf(g) === 'Nip' && g.subjectNip === contextNip && g.contextNip === nip && g.permissions.includes(permission));
}

/**
 * What an identity may do after logging in to `contextNip`: undefined for the context's own NIP
 * (everything), else the permissions granted to it there (empty: KSeF refuses the login, 415).
 */
export function permissionsInContext(sim: Sim, identity: { type: SubjectType; value: string }, contextNip: string): PermissionName[] | undefined {
  if (identity.type === 'Nip' && identity.value === contextNip) return undefined;
  const value = identity.type === 'Fingerprint' ? identity.value.toUpperCase() : identity.value;
  return grants(sim).filter((g) => typeOf(g) === identity.type && g.subjectNip === value && g.contextNip === contextNip).flatMap((g) => g.permissions);
}

/** What the login behind an access token may do in its context; undefined: everything (the context's own identity). */
export function loginPermissions(sim: Sim, claims: TokenClaims): readonly PermissionName[] | undefined {
  return sim.state.authOps.get(String(claims.ref))?.permissions;
}

/** KSeF's 403 missing-permissions unless the login holds at least one of `anyOf`. */
export function requirePermission(sim: Sim, claims: TokenClaims, anyOf: readonly RequiredPermission[]): void {
  const present = loginPermissions(sim, claims);
  if (!present || anyOf.some((p) => (present as readonly string[]).includes(p))) return;
  throw forbidden('Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.', 'missing-permissions', { requiredAnyOfPermissions: [...anyOf], presentPermissions: [...present] });
}
