import { AgentError, isAgentError } from '../core/errors.ts';
import { invoiceError, invoiceState } from '../ksef/index.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoicePatch, InvoiceRecord, StoredError } from '../store/state-store.ts';
import { writeSentXml, writeUpo } from '../outbox/outbox-files.ts';
import { boundedPool } from '../core/bounded-pool.ts';
import { crashPoint } from './crash-point.ts';
import { readInvoiceXml } from './invoice-xml-files.ts';
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
  | { readonly to: 'rejected'; readonly inv: InvoiceRecord; readonly error: StoredError };

/**
 * What a final status means for our invoice: accepted → accepted; 440 whose original is ours (its
 * KSeF number is in our state, or its session is one we opened: the journal has every session
 * reference before anything is sent or uploaded in it) →
 * accepted with the original KSeF number; anything else → rejected with the code and KSeF's text.
 * Undefined while KSeF is still processing.
 */
function decide(ctx: PipelineContext, inv: InvoiceRecord, ksef: SessionInvoice): Settlement | undefined {
  const state = invoiceState(ksef.status.code);
  if (state === 'processing') return undefined;
  if (state === 'accepted') return { to: 'accepted', inv, sessionRef: inv.sessionReferenceNumber!, ksef, ksefNumber: ksef.ksefNumber!, original: false };
  const err = invoiceError(ksef)!;
  if (state === 'duplicate') {
    const ext = ksef.status.extensions ?? {};
    const originalKsef = typeof ext['originalKsefNumber'] === 'string' ? ext['originalKsefNumber'] : undefined;
    const originalSession = typeof ext['originalSessionReferenceNumber'] === 'string' ? ext['originalSessionReferenceNumber'] : undefined;
    const known = ctx.store.findAccepted(inv.sellerNip, inv.kind, inv.number);
    const ours = originalKsef !== undefined && (known?.ksefNumber === originalKsef || ctx.sessions.has(originalSession));
    if (ours && originalSession) return { to: 'accepted', inv, sessionRef: originalSession, ksef, ksefNumber: originalKsef!, original: true };
  }
  return { to: 'rejected', inv, error: { code: err.code, message: err.message, where: { invoice: inv.number } } };
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
  const decided = outcomes.map((o) => decide(ctx, o.inv, o.ksef)).filter((s): s is Settlement => s !== undefined);
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
          else tx.transition(s.inv.id, 'rejected', { error: s.error });
          ok.push(s);
        } catch (e) {
          problems.push(e);
        }
      }
      return ok;
    });
    for (const s of committed) {
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
