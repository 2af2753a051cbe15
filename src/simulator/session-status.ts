/** Session and invoice status, listings and UPO downloads (PROTOCOL §6–7). */
import { sha256b64 } from './crypto.ts';
import { apiError } from './http-errors.ts';
import { route, type Route, type SimReply, type SimRequest } from './router.ts';
import { decodeContinuation, encodeContinuation, pageSizeOf, sessionOf } from './session-common.ts';
import {
  ensureUpoPages, invoiceJson, invoiceUpoReady, invoiceVisibleStatus, sessionInvoices, sessionJson, sessionListItem, sessionStatus, UPO_PAGE_SIZE,
} from './session-view.ts';
import type { Sim } from './sim-context.ts';
import type { SessionInvoice, SessionRecord } from './state.ts';
import { buildUpo } from './upo.ts';
import { REQUIRES } from './permissions.ts';

function listInvoices(sim: Sim, req: SimRequest, onlyFailed: boolean) {
  const session = sessionOf(sim, req);
  const pageSize = pageSizeOf(req.query, 10, 1000, 10);
  const offset = decodeContinuation(req.headers['x-continuation-token']);
  let all = sessionInvoices(sim, session);
  if (onlyFailed) all = all.filter((i) => invoiceVisibleStatus(sim, i).code >= 400);
  const page = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? encodeContinuation(offset + pageSize) : null;
  return { status: 200, json: { continuationToken: next, invoices: page.map((i) => invoiceJson(sim, session, i)) } };
}

function invoiceOf(sim: Sim, session: SessionRecord, ref: string): SessionInvoice {
  const inv = sim.state.sessionInvoices.get(ref);
  if (!inv || inv.sessionReferenceNumber !== session.referenceNumber) throw apiError(21405, `Brak faktury ${ref} w sesji ${session.referenceNumber}.`);
  return inv;
}

export function invoiceUpoXml(sim: Sim, session: SessionRecord, inv: SessionInvoice): string | undefined {
  if (!invoiceUpoReady(sim, inv)) return undefined;
  const doc = sim.state.invoices.get(inv.ksefNumber!);
  return doc ? buildUpo(session, [doc]) : undefined;
}

export function sessionUpoXml(sim: Sim, session: SessionRecord, upoRef: string): string | undefined {
  if (sessionStatus(sim, session).code !== 200) return undefined;
  ensureUpoPages(sim, session);
  const pages = session.upoPages!;
  const index = pages.findIndex((p) => p.referenceNumber === upoRef);
  if (index < 0) return undefined;
  const docs = pages[index]!.ksefNumbers.map((k) => sim.state.invoices.get(k)!);
  const total = pages.reduce((n, p) => n + p.ksefNumbers.length, 0);
  const from = index * UPO_PAGE_SIZE + 1;
  return buildUpo(session, docs, { page: index + 1, pages: pages.length, from, to: from + docs.length - 1, total });
}

export function xmlReply(xml: string | undefined): SimReply {
  if (xml === undefined) throw apiError(21178, 'UPO nie jest (jeszcze) dostępne.');
  return { status: 200, xml, headers: { 'x-ms-meta-hash': sha256b64(Buffer.from(xml, 'utf8')) } };
}

const STATUS_GROUPS: Record<string, (code: number) => boolean> = {
  InProgress: (c) => c === 100 || c === 150 || c === 170,
  Succeeded: (c) => c === 200,
  Cancelled: (c) => c === 440,
  Failed: (c) => c >= 400 && c !== 440,
};

function listSessions(sim: Sim, req: SimRequest) {
  const type = req.query.get('sessionType');
  if (type !== 'Online' && type !== 'Batch') throw apiError(21405, 'Parametr sessionType (Online|Batch) jest wymagany.');
  const pageSize = pageSizeOf(req.query, 10, 1000, 10);
  const offset = decodeContinuation(req.headers['x-continuation-token']);
  const q = req.query;
  const time = (name: string): number | undefined => (q.get(name) ? Date.parse(q.get(name)!) : undefined);
  const [cFrom, cTo, mFrom, mTo, clFrom, clTo] = ['dateCreatedFrom', 'dateCreatedTo', 'dateModifiedFrom', 'dateModifiedTo', 'dateClosedFrom', 'dateClosedTo'].map(time);
  const statuses = q.getAll('statuses').flatMap((s) => s.split(',')).filter(Boolean);
  const all = sim.state.data.sessions.filter((s) => {
    if (s.kind !== type || s.nip !== req.auth!['context-identifier-value']) return false;
    if (q.get('referenceNumber') && s.referenceNumber !== q.get('referenceNumber')) return false;
    if ((cFrom !== undefined && s.dateCreated < cFrom) || (cTo !== undefined && s.dateCreated > cTo)) return false;
    if ((mFrom !== undefined && s.dateUpdated < mFrom) || (mTo !== undefined && s.dateUpdated > mTo)) return false;
    if (clFrom !== undefined || clTo !== undefined) {
      if (s.closedAt === undefined || (clFrom !== undefined && s.closedAt < clFrom) || (clTo !== undefined && s.closedAt > clTo)) return false;
    }
    if (statuses.length > 0) {
      const code = sessionStatus(sim, s).code;
      if (!statuses.some((name) => STATUS_GROUPS[name]?.(code))) return false;
    }
    return true;
  });
  const page = all.slice(offset, offset + pageSize);
  const next = offset + pageSize < all.length ? encodeContinuation(offset + pageSize) : null;
  return { status: 200, json: { continuationToken: next, sessions: page.map((s) => sessionListItem(sim, s)) } };
}

const routes: Route[] = [
  route('GET', '/sessions', 'sessionList', 'access', listSessions),
  route('GET', '/sessions/{referenceNumber}', 'sessionMisc', 'access', (sim, req) => ({ status: 200, json: sessionJson(sim, sessionOf(sim, req)) })),
  route('GET', '/sessions/{referenceNumber}/invoices', 'sessionInvoiceList', 'access', (sim, req) => listInvoices(sim, req, false)),
  route('GET', '/sessions/{referenceNumber}/invoices/failed', 'sessionInvoiceList', 'access', (sim, req) => listInvoices(sim, req, true)),
  route('GET', '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}', 'invoiceStatus', 'access', (sim, req) => {
    const session = sessionOf(sim, req);
    return { status: 200, json: invoiceJson(sim, session, invoiceOf(sim, session, req.params['invoiceReferenceNumber']!)) };
  }),
  route('GET', '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo', 'sessionMisc', 'access', (sim, req) => {
    const session = sessionOf(sim, req);
    const inv = sim.state.sessionInvoices.get(req.params['invoiceReferenceNumber']!);
    return xmlReply(inv && inv.sessionReferenceNumber === session.referenceNumber ? invoiceUpoXml(sim, session, inv) : undefined);
  }),
  route('GET', '/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo', 'sessionMisc', 'access', (sim, req) => {
    const session = sessionOf(sim, req);
    const inv = sessionInvoices(sim, session).find((i) => i.ksefNumber === req.params['ksefNumber']);
    return xmlReply(inv ? invoiceUpoXml(sim, session, inv) : undefined);
  }),
  route('GET', '/sessions/{referenceNumber}/upo/{upoReferenceNumber}', 'sessionMisc', 'access', (sim, req) =>
    xmlReply(sessionUpoXml(sim, sessionOf(sim, req), req.params['upoReferenceNumber']!)),
  ),
];

export const statusRoutes: Route[] = routes.map((r) => ({ ...r, requires: r.template === '/sessions' ? REQUIRES.sessionList : REQUIRES.sessionRead }));
