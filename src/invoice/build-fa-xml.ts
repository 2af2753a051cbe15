import type { CompanyProfile, FaSchema, Invoice, InvoiceXml } from '../core/invoice.ts';
import type { BuildOptions } from './fa-document.ts';
import { buildFa2 } from './fa2-writer.ts';
import { buildFa3 } from './fa3-writer.ts';

export type { BuildOptions } from './fa-document.ts';

/** The FA XML of one canonical invoice in the requested schema version. */
export function buildFaXml(invoice: Invoice, schema: FaSchema, company: CompanyProfile, opts?: BuildOptions): InvoiceXml {
  return schema === 'FA(3)' ? buildFa3(invoice, company, opts) : buildFa2(invoice, company, opts);
}
