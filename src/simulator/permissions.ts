/**
 * Who may do what for which NIP (PROTOCOL §13: "the sender needs permission to issue invoices for
 * the seller in the context", invoice status 410 otherwise). A context always holds every
 * permission for its own NIP. A grant gives a subject (the NIP of an entity, e.g. an accounting
 * office) permissions for a context NIP (its client): with InvoiceWrite, invoices whose seller is
 * the client may be sent in the office's own context; InvoiceRead lets it read the client's.
 * Certificate subjects are to come (issue 10 item 3); today subjects are NIPs.
 */
import type { Sim } from './sim-context.ts';

export const PERMISSION_NAMES = ['InvoiceWrite', 'InvoiceRead', 'CredentialsRead', 'CredentialsManage', 'SubunitManage', 'EnforcementOperations', 'Introspection'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

export interface PermissionGrant {
  /** who holds it: the NIP of the entity acting (for now the token owner's NIP) */
  subjectNip: string;
  /** for whom: the NIP whose invoices it may write or read */
  contextNip: string;
  permissions: PermissionName[];
}

function grants(sim: Sim): PermissionGrant[] {
  return (sim.state.data.permissions ??= []);
}

/** Add (merge) permissions of `subjectNip` for `contextNip`; returns the resulting grant. */
export function grantPermissions(sim: Sim, g: PermissionGrant): PermissionGrant {
  const bad = g.permissions.filter((p) => !(PERMISSION_NAMES as readonly string[]).includes(p));
  if (bad.length) throw new Error(`unknown permission ${bad.join(', ')}; known: ${PERMISSION_NAMES.join(', ')}`);
  if (!/^\d{10}$/.test(g.subjectNip) || !/^\d{10}$/.test(g.contextNip)) throw new Error('subjectNip and contextNip must be 10 digits');
  let hit = grants(sim).find((x) => x.subjectNip === g.subjectNip && x.contextNip === g.contextNip);
  if (!hit) grants(sim).push((hit = { subjectNip: g.subjectNip, contextNip: g.contextNip, permissions: [] }));
  for (const p of g.permissions) if (!hit.permissions.includes(p)) hit.permissions.push(p);
  sim.state.touch();
  return hit;
}

export function revokePermissions(sim: Sim, subjectNip: string, contextNip: string): boolean {
  const list = grants(sim);
  const at = list.findIndex((x) => x.subjectNip === subjectNip && x.contextNip === contextNip);
  if (at < 0) return false;
  list.splice(at, 1);
  sim.state.touch();
  return true;
}

export function listPermissions(sim: Sim): PermissionGrant[] {
  return grants(sim).map((g) => ({ ...g, permissions: [...g.permissions] }));
}

/** Does the context (logged-in NIP) hold `permission` for `nip`? Always for its own NIP. */
export function holds(sim: Sim, contextNip: string, nip: string, permission: PermissionName): boolean {
  if (contextNip === nip) return true;
  return grants(sim).some((g) => g.subjectNip === contextNip && g.contextNip === nip && g.permissions.includes(permission));
}
