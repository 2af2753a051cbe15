/**
 * Batch sessions (PROTOCOL §9): open with declared parts, upload each part to a pre-signed URL
 * on this host (no Authorization), close; then the package is decrypted part by part,
 * concatenated, unzipped and every invoice is taken in on its own.
 */
import { aesDecrypt, sha256b64 } from './crypto.ts';
import { apiError, SimHttpError } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { intakeInvoice } from './invoice-intake.ts';
import { MAX_SESSION_INVOICES } from './online-sessions.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import { KEY_ERROR, parseFormCode, sessionOf, unwrapSessionKey } from './session-common.ts';
import { batchWindowOver, sessionStatus } from './session-view.ts';
import type { Sim } from './sim-context.ts';
import type { BatchPart, SessionRecord } from './state.ts';
import { unzip } from './zip.ts';
import { REQUIRES } from './permissions.ts';

const MAX_PARTS = 50;
const MAX_PART_PLAIN = 100_000_000;
const MAX_TOTAL = 5_000_000_000;
const UPLOAD_WINDOW_PER_PART_MS = 20 * 60_000;

function openHandler(sim: Sim, req: SimRequest) {
  const body = parseJson(req);
  const formCode = parseFormCode(sim, body['formCode']);
  const bf = body['batchFile'] as { fileSize?: unknown; fileHash?: unknown; compressionType?: unknown; fileParts?: unknown } | undefined;
  if (!bf || typeof bf.fileSize !== 'number' || typeof bf.fileHash !== 'string' || !Array.isArray(bf.fileParts)) {
    throw apiError(21405, 'Wymagane pole batchFile {fileSize, fileHash, fileParts}.');
  }
  if (bf.fileParts.length === 0) throw apiError(21205, 'Paczka musi mieć co najmniej jedną część.');
  if (bf.fileParts.length > MAX_PARTS) throw apiError(21161, `Paczka może mieć najwyżej ${MAX_PARTS} części (zadeklarowano ${bf.fileParts.length}).`);
  if (bf.fileSize < 1 || bf.fileSize > MAX_TOTAL) throw apiError(21405, 'Rozmiar paczki musi być w zakresie 1 B..5 GB.');
  const compression = bf.compressionType ?? 'Zip';
  if (compression !== 'Zip') throw apiError(21405, `Symulator obsługuje paczki Zip (otrzymano ${String(compression)}).`);
  const parts: BatchPart[] = [];
  for (const p of bf.fileParts as { ordinalNumber?: unknown; fileSize?: unknown; fileHash?: unknown }[]) {
    if (typeof p.ordinalNumber !== 'number' || typeof p.fileSize !== 'number' || typeof p.fileHash !== 'string' || p.fileSize < 1) {
      throw apiError(21405, 'Każda część wymaga ordinalNumber, fileSize i fileHash.');
    }
    // An encrypted part is at most one AES block larger than the plain part (PKCS#7).
    if (p.fileSize > MAX_PART_PLAIN + 16) throw apiError(21157, `Rozmiar części ${p.ordinalNumber} przekroczył dozwolony rozmiar 100MB.`);
    parts.push({ ordinalNumber: p.ordinalNumber, fileSize: p.fileSize, fileHash: p.fileHash, uploaded: false });
  }
  const ordinals = parts.map((p) => p.ordinalNumber).sort((a, b) => a - b);
  if (ordinals.some((n, i) => n !== i + 1)) throw apiError(21405, 'Numery części muszą być kolejnymi liczbami od 1.');
  const key = unwrapSessionKey(sim, body['encryption']);
  const now = sim.now();
  const op = sim.state.authOps.get(req.auth!.ref);
  const ref = referenceNumber('SB', now);
  const validUntil = now + parts.length * UPLOAD_WINDOW_PER_PART_MS;
  const session: SessionRecord = {
    referenceNumber: ref,
    kind: 'Batch',
    nip: req.auth!['context-identifier-value'],
    authReferenceNumber: req.auth!.ref,
    ...(op?.tokenReferenceNumber ? { tokenReferenceNumber: op.tokenReferenceNumber } : {}),
    formCode,
    ...(key.aesKey ? { aesKey: key.aesKey } : {}),
    iv: key.iv,
    offlineMode: body['offlineMode'] === true,
    dateCreated: now,
    dateUpdated: now,
    validUntil,
    batch: { fileSize: bf.fileSize, fileHash: bf.fileHash, compressionType: 'Zip', parts },
    invoiceRefs: [],
  };
  sim.state.addSession(session);
  return {
    status: 201,
    json: {
      referenceNumber: ref,
      partUploadRequests: parts.map((p) => ({
        ordinalNumber: p.ordinalNumber,
        method: 'PUT',
        url: sim.signedUrl(`/storage/batch/${ref}/${p.ordinalNumber}`, validUntil),
        headers: { 'x-ms-blob-type': 'BlockBlob' },
      })),
    },
  };
}

