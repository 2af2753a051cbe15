import { AgentError, isAgentError } from '../core/errors.ts';
import { invoiceError, invoiceState } from '../ksef/index.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoicePatch, InvoiceRecord, StoredError } from '../store/state-store.ts';
import { writeSentXml, writeUpo } from '../outbox/outbox-files.ts';
import { boundedPool } from '../core/bounded-pool.ts';
import { crashPoint } from './crash-point.ts';
import { readInvoiceXml } from './invoice-xml-files.ts';
import { faContentHash } from '../invoice/content-hash.ts';
import { contentHashOf, reusedNumberError } from './number-reuse.ts';
import type { PipelineContext } from './pipeline-context.ts';

/** A status KSeF gave for one of our invoices (state `sent` or `intent-recorded`). */
export interface KsefOutcome {
  readonly inv: InvoiceRecord;
  readonly ksef: SessionInvoice;
}

/** UPO downloads and outbox writes running at once (pre-signed UPO URLs are not rate-limited). */
export const SETTLE_CONCURRENCY = 8;
/** Invoices settled per store transaction: progress stays visible and a crash redoes little. */
export const SETTLE_CHUNK = 500;

type Settlement =
  | { readonly to: 'accepted'; readonly inv: InvoiceRecord; readonly sessionRef: string; readonly ksef: SessionInvoice; readonly ksefNumber: string; readonly original: boolean }
  | { readonly to: 'rejected'; readonly inv: InvoiceRecord; readonly error: StoredError }
  /** 410: KSeF took nothing (no permission for the seller): back to planned, the company is held */
  | { readonly to: 'refused'; readonly inv: InvoiceRecord; readonly ksef: SessionInvoice };

/** What settling one call's outcomes has learnt so far (shared by its 440 decisions). */
interface DuplicateContext {
  /** invoices KSeF accepted in this call, by KSeF number (their state changes with the rest) */
  readonly acceptedNow: ReadonlyMap<string, InvoiceRecord>;
  /** listings of our own sessions asked for an original's hash, by session reference */
  readonly listings: Map<string, Promise<SessionInvoice[]>>;
}

/**
 * What a final status means for our invoice: accepted → accepted; 440 (KSeF holds an invoice with
 * this seller NIP, kind and number) → decideDuplicate; anything else → rejected with the code and
 * KSeF's text. Undefined while KSeF is still processing.
 */
async function decide(ctx: PipelineContext, inv: InvoiceRecord, ksef: SessionInvoice, dup: DuplicateContext): Promise<Settlement | undefined> {
  const state = invoiceState(ksef.status.code);
  if (state === 'processing') return undefined;
  if (state === 'accepted') return { to: 'accepted', inv, sessionRef: inv.sessionReferenceNumber!, ksef, ksefNumber: ksef.ksefNumber!, original: false };
  if (state === 'duplicate') return decideDuplicate(ctx, inv, ksef, dup);
  if (ksef.status.code === PERMISSION_REFUSED) return { to: 'refused', inv, ksef };
  const err = invoiceError(ksef)!;
  return { to: 'rejected', inv, error: { code: err.code, message: err.message, where: { invoice: inv.number } } };
}

/**
 * A 440 counts as ours only when the original KSeF holds is this invoice's content:
 * - the original is one of our invoices (accepted now or before under that KSeF number, or in
 *   flight in the original's session): same content hash → accepted with the original KSeF number;
 *   other content → rejected, INVOICE_NUMBER_REUSED naming the original and the differences;
 * - else, when the original's session is one we opened (an earlier send of this very invoice whose
 *   outcome was lost), KSeF's listing of that session gives the original's hash: our bytes →
 *   accepted; otherwise rejected;
 * - else someone else's invoice holds the number: rejected, INVOICE_NUMBER_REUSED.
 */
