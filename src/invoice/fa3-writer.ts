import type { CompanyProfile, Invoice, InvoiceXml } from '../core/invoice.ts';
import { writeFa, type BuildOptions } from './fa-document.ts';
import { FA3_PROFILE } from './fa-profile.ts';

/** FA(3): the schema DEMO and PROD accept (KSeF 2.0). */
export function buildFa3(invoice: Invoice, company: CompanyProfile, opts?: BuildOptions): InvoiceXml {
  return writeFa(invoice, FA3_PROFILE, company, opts);
}
