import { isAgentError } from '../core/errors.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { batchFileName } from './send-planned.ts';
import { settleInvoice } from './settle-invoice.ts';
import type { PipelineContext } from './pipeline-context.ts';

const OPEN_SESSION = new Set([100, 150, 170]);

/**
 * One pass over this company's invoices whose send may have happened: the same code serves the
 * steady state and the start-up reconciliation, so nothing is ever resent without proof that
 * KSeF does not have it.
 * - online, intent recorded: looked up by hash in the session listing → `sent`, or proven absent → `planned`;
 * - batch, intent recorded, session unknown (interrupted before KSeF named it): back to `planned`,
 *   remembered so that a 440 on the resend counts as ours;
 * - batch with its session: once the session is final, matched by file name or hash → `sent`,
 *   or absent → `planned`;
 * - sent: status by reference; a final status settles the invoice (UPO, sent XML, result).
 * Returns the problems met (transient ones leave the invoice for the next pass).
 */
export async function pollInFlight(ctx: PipelineContext, shouldStop: () => boolean = () => false): Promise<unknown[]> {
  const problems: unknown[] = [];
  const mine = ctx.store.inFlight().filter((i) => i.companyId === ctx.company.id);
  const listings = new Map<string, SessionInvoice[] | 'open'>();
  const listing = async (ref: string, batch: boolean): Promise<SessionInvoice[] | 'open'> => {
    let l = listings.get(ref);
    if (!l) {
      if (batch && OPEN_SESSION.has((await ctx.client.getSessionStatus(ref)).status.code)) l = 'open';
      else l = await ctx.client.listSessionInvoices(ref);
      listings.set(ref, l);
    }
    return l;
  };
  for (const inv0 of mine) {
    if (shouldStop()) break;
    let inv: InvoiceRecord = inv0;
    try {
      if (inv.state === 'intent-recorded') {
        const ref = inv.sessionReferenceNumber;
        if (!ref) {
          await ctx.sessions.markLostBatch(inv.id);
          await ctx.store.transition(inv.id, 'planned');
          continue;
        }
        const l = await listing(ref, inv.sessionKind === 'batch');
        if (l === 'open') continue;
        const found = l.find((k) => (inv.sessionKind === 'batch' && k.invoiceFileName === batchFileName(inv)) || k.invoiceHash === inv.hash);
        if (!found) {
          await ctx.store.transition(inv.id, 'planned');
          continue;
        }
        inv = await ctx.store.transition(inv.id, 'sent', { invoiceReferenceNumber: found.referenceNumber });
        if (await settleInvoice(ctx, inv, found)) continue;
      }
      const status = await ctx.client.getInvoiceStatus(inv.sessionReferenceNumber!, inv.invoiceReferenceNumber!);
      await settleInvoice(ctx, inv, status);
    } catch (e) {
      problems.push(e);
      // KSeF unreachable or busy: the remaining invoices wait for the next pass
      if (isAgentError(e) && e.kind === 'transient') break;
    }
  }
  return problems;
}
