/**
 * How sessions and their invoices look at a given moment: statuses move 100 → 150 → final as the
 * processing delay passes; session UPO pages appear once everything is processed (plus any slow-UPO
 * fault). Pure reads except for creating UPO page references the first time they are due.
 */
import { referenceNumber } from './ids.ts';
import type { Sim } from './sim-context.ts';
import type { SessionInvoice, SessionRecord, StatusInfo, StoredInvoice } from './state.ts';

export const UPO_PAGE_SIZE = 10_000;
const URL_TTL_MS = 60 * 60_000;

export function invoiceVisibleStatus(sim: Sim, inv: SessionInvoice): StatusInfo {
  const done = inv.receivedAt + sim.opts.processingDelayMs;
  const now = sim.now();
  if (now >= done) return inv.final;
  return now < inv.receivedAt + sim.opts.processingDelayMs / 2
    ? { code: 100, description: 'Faktura przyjęta do dalszego przetwarzania' }
    : { code: 150, description: 'Trwa przetwarzanie' };
}

export function invoiceUpoReady(sim: Sim, inv: SessionInvoice): boolean {
  return invoiceVisibleStatus(sim, inv).code === 200 && sim.now() >= inv.receivedAt + sim.opts.processingDelayMs + sim.faults.upoDelayMs;
}

export function invoiceJson(sim: Sim, session: SessionRecord, inv: SessionInvoice): Record<string, unknown> {
  const status = invoiceVisibleStatus(sim, inv);
  const stored: StoredInvoice | undefined = status.code === 200 && inv.ksefNumber ? sim.state.invoices.get(inv.ksefNumber) : undefined;
  const invoicingDate = session.kind === 'Batch' ? session.dateCreated : inv.receivedAt;
  const out: Record<string, unknown> = {
    ordinalNumber: inv.ordinalNumber,
    ...(inv.invoiceNumber ? { invoiceNumber: inv.invoiceNumber } : {}),
    referenceNumber: inv.referenceNumber,
    invoiceHash: inv.invoiceHash,
    ...(inv.invoiceFileName ? { invoiceFileName: inv.invoiceFileName } : {}),
    invoicingDate: sim.iso(invoicingDate),
    invoicingMode: inv.invoicingMode,
    status,
  };
  if (stored) {
    out['ksefNumber'] = stored.ksefNumber;
    out['acquisitionDate'] = sim.iso(stored.acquisitionDate);
    if (sim.now() >= stored.permanentStorageDate) out['permanentStorageDate'] = sim.iso(stored.permanentStorageDate);
    if (invoiceUpoReady(sim, inv)) {
      const expires = sim.now() + URL_TTL_MS;
      out['upoDownloadUrl'] = sim.signedUrl(`/storage/upo/${session.referenceNumber}/${inv.referenceNumber}`, expires);
      out['upoDownloadUrlExpirationDate'] = sim.iso(expires);
    }
  }
  return out;
}

export function sessionInvoices(sim: Sim, session: SessionRecord): SessionInvoice[] {
  return session.invoiceRefs.map((r) => sim.state.sessionInvoices.get(r)!).filter(Boolean);
}

interface Counts {
  total: number;
  ok: number;
  failed: number;
  pending: number;
}

function counts(sim: Sim, session: SessionRecord): Counts {
  const c: Counts = { total: 0, ok: 0, failed: 0, pending: 0 };
  for (const inv of sessionInvoices(sim, session)) {
    c.total++;
    const code = invoiceVisibleStatus(sim, inv).code;
    if (code === 200) c.ok++;
    else if (code === 100 || code === 150) c.pending++;
    else c.failed++;
  }
  return c;
}

/** A batch session never closed whose upload window is over: KSeF cancels it, nothing is processed. */
export const BATCH_TIMED_OUT: StatusInfo = { code: 440, description: 'Sesja anulowana', details: ['Przekroczono czas wysyłki'] };

/** The upload window of a batch session (parts × 20 min from the open) has ended: [open, validUntil). */
export function batchWindowOver(sim: Sim, session: SessionRecord): boolean {
  return session.kind === 'Batch' && sim.now() >= session.validUntil;
}

