/** Online (interactive) sessions: open, send, close (PROTOCOL §5). */
import { aesDecrypt, decodeBase64, sha256b64 } from './crypto.ts';
import { apiError } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { intakeInvoice } from './invoice-intake.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import { KEY_ERROR, parseFormCode, sessionOf, unwrapSessionKey } from './session-common.ts';
import { sessionStatus } from './session-view.ts';
import type { Sim } from './sim-context.ts';
import type { SessionRecord } from './state.ts';
import { REQUIRES } from './permissions.ts';

const SESSION_TTL_MS = 12 * 3_600_000;
export const MAX_SESSION_INVOICES = 10_000;

function openHandler(sim: Sim, req: SimRequest) {
  const body = parseJson(req);
  const formCode = parseFormCode(sim, body['formCode']);
  const key = unwrapSessionKey(sim, body['encryption']);
  const now = sim.now();
  const op = sim.state.authOps.get(req.auth!.ref);
  const session: SessionRecord = {
    referenceNumber: referenceNumber('SO', now),
    kind: 'Online',
    nip: req.auth!['context-identifier-value'],
    authReferenceNumber: req.auth!.ref,
    ...(op?.tokenReferenceNumber ? { tokenReferenceNumber: op.tokenReferenceNumber } : {}),
    formCode,
    ...(key.aesKey ? { aesKey: key.aesKey } : { failure: KEY_ERROR }),
    iv: key.iv,
    offlineMode: false,
    dateCreated: now,
    dateUpdated: now,
    validUntil: now + SESSION_TTL_MS,
    invoiceRefs: [],
  };
  sim.state.addSession(session);
  return { status: 201, json: { referenceNumber: session.referenceNumber, validUntil: sim.iso(session.validUntil) } };
}

function requireOpen(sim: Sim, session: SessionRecord): void {
  const status = sessionStatus(sim, session);
  if (status.code !== 100) throw apiError(21180, `Status sesji (${status.code}) uniemożliwia wykonanie operacji.`);
}

async function sendHandler(sim: Sim, req: SimRequest) {
  const session = sessionOf(sim, req, 'Online');
  requireOpen(sim, session);
  if (session.invoiceRefs.length >= MAX_SESSION_INVOICES) throw apiError(21155, `Sesja może zawierać najwyżej ${MAX_SESSION_INVOICES} faktur.`);
  const body = parseJson(req);
  const content = decodeBase64(body['encryptedInvoiceContent']);
  const sizes = ['invoiceSize', 'encryptedInvoiceSize'].map((k) => body[k]);
  const hashes = ['invoiceHash', 'encryptedInvoiceHash'].map((k) => body[k]);
  if (!content || sizes.some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1) || hashes.some((h) => typeof h !== 'string' || h.length !== 44)) {
    throw apiError(21405, 'Wymagane pola: invoiceHash, invoiceSize, encryptedInvoiceHash, encryptedInvoiceSize, encryptedInvoiceContent.');
  }
  if (body['encryptedInvoiceSize'] !== content.length) throw apiError(21402, `Zadeklarowany rozmiar zaszyfrowanej faktury ${String(body['encryptedInvoiceSize'])} B różni się od rzeczywistego ${content.length} B.`);
  if (body['encryptedInvoiceHash'] !== sha256b64(content)) throw apiError(21403, 'Skrót zaszyfrowanej faktury nie zgadza się z zawartością.');
  const plain = aesDecrypt(Buffer.from(session.aesKey!, 'base64'), Buffer.from(session.iv, 'base64'), content);
  if (plain) {
    if (body['invoiceSize'] !== plain.length) throw apiError(21402, `Zadeklarowany rozmiar faktury ${String(body['invoiceSize'])} B różni się od rzeczywistego ${plain.length} B.`);
    if (body['invoiceHash'] !== sha256b64(plain)) throw apiError(21403, 'Skrót faktury nie zgadza się z odszyfrowaną zawartością.');
  }
  const now = sim.now();
  if (!plain) {
    const ref = referenceNumber('EE', now);
    session.invoiceRefs.push(ref);
    sim.state.addSessionInvoice({
      referenceNumber: ref, sessionReferenceNumber: session.referenceNumber, ordinalNumber: session.invoiceRefs.length,
      invoiceHash: String(body['invoiceHash']), receivedAt: now, invoicingMode: 'Online',
      final: { code: 435, description: 'Błąd odszyfrowania pliku', details: ['Nie udało się odszyfrować faktury kluczem sesji.'] },
    });
    return { status: 202, json: { referenceNumber: ref } };
  }
  const inv = await intakeInvoice(sim, session, plain, { receivedAt: now, invoicingDate: now, offlineMode: body['offlineMode'] === true });
  return { status: 202, json: { referenceNumber: inv.referenceNumber } };
}

function closeHandler(sim: Sim, req: SimRequest) {
  const session = sessionOf(sim, req, 'Online');
  requireOpen(sim, session);
  session.closedAt = sim.now();
  session.dateUpdated = session.closedAt;
  sim.state.touch();
  return { status: 204 };
}

export const onlineRoutes: Route[] = [
  route('POST', '/sessions/online', 'onlineSession', 'access', openHandler, REQUIRES.onlineSession),
  route('POST', '/sessions/online/{referenceNumber}/invoices', 'invoiceSend', 'access', sendHandler, REQUIRES.onlineSession),
  route('POST', '/sessions/online/{referenceNumber}/close', 'onlineSession', 'access', closeHandler, REQUIRES.onlineSession),
];
