/**
 * The canonical fields of issue 11 item 9 that need more than copying a value: third parties
 * (FA Podmiot3), the line kind (sales-register rate rows) and the attachment (FA Zalacznik).
 * Kept apart from assemble() so that the catalogue-driven assembly can take it over as it is.
 */
import { lineField } from '../invoice/line-field.ts';
import { AgentError } from '../core/errors.ts';
import type { Attachment, Invoice, ThirdParty, ThirdPartyRole } from '../core/invoice.ts';
import type { Provenance } from '../core/records.ts';
import type { Values } from './build-invoice.ts';
import { buildParty } from './build-party.ts';
import { srcWhere } from './compile-rule.ts';
import { ATTACHMENT_CELL_SEPARATOR } from './field-catalog.ts';
import type { Rec } from './scope.ts';
import { recordWhere } from './source-read.ts';

export type FaExtras = Pick<Invoice, 'thirdParties' | 'lineKind' | 'attachment'>;

/** One line's attachmentRow as mapped: its text and where it came from. */
export interface AttachmentRowText {
  readonly text: string;
  readonly line: number;
  readonly where: Provenance;
}

const THIRD_PARTIES: readonly { readonly key: 'recipient' | 'payer'; readonly role: (v: Values) => ThirdPartyRole }[] = [
  { key: 'recipient', role: (v) => (v.str('thirdParties.recipient.role') as ThirdPartyRole | undefined) ?? 'recipient' },
  { key: 'payer', role: () => 'payer' },
];

/**
 * Whether a group has values of its own: a third party's role is usually a constant, and a
 * constant alone does not make a recipient appear on invoices whose recipient columns are empty.
 */
export function groupPresent(v: Values, group: Parameters<Values['has']>[0]): boolean {
  if (!group.startsWith('thirdParties.')) return v.has(group);
  for (const k of v.v.keys()) if (k.startsWith(group + '.') && k !== `${group}.role`) return true;
  return false;
}

/** Evaluated invoice values (and the lines' attachment rows) → the extra canonical fields; problems go to `errors`. */
export function buildFaExtras(v: Values, rows: readonly AttachmentRowText[], rec: Rec, invoice: string | undefined, errors: AgentError[]): FaExtras {
  const out: { -readonly [K in keyof FaExtras]: FaExtras[K] } = {};
  const parties: ThirdParty[] = [];
  for (const t of THIRD_PARTIES) {
    const path = `thirdParties.${t.key}` as const;
    if (!groupPresent(v, path)) continue;
    const p = buildParty(v, path, rec, invoice, errors);
    if (p) parties.push({ ...p, role: t.role(v) });
  }
  if (parties.length > 0) out.thirdParties = parties;
  const kind = v.str('lineKind');
  if (kind === 'items' || kind === 'rateRows') out.lineKind = kind;
  const attachment = buildAttachment(v, rows, rec, invoice, errors);
  if (attachment) out.attachment = attachment;
  return out;
}

const cells = (text: string): string[] => text.split(ATTACHMENT_CELL_SEPARATOR).map((c) => c.trim());

function buildAttachment(v: Values, rows: readonly AttachmentRowText[], rec: Rec, invoice: string | undefined, errors: AgentError[]): Attachment | undefined {
  if (!v.has('attachment') && rows.length === 0) return undefined;
  const s = (p: 'title' | 'metaKey' | 'metaValue' | 'text' | 'tableTitle' | 'tableColumns') => v.str(`attachment.${p}`);
  const columnsText = s('tableColumns');
  if (rows.length > 0 && columnsText === undefined) {
    const r = rows[0]!;
    errors.push(new AgentError('MAP_ATTACHMENT_TABLE', `line ${r.line} has an attachment row but the invoice has no attachment.tableColumns`, {
      where: { ...recordWhere(r.where), field: lineField(r.line - 1, 'attachmentRow'), value: r.text, ...(invoice ? { invoice } : {}) },
      rule: 'attachment rows need column headings: map invoice attachment.tableColumns ("Heading 1|Heading 2|…")',
    }));
    return undefined;
  }
  const metaKey = s('metaKey');
  const metaValue = s('metaValue');
  // a key is usually a constant: without its value there is simply no pair; a value without a key would be lost
  if (metaValue !== undefined && metaKey === undefined) {
    const src = v.src.get('attachment.metaKey'); // the empty cell's own place when it has one
    errors.push(new AgentError('MAP_ATTACHMENT_META', 'attachment.metaKey is empty but attachment.metaValue has a value', {
      where: { ...(src?.rec ? srcWhere(src) : recordWhere(rec.where)), field: 'attachment.metaKey', value: metaValue, ...(invoice ? { invoice } : {}) },
      rule: 'a descriptive pair (MetaDane) needs both key and value',
    }));
  }
  const text = s('text');
  const paragraphs = text === undefined ? [] : text.split(/\r\n|\r|\n/).map((p) => p.trim()).filter((p) => p !== '');
  const title = s('title');
  const tableTitle = s('tableTitle');
  const attachment: { -readonly [K in keyof Attachment]: Attachment[K] } = {
    meta: metaKey !== undefined && metaValue !== undefined ? [{ key: metaKey, value: metaValue }] : [],
    paragraphs,
  };
  // headings and titles are usually constants: only content (text, a pair, table rows) makes an attachment
  if (paragraphs.length === 0 && attachment.meta.length === 0 && rows.length === 0) return undefined;
  if (title !== undefined) attachment.title = title;
  if (columnsText !== undefined) {
    const columns = cells(columnsText);
    for (const r of rows) {
      const n = cells(r.text).length;
      if (n === columns.length) continue;
      errors.push(new AgentError('MAP_ATTACHMENT_TABLE', `line ${r.line}: the attachment row has ${n} cell${n === 1 ? '' : 's'} but the table has ${columns.length} column${columns.length === 1 ? '' : 's'} (${columns.join(' | ')})`, {
        where: { ...recordWhere(r.where), field: lineField(r.line - 1, 'attachmentRow'), value: r.text, ...(invoice ? { invoice } : {}) },
        rule: `cells separated by ${ATTACHMENT_CELL_SEPARATOR}, as many as attachment.tableColumns`,
      }));
    }
    attachment.table = {
      ...(tableTitle !== undefined ? { title: tableTitle } : {}),
      columns,
      rows: rows.map((r) => cells(r.text)),
    };
  }
  return attachment;
}