/** PUT of one encrypted part to its pre-signed URL. Storage answers 201, 400, 401 or 403. */
export function uploadPart(sim: Sim, ref: string, ordinal: number, body: Buffer): { status: number; text?: string } {
  const session = sim.state.sessions.get(ref);
  const part = session?.batch?.parts.find((p) => p.ordinalNumber === ordinal);
  if (!session || !part) return { status: 400, text: 'Unknown upload target.' };
  if (session.closedAt !== undefined || batchWindowOver(sim, session)) return { status: 403, text: 'Upload window is over.' };
  let parts = sim.batchUploads.get(ref);
  if (!parts) sim.batchUploads.set(ref, (parts = new Map()));
  parts.set(ordinal, body);
  part.uploaded = true;
  sim.state.touch();
  return { status: 201 };
}

function closeHandler(sim: Sim, req: SimRequest) {
  const session = sessionOf(sim, req, 'Batch');
  const now = sim.now();
  if (session.closedAt === undefined && !session.failure && batchWindowOver(sim, session)) {
    // the session already reads 440 (cancelled); the close is refused with the time-out code
    throw apiError(21208, 'Przekroczono czas oczekiwania na przesłanie części paczki; sesja została anulowana.');
  }
  const status = sessionStatus(sim, session);
  if (session.closedAt !== undefined || (status.code !== 100 && !(session.failure?.code === 415))) {
    throw apiError(21180, `Status sesji (${status.code}) uniemożliwia wykonanie operacji.`);
  }
  const uploads = sim.batchUploads.get(session.referenceNumber) ?? new Map<number, Buffer>();
  const errors = [];
  for (const p of session.batch!.parts) {
    const data = uploads.get(p.ordinalNumber);
    if (!data) errors.push({ code: 21205, description: 'Pakiet nie może być pusty.', details: [`Nie przesłano zadeklarowanej części ${p.ordinalNumber}.`] });
    else if (data.length !== p.fileSize) errors.push({ code: 21157, description: 'Nieprawidłowy rozmiar części pakietu.', details: [`Część ${p.ordinalNumber}: zadeklarowano ${p.fileSize} B, przesłano ${data.length} B.`] });
  }
  if (errors.length > 0) throw new SimHttpError(400, errors);
  session.closedAt = now;
  session.dateUpdated = now;
  sim.state.touch();
  sim.track(processBatch(sim, session, uploads));
  return { status: 204 };
}

async function processBatch(sim: Sim, session: SessionRecord, uploads: Map<number, Buffer>): Promise<void> {
  const fail = (code: number, description: string, ...details: string[]): void => {
    session.failure = { code, description, ...(details.length ? { details } : {}) };
  };
  try {
    if (!session.aesKey) return fail(KEY_ERROR.code, KEY_ERROR.description);
    const key = Buffer.from(session.aesKey, 'base64');
    const iv = Buffer.from(session.iv, 'base64');
    const plainParts: Buffer[] = [];
    for (const p of [...session.batch!.parts].sort((a, b) => a.ordinalNumber - b.ordinalNumber)) {
      const data = uploads.get(p.ordinalNumber)!;
      if (sha256b64(data) !== p.fileHash) return fail(405, 'Błąd weryfikacji poprawności dostarczonych elementów paczki', `Skrót części ${p.ordinalNumber} nie zgadza się z deklaracją.`);
      const plain = aesDecrypt(key, iv, data);
      if (!plain) return fail(435, 'Błąd odszyfrowania zaszyfrowanych części archiwum', `Nie udało się odszyfrować części ${p.ordinalNumber}.`);
      plainParts.push(plain);
    }
    const archive = Buffer.concat(plainParts);
    if (archive.length !== session.batch!.fileSize || sha256b64(archive) !== session.batch!.fileHash) {
      return fail(405, 'Błąd weryfikacji poprawności dostarczonych elementów paczki', 'Rozmiar lub skrót złożonej paczki nie zgadza się z deklaracją batchFile.');
    }
    let entries;
    try {
      entries = await unzip(archive);
    } catch {
      return fail(430, 'Błąd dekompresji pierwotnego archiwum');
    }
    if (entries.length === 0) return fail(440, 'Sesja anulowana', 'Nie przesłano faktur');
    if (entries.length > MAX_SESSION_INVOICES) return fail(420, 'Przekroczony limit faktur w sesji', `Paczka zawiera ${entries.length} faktur (limit ${MAX_SESSION_INVOICES}).`);
    const receivedAt = sim.now();
    for (const e of entries) {
      await intakeInvoice(sim, session, e.data, { receivedAt, invoicingDate: session.dateCreated, fileName: e.name.slice(0, 128), offlineMode: session.offlineMode });
    }
  } catch (err) {
    fail(500, 'Nieznany błąd', err instanceof Error ? err.message : String(err));
  } finally {
    session.processed = true;
    session.dateUpdated = sim.now();
    sim.batchUploads.delete(session.referenceNumber);
    sim.state.touch();
    sim.state.flush();
  }
}

export const batchRoutes: Route[] = [
  route('POST', '/sessions/batch', 'batchSession', 'access', openHandler, REQUIRES.batchSession),
  route('POST', '/sessions/batch/{referenceNumber}/close', 'batchSession', 'access', closeHandler, REQUIRES.batchSession),
];
