import { AgentError } from '../core/errors.ts';
import type { InvoiceXml } from '../core/invoice.ts';
import { loadFaValidator } from '../xsd/xsd-validator.ts';
import { provenanceWhere } from '../core/records.ts';

/**
 * Runs the official XSD of the document's schema over built FA XML. Each problem becomes an
 * AgentError FA_XSD naming the invoice, the XML line and the validator's message. An empty list
 * means the document is valid.
 */
export async function checkXsd(doc: InvoiceXml): Promise<AgentError[]> {
  const validator = await loadFaValidator(doc.schema);
  return validator.validate(doc.xml).map(
    (p) =>
      new AgentError('FA_XSD', `${doc.schema} XML of invoice ${doc.invoiceNumber} does not match the official schema: ${p.message}`, {
        kind: 'data',
        where: { ...provenanceWhere(doc.provenance), invoice: doc.invoiceNumber, ...(p.line !== undefined ? { path: `FA XML line ${p.line}` } : {}) },
        rule: `official ${doc.schema} XSD`,
      }),
  );
}
