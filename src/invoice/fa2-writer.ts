import type { CompanyProfile, Invoice, InvoiceXml } from '../core/invoice.ts';
import { writeFa, type BuildOptions } from './fa-document.ts';
import { FA2_PROFILE } from './fa-profile.ts';

/** FA(2): accepted by KSeF TEST only. Rates collapse to `0` and `np`; no JST/GV on the buyer. */
export function buildFa2(invoice: Invoice, company: CompanyProfile, opts?: BuildOptions): InvoiceXml {
  return writeFa(invoice, FA2_PROFILE, company, opts);
}
