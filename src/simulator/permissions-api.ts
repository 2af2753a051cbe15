/**
 * The part of KSeF's /permissions API (openapi tag "Uprawnienia") that granting invoice permissions
 * needs: grant to a person (NIP, PESEL or certificate fingerprint) or to an entity (NIP) in the
 * current context, the operation status, the query of grants in the current context and of grants
 * the context received, and revoking one permission by its id. Granting and revoking need
 * CredentialsManage, querying CredentialsRead or CredentialsManage (declared on the routes and checked
 * by the server, permissions.ts: a login through a grant holds only what was granted, so 403
 * missing-permissions as in KSeF). Operations finish at
 * once (status 200). Indirect, subunit, EU-entity and authorization grants are not modelled.
 */
import { apiError } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { grantPermissions, listPermissions, PERMISSION_NAMES, revokePermissionById, type PermissionName, type StoredGrant, type SubjectType } from './permissions.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import type { Sim } from './sim-context.ts';

const ENTITY_PERMISSIONS: readonly PermissionName[] = ['InvoiceWrite', 'InvoiceRead'];

/** The context and who acts in it (the signer of a signature login, else the context itself). */
function caller(sim: Sim, req: SimRequest): { contextNip: string; author: { type: SubjectType; value: string } } {
  const contextNip = String(req.auth!['context-identifier-value']);
  const op = sim.state.authOps.get(String(req.auth!['ref']));
  const author = op?.signer?.identifier ?? { type: 'Nip' as const, value: contextNip };
  return { contextNip, author };
}

function finished(sim: Sim, contextNip: string): { status: number; json: { referenceNumber: string } } {
  const now = sim.now();
  const ref = referenceNumber('EG', now);
  (sim.state.data.permissionOps ??= []).push({ referenceNumber: ref, contextNip, createdAt: now, status: { code: 200, description: 'Operacja zakończona sukcesem' } });
  sim.state.touch();
  return { status: 202, json: { referenceNumber: ref } };
}

function description(body: Record<string, unknown>): string {
  const d = body['description'];
  if (typeof d !== 'string' || d.length < 5 || d.length > 256) throw apiError(21405, 'description: wymagany tekst o długości 5..256.');
  return d;
}

function personsGrant(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const body = parseJson(req);
  const id = body['subjectIdentifier'] as { type?: unknown; value?: unknown } | undefined;
  const perms = body['permissions'];
  const details = body['subjectDetails'] as { subjectDetailsType?: unknown } | undefined;
  if (!id || !['Nip', 'Pesel', 'Fingerprint'].includes(String(id.type)) || typeof id.value !== 'string') throw apiError(21405, 'subjectIdentifier: wymagane {type: Nip|Pesel|Fingerprint, value}.');
  if (!Array.isArray(perms) || perms.length === 0 || perms.some((p) => !(PERMISSION_NAMES as readonly unknown[]).includes(p)) || new Set(perms).size !== perms.length) {
    throw apiError(21405, `permissions: niepusta lista bez powtórzeń z ${PERMISSION_NAMES.join(', ')}.`);
  }
  if (!details || typeof details.subjectDetailsType !== 'string') throw apiError(21405, 'subjectDetails.subjectDetailsType jest wymagane.');
  const text = description(body);
  try {
    grantPermissions(sim, { subjectNip: id.value, subjectType: id.type as SubjectType, contextNip: c.contextNip, permissions: perms as PermissionName[] }, { kind: 'person', description: text, author: c.author });
  } catch (e) {
    throw apiError(21405, e instanceof Error ? e.message : String(e));
  }
  return finished(sim, c.contextNip);
}

function entitiesGrant(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const body = parseJson(req);
  const id = body['subjectIdentifier'] as { type?: unknown; value?: unknown } | undefined;
  const perms = body['permissions'] as { type?: unknown }[] | undefined;
  const details = body['subjectDetails'] as { fullName?: unknown } | undefined;
  if (!id || id.type !== 'Nip' || typeof id.value !== 'string' || !/^\d{10}$/.test(id.value)) throw apiError(21405, 'subjectIdentifier: wymagane {type: Nip, value: 10 cyfr}.');
  const names = Array.isArray(perms) ? perms.map((p) => p?.type) : [];
  if (names.length === 0 || names.some((n) => !ENTITY_PERMISSIONS.includes(n as PermissionName)) || new Set(names).size !== names.length) {
    throw apiError(21405, 'permissions: niepusta lista [{type: InvoiceWrite|InvoiceRead, canDelegate?}] bez powtórzeń.');
  }
  if (!details || typeof details.fullName !== 'string' || details.fullName.length < 5 || details.fullName.length > 90) throw apiError(21405, 'subjectDetails.fullName: wymagany tekst o długości 5..90.');
  if (id.value === c.contextNip) throw apiError(21405, 'Podmiot nie może nadać uprawnień samemu sobie.');
  grantPermissions(sim, { subjectNip: id.value, contextNip: c.contextNip, permissions: names as PermissionName[] }, { kind: 'entity', description: description(body), author: c.author });
  return finished(sim, c.contextNip);
}