async function decideDuplicate(ctx: PipelineContext, inv: InvoiceRecord, ksef: SessionInvoice, dup: DuplicateContext): Promise<Settlement> {
  const ext = ksef.status.extensions ?? {};
  const originalKsef = typeof ext['originalKsefNumber'] === 'string' ? ext['originalKsefNumber'] : undefined;
  const originalSession = typeof ext['originalSessionReferenceNumber'] === 'string' && ext['originalSessionReferenceNumber'] ? ext['originalSessionReferenceNumber'] : undefined;
  const accepted = (sessionRef: string): Settlement => ({ to: 'accepted', inv, sessionRef, ksef, ksefNumber: originalKsef!, original: true });
  const sameKey = (r: InvoiceRecord) => r.id !== inv.id && r.sellerNip === inv.sellerNip && r.kind === inv.kind && r.number === inv.number;
  const rejected = async (refusedBy: string, earlier?: InvoiceRecord): Promise<Settlement> => {
    const xml = await readInvoiceXml(ctx.company.folders.work, inv.id).catch(() => undefined);
    const e = await reusedNumberError(ctx, {
      number: inv.number, refusedBy,
      ...(originalKsef ? { earlierKsefNumber: originalKsef } : {}),
      ...(earlier ? { earlier } : {}),
      ...(xml ? { xml } : {}),
    });
    return { to: 'rejected', inv, error: { code: e.code, message: e.message, where: { invoice: inv.number } } };
  };
  const refusedBy = `KSeF refused it as a duplicate (status 440)${originalSession ? `, the original having been sent in session ${originalSession}` : ''}`;
  if (originalKsef === undefined) return rejected(refusedBy);

  const known = ctx.store.findAccepted(inv.sellerNip, inv.kind, inv.number);
  const original = dup.acceptedNow.get(originalKsef)
    ?? (known && known.id !== inv.id && known.ksefNumber === originalKsef ? known : undefined)
    ?? (originalSession ? ctx.store.inFlight().find((r) => sameKey(r) && r.sessionReferenceNumber === originalSession) : undefined);
  if (original) {
    const theirs = await contentHashOf(ctx, original);
    const ours = inv.contentHash ?? faContentHash(await readInvoiceXml(ctx.company.folders.work, inv.id));
    if (theirs !== undefined && theirs === ours) return accepted(originalSession ?? original.sessionReferenceNumber ?? inv.sessionReferenceNumber!);
    return rejected(refusedBy, { ...original, ksefNumber: originalKsef });
  }
  if (originalSession && ctx.sessions.has(originalSession)) {
    let listing = dup.listings.get(originalSession);
    if (!listing) dup.listings.set(originalSession, (listing = ctx.client.listSessionInvoices(originalSession)));
    const entry = (await listing).find((k) => k.ksefNumber === originalKsef);
    if (entry?.invoiceHash === inv.hash) return accepted(originalSession);
  }
  return rejected(refusedBy);
}

/** KSeF's invoice status "Nieprawidłowy zakres uprawnień" (PROTOCOL §6, §13). */
const PERMISSION_REFUSED = 410;

/**
 * One error for the invoices KSeF refused in a pass for a missing permission: kind config, so the
 * company is held (CompanyPipeline) until a person grants it; the invoices are planned again.
 */
function permissionMissing(ctx: PipelineContext, refused: readonly KsefOutcome[]): AgentError {
  const { id, nip } = ctx.company;
  const sellers = [...new Set(refused.map((r) => r.inv.sellerNip))];
  const numbers = refused.map((r) => r.inv.number);
  const said = [...new Set(refused.flatMap((r) => r.ksef.status.details ?? [r.ksef.status.description]).map((t) => t.replace(/\.$/, '')))];
  const plural = sellers.length > 1;
  return new AgentError('KSEF_PERMISSION_MISSING',
    `KSeF says company ${id} (NIP ${nip}) has no InvoiceWrite permission for seller NIP${plural ? 's' : ''} ${sellers.join(', ')} ` +
    `(invoice status ${PERMISSION_REFUSED}${said.length ? `: ${said.join(' ')}` : ''}): grant it in KSeF (the client${plural ? 's' : ''} ${sellers.join(', ')} grant${plural ? '' : 's'} NIP ${nip} the InvoiceWrite permission), ` +
    `or remove ${plural ? 'them' : 'it'} from actsFor of company ${id}; invoice${numbers.length > 1 ? 's' : ''} ${numbers.slice(0, 10).join(', ')}${numbers.length > 10 ? ` and ${numbers.length - 10} more` : ''} ${numbers.length > 1 ? 'wait' : 'waits'} unsent and go${numbers.length > 1 ? '' : 'es'} out once it is granted`,
    { kind: 'config', where: { invoice: numbers[0]!, value: sellers.join(', ') }, rule: 'the sender needs the InvoiceWrite permission for the seller NIP in its context' });
}

/** upo/ and sent/ of an accepted invoice (idempotent); returns the facts its state change records. */
async function writeOutbox(ctx: PipelineContext, s: Extract<Settlement, { to: 'accepted' }>): Promise<InvoicePatch> {
  const { inv, ksef, ksefNumber, original } = s;
  const outbox = ctx.company.folders.outbox;
  let upoFile: string | undefined;
  if (ctx.send.upo.download) {
    const upo = original
      ? await ctx.client.getInvoiceUpo(s.sessionRef, { ksefNumber })
      : await ctx.client.getInvoiceUpo(s.sessionRef, {
          invoiceReferenceNumber: ksef.referenceNumber,
          ksefNumber,
          ...(ksef.upoDownloadUrl ? { upoDownloadUrl: ksef.upoDownloadUrl } : {}),
        });
    upoFile = await writeUpo(outbox, ksefNumber, upo.xml);
  }
  crashPoint('while-outbox');
  await writeSentXml(outbox, ksefNumber, await readInvoiceXml(ctx.company.folders.work, inv.id));
  const acquisitionDate = original ? undefined : ksef.acquisitionDate;
  return {
    ksefNumber,
    ...(acquisitionDate ? { acquisitionDate } : {}),
    ...(upoFile ? { upoFile } : {}),
    ...(inv.invoiceReferenceNumber || !ksef.referenceNumber ? {} : { invoiceReferenceNumber: ksef.referenceNumber }),
    ...(original ? { duplicateOfOriginal: true } : {}),
    ...(!original && ksef.invoicingMode ? { invoicingMode: ksef.invoicingMode } : {}),
  };
}

