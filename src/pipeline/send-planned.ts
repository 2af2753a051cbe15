import { isAgentError } from '../core/errors.ts';
import { isKsefError } from '../ksef/index.ts';
import type { BatchSubmission } from '../ksef/index.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { boundedPool } from '../core/bounded-pool.ts';
import { crashPoint } from './crash-point.ts';
import { readInvoiceXml } from './invoice-xml-files.ts';
import type { PipelineContext } from './pipeline-context.ts';

/** Name of an invoice inside a batch ZIP; KSeF echoes it back, so results match by it. */
export const batchFileName = (inv: InvoiceRecord): string => `${inv.id.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`;

/** How the planned invoices of a company go out now: online for a trickle, batch for a backlog. */
export function chooseSendKind(ctx: PipelineContext, planned: number): 'online' | 'batch' {
  if (ctx.send.mode !== 'auto') return ctx.send.mode;
  return planned >= ctx.send.batchThreshold ? 'batch' : 'online';
}

/**
 * Sends one planned invoice in the company's reused online session. The intent (with the session
 * reference) is on disk before the request. An ambiguous send is reconciled by hash in the
 * session listing, never repeated blindly; a refused one stays `intent-recorded` for the
 * reconciler, which proves it absent before it goes back to `planned`.
 */
async function sendOnline(ctx: PipelineContext, inv: InvoiceRecord): Promise<void> {
  const xml = await readInvoiceXml(ctx.company.folders.work, inv.id);
  const session = await ctx.client.onlineSession(ctx.company.schema);
  await ctx.sessions.add(session.referenceNumber);
  await ctx.store.transition(inv.id, 'intent-recorded', { sessionKind: 'online', sessionReferenceNumber: session.referenceNumber });
  crashPoint('after-intent');
  const outcome = await session.send(xml);
  crashPoint('after-send');
  if (outcome.kind === 'submitted') {
    await ctx.store.transition(inv.id, 'sent', { invoiceReferenceNumber: outcome.invoiceReferenceNumber });
    ctx.bus.emit('ksef.sent', { companyId: inv.companyId, invoice: inv.number, sessionReferenceNumber: session.referenceNumber, invoiceReferenceNumber: outcome.invoiceReferenceNumber });
  }
  // unknown: the reconciler looks the hash up in the session listing on the next step
  else {
    // the cause says what happened (timed out, connection dropped); the wrapper only that it is ambiguous
    const why = isKsefError(outcome.error.cause) ? outcome.error.cause : outcome.error;
    ctx.bus.emit('ksef.unconfirmed', { companyId: inv.companyId, invoice: inv.number, sessionReferenceNumber: session.referenceNumber, code: why.code, message: why.message });
  }
}

/**
 * Sends planned invoices as one batch session. Intent recorded for all of them at once (no session
 * yet), then ZIP → encrypt → open; the moment KSeF names the session, its reference is journalled
 * and written on every invoice in one store transaction, before any part is uploaded. Then upload
 * → close. So an invoice that is intent-recorded in a batch without a session reference was never
 * uploaded: KSeF cannot have it. A failure before the close (nothing can be processed without it)
 * puts the invoices back to `planned` at once; a failure at or after the close leaves them
 * intent-recorded with the reference, and the poller waits for KSeF's final session status.
 * Results are collected by the poller.
 */
async function sendBatch(ctx: PipelineContext, invoices: readonly InvoiceRecord[]): Promise<void> {
  const contents = await boundedPool(invoices, 8, (inv) => readInvoiceXml(ctx.company.folders.work, inv.id));
  const files = invoices.map((inv, k) => {
    const r = contents[k]!;
    if (!r.started || !r.ok) throw r.started ? r.error : new Error(`FA XML of ${inv.id} not read`);
    return { fileName: batchFileName(inv), content: r.value };
  });
  await ctx.store.batch((tx) => {
    // a reference left from an earlier, cancelled attempt must not stand for this one
    for (const inv of invoices) tx.transition(inv.id, 'intent-recorded', { sessionKind: 'batch', sessionReferenceNumber: undefined });
  });
  crashPoint('after-intent');
  let opened: string | undefined;
  let closing = false;
  let sub: BatchSubmission;
  try {
    sub = await ctx.client.submitBatch(files, ctx.company.schema, {
      onOpened: async (ref) => {
        await ctx.sessions.add(ref);
        await ctx.store.batch((tx) => {
          for (const inv of invoices) tx.annotate(inv.id, { sessionReferenceNumber: ref });
        });
        opened = ref;
        crashPoint('after-batch-open');
      },
      onClosing: async () => {
        closing = true;
        crashPoint('before-batch-close');
      },
    });
  } catch (e) {
    if (closing) throw e;
    // never closed: KSeF processes nothing of this session (it cancels it when the upload window ends)
    await ctx.store.batch((tx) => {
      for (const inv of invoices) tx.transition(inv.id, 'planned');
    });
    // (a failed open needs no word beyond the error itself: KSeF named no session)
    if (opened) {
      ctx.bus.emit('agent.warning', {
        companyId: ctx.company.id,
        code: isAgentError(e) ? e.code : 'PIPELINE_INTERNAL',
        message: `${ctx.company.id}: batch session ${opened} (${invoices.length} invoice(s)) stopped before it was closed, so KSeF processes none of it: the invoices are planned again and go out in the next batch`,
      });
    }
    throw e;
  }
  for (const inv of invoices) ctx.bus.emit('ksef.sent', { companyId: inv.companyId, invoice: inv.number, sessionReferenceNumber: sub.sessionReferenceNumber });
  crashPoint('after-batch-submit');
}

/**
 * Sends what is planned for this company. Transient KSeF failures end the step (the invoices stay
 * planned, or intent-recorded for the reconciler) and are returned for logging.
 */
export async function sendPlanned(ctx: PipelineContext, shouldStop: () => boolean = () => false): Promise<unknown[]> {
  const planned = ctx.store.planned(ctx.company.id);
  if (planned.length === 0) return [];
  const problems: unknown[] = [];
  if (chooseSendKind(ctx, planned.length) === 'batch') {
    for (let i = 0; i < planned.length && !shouldStop(); i += ctx.send.maxInvoicesPerBatch) {
      try {
        await sendBatch(ctx, planned.slice(i, i + ctx.send.maxInvoicesPerBatch));
      } catch (e) {
        problems.push(e);
        break;
      }
    }
    return problems;
  }
  const renewed = new Set<string>();
  for (const inv of planned) {
    if (shouldStop()) break;
    try {
      await sendOnline(ctx, inv);
    } catch (e) {
      // an expired or closed session is replaced on the next send (not a fault: said once, as info); other failures end the step
      if (isKsefError(e) && (e.code === 'KSEF_SESSION_CLOSED' || e.code === 'KSEF_SESSION_NOT_FOUND')) {
        const ref = ctx.store.getInvoice(inv.id)?.sessionReferenceNumber ?? '';
        // the same session refused twice means it was not replaced: a fault, not a renewal
        if (renewed.has(ref)) {
          problems.push(e);
          break;
        }
        ctx.bus.emit('ksef.session-renewed', { companyId: inv.companyId, sessionReferenceNumber: ref, invoice: inv.number, code: e.code });
        renewed.add(ref);
        continue;
      }
      problems.push(e);
      break;
    }
  }
  return problems;
}
