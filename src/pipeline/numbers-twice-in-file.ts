/**
 * The same invoice number twice in one file. KSeF keeps one invoice per (seller NIP, kind,
 * number), so a file that repeats one cannot be sent as it is. previewFile owns this fact: the
 * admin's preview and the agent's intake report it alike.
 */
import { AgentError, type Where } from '../core/errors.ts';
import type { InvoiceXml } from '../core/invoice.ts';
import { provenanceWhere } from '../core/records.ts';

/** `row 1, line 2` / `line 14, at /orders/1`: where a record is, as errors name it elsewhere. */
export function placeOf(w: Where): string {
  const parts: string[] = [];
  if (w.sheet) parts.push(`sheet ${w.sheet}`);
  if (w.cell) parts.push(`cell ${w.cell}`);
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.path) parts.push(`at ${w.path}`);
  return parts.join(', ') || 'an unknown place';
}

/** A record's place without its cell maps, which are no location by themselves. */
export const whereOf = (w: Where | undefined): Where => (w ? provenanceWhere(w) : {});

const keyOf = (x: { sellerNip: string; kind: string; invoiceNumber: string }): string => `${x.sellerNip}\u0000${x.kind}\u0000${x.invoiceNumber}`;

/**
 * Invoices of one file that repeat an earlier invoice's (seller NIP, kind, number) in the same
 * file: one INVOICE_NUMBER_TWICE_IN_FILE per repeat, at the repeat's place, naming the first one's.
 * Only invoices that passed their checks (have FA XML) are compared. Keyed by the repeat's index.
 */
export function numbersTwiceInFile(invoices: readonly { readonly xml?: InvoiceXml }[], sourceName: string): Map<number, AgentError> {
  const first = new Map<string, number>();
  const out = new Map<number, AgentError>();
  invoices.forEach((inv, k) => {
    if (!inv.xml) return;
    const key = keyOf(inv.xml);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, k);
      return;
    }
    const a = invoices[earlier]!.xml!.provenance;
    const b = inv.xml.provenance;
    out.set(k, new AgentError('INVOICE_NUMBER_TWICE_IN_FILE',
      `invoice number ${inv.xml.invoiceNumber} (${inv.xml.kind}) appears twice in this file: first at ${placeOf(a)}; again at ${placeOf(b)}. KSeF takes one invoice per number, so neither is sent. Give each invoice its own number, or export it once`, {
        kind: 'data',
        where: { ...whereOf(b), file: sourceName, invoice: inv.xml.invoiceNumber, field: 'number', value: inv.xml.invoiceNumber },
        rule: 'one invoice per (seller NIP, kind, number)',
      }));
  });
  return out;
}