const isTransient = (e: unknown): boolean => isAgentError(e) && e.kind === 'transient';

/**
 * Settles final statuses together: for the accepted ones the UPOs are fetched and upo/ + sent/
 * written with bounded concurrency (outbox first), then every settled invoice of a chunk changes
 * state in one store transaction (state last, one durable write per chunk instead of one per
 * invoice). Invoices KSeF still processes are left alone. A transient failure stops new work; what
 * was done by then is committed and the rest waits for the next pass. Returns the problems met.
 */
export async function settleInvoices(ctx: PipelineContext, outcomes: readonly KsefOutcome[], shouldStop: () => boolean = () => false): Promise<unknown[]> {
  const problems: unknown[] = [];
  const acceptedNow = new Map<string, InvoiceRecord>();
  for (const o of outcomes) if (invoiceState(o.ksef.status.code) === 'accepted' && o.ksef.ksefNumber) acceptedNow.set(o.ksef.ksefNumber, o.inv);
  const dup: DuplicateContext = { acceptedNow, listings: new Map() };
  const decided: Settlement[] = [];
  for (const o of outcomes) {
    try {
      const s = await decide(ctx, o.inv, o.ksef, dup);
      if (s) decided.push(s);
    } catch (e) {
      // a 440 whose original could not be looked up (KSeF busy): that invoice waits for the next pass
      problems.push(e);
      if (isTransient(e)) break;
    }
  }
  for (let at = 0; at < decided.length; at += SETTLE_CHUNK) {
    if (shouldStop()) break;
    const chunk = decided.slice(at, at + SETTLE_CHUNK);
    const results = await boundedPool(chunk, SETTLE_CONCURRENCY, (s) => (s.to === 'accepted' ? writeOutbox(ctx, s) : Promise.resolve(undefined)), {
      stopAfter: isTransient,
      shouldStop,
    });
    const done: { s: Settlement; patch: InvoicePatch | undefined }[] = [];
    results.forEach((r, k) => {
      if (r.started && r.ok) done.push({ s: chunk[k]!, patch: r.value });
      else if (r.started) problems.push(r.error);
    });
    const committed = await ctx.store.batch((tx) => {
      const ok: Settlement[] = [];
      for (const { s, patch } of done) {
        try {
          if (s.to === 'accepted') tx.transition(s.inv.id, 'accepted', patch);
          // the references of the refused send must not stand for the next one
          else if (s.to === 'refused') tx.transition(s.inv.id, 'planned', { sessionReferenceNumber: undefined, invoiceReferenceNumber: undefined });
          else tx.transition(s.inv.id, 'rejected', { error: s.error });
          ok.push(s);
        } catch (e) {
          problems.push(e);
        }
      }
      return ok;
    });
    const refused = committed.filter((s) => s.to === 'refused');
    if (refused.length) problems.push(permissionMissing(ctx, refused.map((s) => ({ inv: s.inv, ksef: (s as Extract<Settlement, { to: 'refused' }>).ksef }))));
    for (const s of committed) {
      if (s.to === 'refused') continue;
      if (s.to === 'accepted') ctx.bus.emit('ksef.accepted', { companyId: s.inv.companyId, invoice: s.inv.number, ksefNumber: s.ksefNumber, ...(!s.original && s.ksef.invoicingMode ? { invoicingMode: s.ksef.invoicingMode } : {}) });
      else ctx.bus.emit('ksef.rejected', { companyId: s.inv.companyId, invoice: s.inv.number, code: s.error.code, message: s.error.message });
    }
    if (results.some((r) => !r.started || (!r.ok && isTransient(r.error)))) break;
  }
  return problems;
}

/** One invoice's final status (see settleInvoices). Returns false while KSeF is still processing. */
export async function settleInvoice(ctx: PipelineContext, inv: InvoiceRecord, ksef: SessionInvoice): Promise<boolean> {
  if (invoiceState(ksef.status.code) === 'processing') return false;
  const problems = await settleInvoices(ctx, [{ inv, ksef }]);
  if (problems.length) throw problems[0];
  return true;
}

export const internalError = (message: string): AgentError => new AgentError('PIPELINE_INTERNAL', message, { kind: 'internal' });
