/**
 * The seller NIPs a company may send invoices for: its own NIP, and the client NIPs listed in its
 * `actsFor` (an accounting office logged in with its own credential). KSeF refuses an invoice of
 * any other seller with status 410 (PROTOCOL §6, §13); checked at intake, the file goes to errors
 * with a report naming what to configure, and nothing of it reaches KSeF.
 */
import { AgentError, type Where } from '../core/errors.ts';
import type { CompanyConfig } from '../config/agent-config.ts';
import type { PreviewResult } from './preview-file.ts';
import { provenanceWhere } from '../core/records.ts';

export function allowedSellers(company: Pick<CompanyConfig, 'nip' | 'actsFor'>): ReadonlySet<string> {
  return new Set([company.nip, ...(company.actsFor ?? [])]);
}

export function sellerNotAllowed(company: Pick<CompanyConfig, 'id' | 'nip' | 'actsFor'>, seller: string, invoice: string, sourceName: string, provenance?: Where): AgentError {
  const listed = company.actsFor?.length ? `its actsFor lists ${company.actsFor.join(', ')}` : 'it has no actsFor';
  return new AgentError('INVOICE_SELLER_NOT_ALLOWED',
    `invoice ${invoice}: seller NIP ${seller} is neither the NIP of company ${company.id} (${company.nip}) nor a client it acts for (${listed}); KSeF would refuse it (status 410, no InvoiceWrite permission)`, {
      kind: 'data',
      where: { ...(provenance ? provenanceWhere(provenance) : {}), file: sourceName, invoice, field: 'seller.id.nip', value: seller },
      rule: `send it with the company whose NIP is ${seller}, or, when ${company.id} is an accounting office invoicing for this client, add "${seller}" to "actsFor" of company ${company.id} and have the client grant NIP ${company.nip} the InvoiceWrite permission in KSeF`,
    });
}

/** Invoices of a preview whose seller this company may not invoice for, by index. */
export function checkSellers(company: Pick<CompanyConfig, 'id' | 'nip' | 'actsFor'>, p: PreviewResult, sourceName: string): Map<number, AgentError> {
  const allowed = allowedSellers(company);
  const errors = new Map<number, AgentError>();
  for (const [k, inv] of p.invoices.entries()) {
    const x = inv.xml;
    if (x && !allowed.has(x.sellerNip)) errors.set(k, sellerNotAllowed(company, x.sellerNip, x.invoiceNumber, sourceName, x.provenance));
  }
  return errors;
}
