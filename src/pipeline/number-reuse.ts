/**
 * One invoice number, one invoice. KSeF keeps one invoice per (seller NIP, kind, number); an
 * accepted invoice can only be changed by a correction invoice. So a number met again is "already
 * accepted" only when its business content (faContentHash) is the same as what KSeF accepted;
 * otherwise it is an error naming the earlier KSeF number, the earlier file and the differences.
 */
import { AgentError, type Where } from '../core/errors.ts';
import { faContentHash } from '../invoice/content-hash.ts';
import { describeDifference, diffFa } from '../invoice/fa-diff.ts';
import { readSentXml } from '../outbox/outbox-files.ts';
import type { InvoiceRecord } from '../store/state-store.ts';
import { readInvoiceXml } from './invoice-xml-files.ts';
import { whereOf } from './numbers-twice-in-file.ts';
import type { PipelineContext } from './pipeline-context.ts';
import type { PreviewResult } from './preview-file.ts';

/** Differences listed in a message; the rest are counted. */
const SHOWN_DIFFERENCES = 12;

/** The FA XML of an earlier invoice of ours: its work-area copy while its file is active, else outbox/sent/. */
export async function earlierXml(ctx: PipelineContext, rec: InvoiceRecord): Promise<Buffer | undefined> {
  const tries = [
    () => readInvoiceXml(ctx.company.folders.work, rec.id),
    ...(rec.ksefNumber ? [() => readSentXml(ctx.company.folders.outbox, rec.ksefNumber!)] : []),
  ];
  for (const t of tries) {
    try {
      return await t();
    } catch {
      // not there (finished and moved on, or removed by someone): try the next place
    }
  }
  return undefined;
}

/** The earlier invoice's content hash: recorded, or (state from before it was recorded) from its XML. */
export async function contentHashOf(ctx: PipelineContext, rec: InvoiceRecord): Promise<string | undefined> {
  if (rec.contentHash !== undefined) return rec.contentHash;
  const xml = await earlierXml(ctx, rec);
  return xml ? faContentHash(xml) : undefined;
}

export interface ReuseFacts {
  readonly number: string;
  /** the file this invoice comes from, for `where` */
  readonly sourceName?: string;
  readonly where?: Where;
  /** our FA XML (for the differences) */
  readonly xml?: Uint8Array;
  /** the earlier invoice, when it is ours */
  readonly earlier?: InvoiceRecord;
  readonly earlierKsefNumber?: string;
  /** why it is refused, when not a plain "accepted earlier" (a 440) */
  readonly refusedBy?: string;
}

/**
 * INVOICE_NUMBER_REUSED: the earlier KSeF number, the earlier file and date, the differences
 * (field, before → after; also in `details`), and what to do instead.
 */
export async function reusedNumberError(ctx: PipelineContext, f: ReuseFacts): Promise<AgentError> {
  const earlierFile = f.earlier ? ctx.store.getFile(f.earlier.fileId) : undefined;
  const ksef = f.earlierKsefNumber ?? f.earlier?.ksefNumber;
  let differences: string[] = [];
  let diffNote = '';
  if (f.earlier && f.xml) {
    const before = await earlierXml(ctx, f.earlier);
    if (before) differences = diffFa(before, f.xml).map(describeDifference);
    else diffNote = `; its FA XML is no longer in the work area or outbox/sent/, so whether this is the same invoice cannot be checked and it is not taken as one`;
  }
  const shown = differences.slice(0, SHOWN_DIFFERENCES).join('; ');
  const more = differences.length > SHOWN_DIFFERENCES ? `; and ${differences.length - SHOWN_DIFFERENCES} more` : '';
  const whence = f.earlier
    ? `was accepted by KSeF as ${ksef ?? '(KSeF number not known)'}${earlierFile ? ` from file ${earlierFile.sourceName}` : ''}${f.earlier.finalAt ? ` on ${f.earlier.finalAt.slice(0, 10)}` : ''}`
    : `is already in KSeF as ${ksef ?? '(KSeF number not given)'}, an invoice this agent did not send with this content`;
  const what = differences.length ? `, with different content: ${shown}${more}` : diffNote ? diffNote : f.earlier ? ', with different content' : '';
  const message = `${f.refusedBy ? `${f.refusedBy}: ` : ''}invoice ${f.number} ${whence}${what}. An invoice number is used once: to change an accepted invoice, issue a correction invoice (faktura korygująca, kind KOR) that refers to ${ksef ?? 'it'}; if this is another invoice, give it a new number`;
  return new AgentError('INVOICE_NUMBER_REUSED', message, {
    kind: 'data',
    where: { ...whereOf(f.where), ...(f.sourceName ? { file: f.sourceName } : {}), invoice: f.number, field: 'number', value: f.number },
    rule: 'one invoice per (seller NIP, kind, number); changes to an accepted invoice only by a correction',
    ...(differences.length ? { details: differences } : {}),
  });
}

/**
 * Intake's look at KSeF's memory: for each invoice of a good file, the accepted invoice with its
 * number, if any. Same content → `accepted[k]` (settled at once, not sent again); different
 * content → an INVOICE_NUMBER_REUSED error in `errors` keyed by index.
 */
export async function checkAcceptedNumbers(ctx: PipelineContext, p: PreviewResult, sourceName: string):
  Promise<{ accepted: Map<number, InvoiceRecord>; errors: Map<number, AgentError> }> {
  const accepted = new Map<number, InvoiceRecord>();
  const errors = new Map<number, AgentError>();
  for (const [k, inv] of p.invoices.entries()) {
    const x = inv.xml;
    if (!x) continue;
    const prior = ctx.store.findAccepted(x.sellerNip, x.kind, x.invoiceNumber);
    if (!prior) continue;
    const earlier = await contentHashOf(ctx, prior);
    if (earlier !== undefined && earlier === faContentHash(x.xml)) accepted.set(k, prior);
    else errors.set(k, await reusedNumberError(ctx, { number: x.invoiceNumber, sourceName, where: x.provenance, xml: x.xml, earlier: prior }));
  }
  return { accepted, errors };
}
