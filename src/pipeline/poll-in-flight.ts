import { isAgentError } from '../core/errors.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { batchFileName } from './send-planned.ts';
import { settleInvoices } from './settle-invoice.ts';
import type { KsefOutcome } from './settle-invoice.ts';
import type { PipelineContext } from './pipeline-context.ts';

const OPEN_SESSION = new Set([100, 150, 170]);

/**
 * One pass over this company's invoices whose send may have happened: the same code serves the
 * steady state and the start-up reconciliation, so nothing is ever resent without proof that
 * KSeF does not have it.
 * - online, intent recorded: looked up by hash in the session listing → `sent`, or proven absent → `planned`;
 * - batch, intent recorded, session unknown (interrupted before KSeF named it): back to `planned`,
 *   remembered (journal first) so that a 440 on the resend counts as ours;
 * - batch with its session: once the session is final, matched by file name or hash → `sent`,
 *   or absent → `planned`;
 * - sent: status from the final batch session's listing, else by reference; a final status
 *   settles the invoice (UPO, sent XML, result).
 * KSeF is asked first (one listing per session); then every state change of the pass is made in
 * one store transaction, and the final statuses are settled together (settleInvoices).
 * Returns the problems met (transient ones leave the remaining invoices for the next pass).
 */
export async function pollInFlight(ctx: PipelineContext, shouldStop: () => boolean = () => false): Promise<unknown[]> {
  const problems: unknown[] = [];
  const mine = ctx.store.inFlight().filter((i) => i.companyId === ctx.company.id);
  if (mine.length === 0) return problems;
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
  const byName = new Map<string, Map<string, SessionInvoice>>();
  const indexed = (ref: string, l: SessionInvoice[]): Map<string, SessionInvoice> => {
    let m = byName.get(ref);
    if (!m) {
      m = new Map();
      for (const k of l) {
        if (k.invoiceFileName) m.set(`f:${k.invoiceFileName}`, k);
        if (k.invoiceHash) m.set(`h:${k.invoiceHash}`, k);
        if (k.referenceNumber) m.set(`r:${k.referenceNumber}`, k);
      }
      byName.set(ref, m);
    }
    return m;
  };

  const lost: InvoiceRecord[] = [];
  const absent: InvoiceRecord[] = [];
  const found: { inv: InvoiceRecord; ksef: SessionInvoice }[] = [];
  const outcomes: KsefOutcome[] = [];
  for (const inv of mine) {
    if (shouldStop()) break;
    try {
      const ref = inv.sessionReferenceNumber;
      if (inv.state === 'intent-recorded') {
        if (!ref) {
          lost.push(inv);
          continue;
        }
        const l = await listing(ref, inv.sessionKind === 'batch');
        if (l === 'open') continue;
        const m = indexed(ref, l);
        const k = (inv.sessionKind === 'batch' ? m.get(`f:${batchFileName(inv)}`) : undefined) ?? m.get(`h:${inv.hash}`);
        if (k) found.push({ inv, ksef: k });
        else absent.push(inv);
        continue;
      }
      let status: SessionInvoice | undefined;
      if (inv.sessionKind === 'batch') {
        const l = await listing(ref!, true);
        if (l !== 'open') status = indexed(ref!, l).get(`r:${inv.invoiceReferenceNumber}`);
      }
      status ??= await ctx.client.getInvoiceStatus(ref!, inv.invoiceReferenceNumber!);
      outcomes.push({ inv, ksef: status });
    } catch (e) {
      problems.push(e);
      // KSeF unreachable or busy: the remaining invoices wait for the next pass
      if (isAgentError(e) && e.kind === 'transient') break;
    }
  }

  try {
    await ctx.sessions.markLostBatches(lost.map((i) => i.id));
    if (lost.length || absent.length || found.length) {
      const sent = await ctx.store.batch((tx) => {
        for (const inv of [...lost, ...absent]) tx.transition(inv.id, 'planned');
        return found.map(({ inv, ksef }) => ({ inv: tx.transition(inv.id, 'sent', { invoiceReferenceNumber: ksef.referenceNumber }), ksef }));
      });
      outcomes.unshift(...sent);
    }
  } catch (e) {
    problems.push(e);
    return problems;
  }
  problems.push(...(await settleInvoices(ctx, outcomes, shouldStop)));
  return problems;
}