/** When the session stopped taking invoices (explicit close or end of its lifetime), if it has. */
export function closedAt(sim: Sim, session: SessionRecord): number | undefined {
  if (session.closedAt !== undefined) return session.closedAt;
  if (session.kind === 'Online' && sim.now() >= session.validUntil) return session.validUntil;
  return undefined;
}

export function sessionStatus(sim: Sim, session: SessionRecord): StatusInfo {
  if (session.failure) return session.failure;
  const closed = closedAt(sim, session);
  const c = counts(sim, session);
  const now = sim.now();
  if (closed === undefined) {
    if (session.kind === 'Online') return { code: 100, description: 'Sesja interaktywna otwarta' };
    return batchWindowOver(sim, session) ? BATCH_TIMED_OUT : { code: 100, description: 'Sesja wsadowa rozpoczęta' };
  }
  const processing = session.kind === 'Online' ? { code: 170, description: 'Sesja interaktywna zamknięta' } : { code: 150, description: 'Trwa przetwarzanie' };
  if (session.kind === 'Batch' && !session.processed) return processing;
  if (c.pending > 0 || now < closed + sim.opts.processingDelayMs) return processing;
  if (c.total === 0) return { code: 440, description: 'Sesja anulowana', details: ['Nie przesłano faktur'] };
  if (c.ok === 0) return { code: 445, description: 'Błąd weryfikacji, brak poprawnych faktur' };
  if (now < closed + sim.opts.processingDelayMs + sim.faults.upoDelayMs) return processing;
  return {
    code: 200,
    description: session.kind === 'Online' ? 'Sesja interaktywna przetworzona pomyślnie' : 'Sesja wsadowa przetworzona pomyślnie',
  };
}

/** The accepted documents of a session, in ordinal order. */
export function acceptedDocuments(sim: Sim, session: SessionRecord): StoredInvoice[] {
  return sessionInvoices(sim, session)
    .filter((i) => i.final.code === 200 && i.ksefNumber)
    .map((i) => sim.state.invoices.get(i.ksefNumber!)!)
    .filter(Boolean);
}

export function ensureUpoPages(sim: Sim, session: SessionRecord): void {
  if (session.upoPages) return;
  const docs = acceptedDocuments(sim, session);
  const pages = [];
  for (let i = 0; i < docs.length; i += UPO_PAGE_SIZE) {
    pages.push({ referenceNumber: referenceNumber('EU', sim.now()), ksefNumbers: docs.slice(i, i + UPO_PAGE_SIZE).map((d) => d.ksefNumber) });
  }
  session.upoPages = pages;
  sim.state.touch();
}

export function sessionJson(sim: Sim, session: SessionRecord): Record<string, unknown> {
  const status = sessionStatus(sim, session);
  const c = counts(sim, session);
  const out: Record<string, unknown> = {
    status,
    dateCreated: sim.iso(session.dateCreated),
    dateUpdated: sim.iso(session.dateUpdated),
    ...(session.kind === 'Online' ? { validUntil: sim.iso(session.validUntil) } : {}),
    invoiceCount: c.total,
    successfulInvoiceCount: c.ok,
    failedInvoiceCount: c.failed,
  };
  if (status.code === 200) {
    ensureUpoPages(sim, session);
    const expires = sim.now() + URL_TTL_MS;
    out['upo'] = {
      pages: session.upoPages!.map((p) => ({
        referenceNumber: p.referenceNumber,
        downloadUrl: sim.signedUrl(`/storage/session-upo/${session.referenceNumber}/${p.referenceNumber}`, expires),
        downloadUrlExpirationDate: sim.iso(expires),
      })),
    };
  }
  return out;
}

export function sessionListItem(sim: Sim, session: SessionRecord): Record<string, unknown> {
  const c = counts(sim, session);
  return {
    referenceNumber: session.referenceNumber,
    status: sessionStatus(sim, session),
    dateCreated: sim.iso(session.dateCreated),
    dateUpdated: sim.iso(session.dateUpdated),
    ...(session.kind === 'Online' ? { validUntil: sim.iso(session.validUntil) } : {}),
    totalInvoiceCount: c.total,
    successfulInvoiceCount: c.ok,
    failedInvoiceCount: c.failed,
  };
}
