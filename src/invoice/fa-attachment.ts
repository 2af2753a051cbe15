import { AgentError } from '../core/errors.ts';
import type { Invoice } from '../core/invoice.ts';
import type { FaProfile } from './fa-profile.ts';
import type { FaNode } from './xml-node.ts';
import { invoiceFieldWhere } from './line-field.ts';

/** What FA(3) allows in one attachment block (the XSD's maxOccurs and maxLength). */
export const ATTACHMENT_LIMITS = {
  title: 512,
  metaText: 256,
  paragraphs: 10,
  paragraph: 512,
  tableTitle: 512,
  columns: 20,
  rows: 1000,
  cell: 256,
} as const;

/**
 * Zalacznik with one BlokDanych: ZNaglowek, MetaDane (the XSD wants at least one: the invoice
 * number when the mapping gives none), Tekst/Akapit, and one Tabela of text cells (Typ "txt":
 * the cells are whatever the ERP printed, so no type is claimed for them). Limits are checked
 * by validateInvoice (FA_ATTACHMENT_LIMIT) before anything is written.
 */
export function writeAttachment(root: FaNode, inv: Invoice, profile: FaProfile): void {
  const a = inv.attachment;
  if (!a) return;
  if (profile.schema !== 'FA(3)') {
    throw new AgentError('FA_ATTACHMENT_UNSUPPORTED', `${profile.schema} has no attachments (Zalacznik); send FA(3) or leave the attachment out`, {
      where: invoiceFieldWhere(inv, 'attachment'),
      rule: 'Zalacznik exists in FA(3) only',
    });
  }
  const block = root.el('Zalacznik').el('BlokDanych');
  block.opt('ZNaglowek', a.title);
  const meta = a.meta.length > 0 ? a.meta : [{ key: 'Numer faktury', value: inv.number }];
  for (const m of meta) block.el('MetaDane').text('ZKlucz', m.key).text('ZWartosc', m.value);
  const paragraphs = a.paragraphs.filter((p) => p.trim() !== '');
  if (paragraphs.length > 0) {
    const t = block.el('Tekst');
    for (const p of paragraphs) t.text('Akapit', p);
  }
  if (a.table && a.table.rows.length > 0) {
    const tab = block.el('Tabela');
    tab.opt('Opis', a.table.title);
    const head = tab.el('TNaglowek');
    for (const c of a.table.columns) head.el('Kol', { Typ: 'txt' }).text('NKom', c);
    for (const r of a.table.rows) {
      const w = tab.el('Wiersz');
      for (const c of r) w.text('WKom', c);
    }
  }
}