function revoke(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const id = req.params['permissionId']!;
  if (id.length !== 36) throw apiError(21405, 'permissionId: 36 znaków.');
  if (!revokePermissionById(sim, c.contextNip, id)) throw apiError(21405, `Nie znaleziono uprawnienia ${id} w bieżącym kontekście.`);
  return finished(sim, c.contextNip);
}

function operationStatus(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const op = sim.state.data.permissionOps?.find((o) => o.referenceNumber === req.params['referenceNumber'] && o.contextNip === c.contextNip);
  if (!op) throw apiError(21405, 'Nie znaleziono operacji o podanym numerze referencyjnym.');
  return { status: 200, json: { status: op.status } };
}

function page<T>(req: SimRequest, items: T[]): { items: T[]; hasMore: boolean } {
  const pageSize = req.query.has('pageSize') ? Number(req.query.get('pageSize')) : 10;
  const pageOffset = req.query.has('pageOffset') ? Number(req.query.get('pageOffset')) : 0;
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 100) throw apiError(21405, 'pageSize musi być z zakresu 10..100.');
  if (!Number.isInteger(pageOffset) || pageOffset < 0) throw apiError(21405, 'pageOffset musi być liczbą nieujemną.');
  const start = pageOffset * pageSize;
  return { items: items.slice(start, start + pageSize), hasMore: items.length > start + pageSize };
}

/** One row per permission, newest grant first, as the openapi sorts (startDate Desc, id Asc). */
function rows(sim: Sim, list: StoredGrant[]): { g: StoredGrant; scope: PermissionName; id: string }[] {
  return list
    .flatMap((g) => g.permissions.map((scope) => ({ g, scope, id: g.ids?.[scope] ?? '' })))
    .filter((r) => r.id)
    .sort((a, b) => (b.g.startDate ?? 0) - (a.g.startDate ?? 0) || a.id.localeCompare(b.id));
}

type Row = ReturnType<typeof rows>[number];

/** One page of permission rows: the fields every query answer shares, plus those of its kind. */
function pageOf(sim: Sim, req: SimRequest, list: Row[], fields: (r: Row) => Record<string, unknown>) {
  const p = page(req, list);
  const permissions = p.items.map((r) => ({
    id: r.id,
    ...fields(r),
    permissionScope: r.scope,
    description: r.g.description ?? 'Uprawnienie nadane w symulatorze',
    startDate: sim.iso(r.g.startDate ?? 0),
    canDelegate: false,
  }));
  return { status: 200, json: { permissions, hasMore: p.hasMore } };
}

function queryPersons(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const body = parseJson(req);
  const queryType = body['queryType'];
  if (queryType !== 'PermissionsInCurrentContext' && queryType !== 'PermissionsGrantedInCurrentContext') throw apiError(21405, 'queryType: PermissionsInCurrentContext|PermissionsGrantedInCurrentContext.');
  const who = body['authorizedIdentifier'] as { type?: unknown; value?: unknown } | undefined | null;
  const types = Array.isArray(body['permissionTypes']) ? (body['permissionTypes'] as string[]) : undefined;
  const list = rows(sim, listPermissions(sim).filter((g) => g.contextNip === c.contextNip))
    .filter((r) => !who || (r.g.subjectNip === String(who.value ?? '').toUpperCase() && (r.g.subjectType ?? 'Nip') === who.type))
    .filter((r) => !types || types.includes(r.scope))
    .filter((r) => queryType === 'PermissionsInCurrentContext' || (r.g.author?.type === c.author.type && r.g.author.value === c.author.value));
  return pageOf(sim, req, list, (r) => ({
    authorizedIdentifier: { type: r.g.subjectType ?? 'Nip', value: r.g.subjectNip },
    authorIdentifier: r.g.author ?? { type: 'Nip', value: c.contextNip },
    permissionState: 'Active',
  }));
}

/** Invoice permissions the current context (as an entity) received from other contexts. */
function queryEntities(sim: Sim, req: SimRequest) {
  const c = caller(sim, req);
  const from = (parseJson(req)['contextIdentifier'] as { value?: unknown } | undefined)?.value;
  const list = rows(sim, listPermissions(sim).filter((g) => (g.subjectType ?? 'Nip') === 'Nip' && g.subjectNip === c.contextNip && (from === undefined || g.contextNip === from)))
    .filter((r) => ENTITY_PERMISSIONS.includes(r.scope));
  return pageOf(sim, req, list, (r) => ({ contextIdentifier: { type: 'Nip', value: r.g.contextNip } }));
}

export const permissionRoutes: Route[] = [
  route('POST', '/permissions/persons/grants', 'other', 'access', personsGrant, ['CredentialsManage']),
  route('POST', '/permissions/entities/grants', 'other', 'access', entitiesGrant, ['CredentialsManage']),
  route('DELETE', '/permissions/common/grants/{permissionId}', 'other', 'access', revoke, ['CredentialsManage', 'VatUeManage', 'SubunitManage']),
  route('GET', '/permissions/operations/{referenceNumber}', 'other', 'access', operationStatus),
  route('POST', '/permissions/query/persons/grants', 'other', 'access', queryPersons, ['CredentialsManage', 'CredentialsRead', 'SubunitManage']),
  route('POST', '/permissions/query/entities/grants', 'other', 'access', queryEntities, ['CredentialsManage', 'CredentialsRead']),
];
