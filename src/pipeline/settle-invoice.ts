import { AgentError } from '../core/errors.ts';
import { invoiceError, invoiceState } from '../ksef/index.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { writeSentXml, writeUpo } from '../outbox/outbox-files.ts';
import { crashPoint } from './crash-point.ts';
import { readInvoiceXml } from './invoice-xml-files.ts';
import type { PipelineContext } from './pipeline-context.ts';

/** Writes upo/ and sent/ for an accepted invoice, then records it accepted (outbox first, state last). */
async function accept(ctx: PipelineContext, inv: InvoiceRecord, sessionRef: string, ksef: SessionInvoice, ksefNumber: string, original: boolean): Promise<void> {
  const outbox = ctx.company.folders.outbox;
  let upoFile: string | undefined;
  if (ctx.send.upo.download) {
    const upo = original
      ? await ctx.client.getInvoiceUpo(sessionRef, { ksefNumber })
      : await ctx.client.getInvoiceUpo(sessionRef, {
          invoiceReferenceNumber: ksef.referenceNumber,
          ksefNumber,
          ...(ksef.upoDownloadUrl ? { upoDownloadUrl: ksef.upoDownloadUrl } : {}),
        });
    upoFile = await writeUpo(outbox, ksefNumber, upo.xml);
  }
  crashPoint('while-outbox');
  await writeSentXml(outbox, ksefNumber, await readInvoiceXml(ctx.company.folders.work, inv.id));
  const acquisitionDate = original ? undefined : ksef.acquisitionDate;
  await ctx.store.transition(inv.id, 'accepted', {
    ksefNumber,
    ...(acquisitionDate ? { acquisitionDate } : {}),
    ...(upoFile ? { upoFile } : {}),
    ...(inv.invoiceReferenceNumber || !ksef.referenceNumber ? {} : { invoiceReferenceNumber: ksef.referenceNumber }),
    ...(original ? { duplicateOfOriginal: true } : {}),
  });
  ctx.bus.emit('ksef.accepted', { companyId: inv.companyId, invoice: inv.number, ksefNumber });
}

/**
 * Acts on a final status KSeF gave for one of our invoices (state `sent`): accepted → UPO and
 * sent XML into the outbox, then `accepted`; 440 whose original is ours (its KSeF number is in
 * our state, its session is one we opened, or our own interrupted batch) → accepted with the
 * original KSeF number; anything else → `rejected` with the code and KSeF's text.
 * Returns false while KSeF is still processing.
 */
export async function settleInvoice(ctx: PipelineContext, inv: InvoiceRecord, ksef: SessionInvoice): Promise<boolean> {
  const state = invoiceState(ksef.status.code);
  if (state === 'processing') return false;
  const sessionRef = inv.sessionReferenceNumber!;
  if (state === 'accepted') {
    await accept(ctx, inv, sessionRef, ksef, ksef.ksefNumber!, false);
    return true;
  }
  const err = invoiceError(ksef)!;
  if (state === 'duplicate') {
    const ext = ksef.status.extensions ?? {};
    const originalKsef = typeof ext['originalKsefNumber'] === 'string' ? ext['originalKsefNumber'] : undefined;
    const originalSession = typeof ext['originalSessionReferenceNumber'] === 'string' ? ext['originalSessionReferenceNumber'] : undefined;
    const known = ctx.store.findAccepted(inv.sellerNip, inv.kind, inv.number);
    const ours = originalKsef !== undefined && (known?.ksefNumber === originalKsef || ctx.sessions.has(originalSession) || ctx.sessions.hasLostBatch(inv.id));
    if (ours && originalSession) {
      await accept(ctx, inv, originalSession, ksef, originalKsef!, true);
      return true;
    }
  }
  const error = { code: err.code, message: err.message, where: { invoice: inv.number } };
  await ctx.store.transition(inv.id, 'rejected', { error });
  ctx.bus.emit('ksef.rejected', { companyId: inv.companyId, invoice: inv.number, code: err.code, message: err.message });
  return true;
}

export const internalError = (message: string): AgentError => new AgentError('PIPELINE_INTERNAL', message, { kind: 'internal' });
