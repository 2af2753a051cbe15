import { isAgentError } from '../core/errors.ts';
import { isKsefError } from '../ksef/index.ts';
import type { SessionInvoice } from '../ksef/index.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { batchFileName } from './send-planned.ts';
import { settleInvoices } from './settle-invoice.ts';
import type { KsefOutcome } from './settle-invoice.ts';
import type { PipelineContext } from './pipeline-context.ts';

const OPEN_SESSION = new Set([100, 150, 170]);

/** Warned once per process: sessions we wait on because they were interrupted before the close. */
const warnedOpen = new WeakMap<PipelineContext, Set<string>>();

/**
 * One pass over this company's invoices whose send may have happened: the same code serves the
 * steady state and the start-up reconciliation, so nothing is ever resent without proof that
 * KSeF does not have it.
 * - online, intent recorded: looked up by hash in the session listing → `sent`, or proven absent → `planned`;
 * - intent recorded in a session KSeF does not know (21173 from both its status and its listing,
 *   e.g. after KSeF TEST forgot its data): nothing of ours is in it → `planned`, said once;
 * - batch, intent recorded, no session reference: the reference is made durable before any part
 *   is uploaded, so nothing reached KSeF → `planned`;
 * - batch with its session: while the session is open (100) or processing (150) nothing is
 *   decided; once it is final (200, or 4xx such as 440 "cancelled" for a batch never closed in
 *   its upload window) each invoice is matched by file name or hash → `sent`, or absent → `planned`;
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
  /** batch sessions KSeF still shows as opened (100): the upload or the close was interrupted */
  const unclosed = new Map<string, { count: number; dateCreated?: string }>();
  /** sessions KSeF says it does not know, with the intent-recorded invoices found in them */
  const unknown = new Map<string, number>();
  const listing = async (ref: string, batch: boolean): Promise<SessionInvoice[] | 'open'> => {
    let l = listings.get(ref);
    if (!l) {
      /** KSeF answered the session's status: it knows the session, so a 21173 for its list proves nothing */
      let statusAnswered = false;
      try {
        const status = batch ? await ctx.client.getSessionStatus(ref) : undefined;
        statusAnswered = status !== undefined;
        if (status && OPEN_SESSION.has(status.status.code)) {
          l = 'open';
          if (status.status.code === 100) unclosed.set(ref, { count: 0, ...(status.dateCreated ? { dateCreated: status.dateCreated } : {}) });
        } else l = await ctx.client.listSessionInvoices(ref);
      } catch (e) {
        if (!notFound(e) || statusAnswered || !(await stillNotFound(ctx, ref, batch))) throw e;
        // a session KSeF does not have holds no invoice of ours: an empty listing proves them absent
        l = [];
        unknown.set(ref, 0);
      }
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

  const absent: InvoiceRecord[] = [];
  const found: { inv: InvoiceRecord; ksef: SessionInvoice }[] = [];
  const outcomes: KsefOutcome[] = [];
  for (const inv of mine) {
    if (shouldStop()) break;
    try {
      const ref = inv.sessionReferenceNumber;
      if (inv.state === 'intent-recorded') {
        if (!ref) {
          // the reference is durable before anything is sent (online) or uploaded (batch)
          absent.push(inv);
          continue;
        }
        const l = await listing(ref, inv.sessionKind === 'batch');
        if (l === 'open') {
          const u = unclosed.get(ref);
          if (u) u.count++;
          continue;
        }
        if (unknown.has(ref)) unknown.set(ref, unknown.get(ref)! + 1);
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

  warnUnclosed(ctx, unclosed);
  for (const [ref, count] of unknown) {
    if (count === 0) continue;
    ctx.bus.emit('agent.warning', {
      companyId: ctx.company.id,
      code: 'PIPELINE_SESSION_UNKNOWN',
      message: `${ctx.company.id}: KSeF does not know session ${ref} (21173, for its status and its invoice list): the ${count} invoice(s) whose send was recorded in it are not in KSeF and go out again in a new session`,
    });
  }
  try {
    if (absent.length || found.length) {
      const sent = await ctx.store.batch((tx) => {
        for (const inv of absent) tx.transition(inv.id, 'planned');
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

const notFound = (e: unknown): boolean => isKsefError(e) && e.code === 'KSEF_SESSION_NOT_FOUND';

/**
 * A 21173 is believed only when KSeF says it twice, for the session's status and for its invoice
 * list: one odd answer must not make us send an invoice again.
 */
async function stillNotFound(ctx: PipelineContext, ref: string, batch: boolean): Promise<boolean> {
  try {
    // the call not made yet: the 21173 came from a batch session's status or an online session's list
    if (batch) await ctx.client.listSessionInvoices(ref);
    else await ctx.client.getSessionStatus(ref);
    return false;
  } catch (e) {
    if (notFound(e)) return true;
    throw e;
  }
}

/**
 * One warning per interrupted batch session: the operator sees why `once` (or the service) waits.
 * KSeF cancels a batch session that was never closed when its upload window ends (20 minutes per
 * part after the open; status 440), and only then are its invoices proven absent and sent again.
 */
function warnUnclosed(ctx: PipelineContext, unclosed: ReadonlyMap<string, { count: number; dateCreated?: string }>): void {
  let seen = warnedOpen.get(ctx);
  for (const [ref, u] of unclosed) {
    if (u.count === 0 || seen?.has(ref)) continue;
    if (!seen) warnedOpen.set(ctx, (seen = new Set()));
    seen.add(ref);
    ctx.bus.emit('agent.warning', {
      companyId: ctx.company.id,
      code: 'PIPELINE_BATCH_UNCLOSED',
      message:
        `${ctx.company.id}: waiting for KSeF to cancel the interrupted batch ${ref} (${u.count} invoice(s); opened ${u.dateCreated ?? 'earlier'}, never closed): ` +
        'KSeF cancels it when its upload window ends (at most 20 minutes per part after the open); then the invoices are sent again in a new batch',
    });
  }
}
