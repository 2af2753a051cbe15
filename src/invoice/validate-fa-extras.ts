import type { FaSchema, Invoice } from '../core/invoice.ts';
import { nipProblem, normaliseNip } from '../core/nip.ts';
import { ATTACHMENT_LIMITS as L } from './fa-attachment.ts';
import type { Findings } from './validate.ts';

/**
 * Third parties (Podmiot3), the buyer a special rate needs, and the attachment's limits. Each
 * refusal names the field; FA(2) differences (no attachments, no employee role, Podmiot3 address
 * required) are refused here instead of surfacing as an XSD message.
 */
export function checkFaExtras(f: Findings, inv: Invoice, schema: FaSchema): void {
  checkThirdParties(f, inv, schema);
  checkRateBuyer(f, inv);
  checkAttachment(f, inv, schema);
}

function checkThirdParties(f: Findings, inv: Invoice, schema: FaSchema): void {
  (inv.thirdParties ?? []).forEach((t, i) => {
    const field = `thirdParties[${i}]`;
    if (t.id.type === 'nip') {
      const problem = nipProblem(normaliseNip(t.id.nip));
      if (problem) f.error('FA_NIP_INVALID', `${t.role} NIP ${JSON.stringify(t.id.nip)} is not valid`, `${field}.id.nip`, t.id.nip, problem);
    }
    if (t.id.type !== 'none' && !t.name?.trim()) {
      f.error('FA_FIELD_MISSING', `the ${t.role} name is empty`, `${field}.name`, t.name ?? '', 'a third party with a tax id needs a name');
    }
    if ((t.role === 'jst-recipient' || t.role === 'vat-group-recipient') && t.id.type !== 'nip') {
      const who = t.role === 'jst-recipient' ? 'a local-government unit (JST) recipient' : 'a VAT-group member recipient';
      f.error('FA_THIRD_PARTY_INVALID', `${who} must be identified by its NIP (it has ${t.id.type === 'none' ? 'no tax id' : `a ${t.id.type} id`})`, `${field}.id`, t.id.type,
        `FA: Podmiot2 ${t.role === 'jst-recipient' ? 'JST' : 'GV'} = 1 requires Podmiot3 with the unit's NIP and role ${t.role === 'jst-recipient' ? '8' : '10'}`);
    }
    if (schema === 'FA(2)' && t.role === 'employee') {
      f.error('FA_THIRD_PARTY_INVALID', 'FA(2) has no employee role for a third party', `${field}.role`, t.role, 'Podmiot3 role 11 (employee) exists in FA(3) only');
    }
    if (schema === 'FA(2)' && !t.address) {
      f.error('FA_THIRD_PARTY_INVALID', `FA(2) requires the ${t.role}'s address`, `${field}.address`, undefined, 'FA(2) Podmiot3/Adres is required');
    }
  });
}

/** 0 % intra-EU supply and domestic reverse charge depend on who the buyer is. */
function checkRateBuyer(f: Findings, inv: Invoice): void {
  const first = (rate: string) => inv.lines.findIndex((l) => l.vatRate === rate);
  const wdt = first('0 WDT');
  if (wdt >= 0 && inv.buyer.id.type !== 'eu-vat') {
    f.error('FA_RATE_BUYER', `line ${wdt + 1} is an intra-EU supply at 0 % (0 WDT), but the buyer has ${describe(inv)} instead of an EU VAT number`, 'buyer.id', inv.buyer.id.type,
      '0 WDT needs the buyer\'s EU VAT number (country prefix and number: Podmiot2 KodUE + NrVatUE)', inv.lines[wdt]!.provenance);
  }
  const oo = first('oo');
  if (oo >= 0 && inv.buyer.id.type !== 'nip') {
    f.error('FA_RATE_BUYER', `line ${oo + 1} is under domestic reverse charge (oo), but the buyer has ${describe(inv)} instead of a Polish NIP`, 'buyer.id', inv.buyer.id.type,
      'oo (art. 17 ust. 1 pkt 7–8) needs a buyer identified by a Polish NIP', inv.lines[oo]!.provenance);
  }
}

function describe(inv: Invoice): string {
  const id = inv.buyer.id;
  return id.type === 'none' ? 'no tax id' : id.type === 'nip' ? 'a Polish NIP' : id.type === 'eu-vat' ? 'an EU VAT number' : 'a non-EU tax id';
}

function checkAttachment(f: Findings, inv: Invoice, schema: FaSchema): void {
  const a = inv.attachment;
  if (!a) return;
  if (schema !== 'FA(3)') {
    f.error('FA_ATTACHMENT_UNSUPPORTED', `${schema} has no attachments (Zalacznik); send FA(3) or leave the attachment out`, 'attachment', undefined, 'Zalacznik exists in FA(3) only');
    return;
  }
  const long = (value: string | undefined, max: number, field: string, what: string) => {
    if (value !== undefined && value.trim().length > max) {
      f.error('FA_ATTACHMENT_LIMIT', `${what} has ${value.trim().length} characters; FA(3) takes at most ${max}`, field, value, `at most ${max} characters`);
    }
  };
  long(a.title, L.title, 'attachment.title', 'the attachment heading');
  a.meta.forEach((m, i) => {
    long(m.key, L.metaText, `attachment.meta[${i}].key`, 'the attachment key');
    long(m.value, L.metaText, `attachment.meta[${i}].value`, 'the attachment value');
  });
  if (a.paragraphs.length > L.paragraphs) {
    f.error('FA_ATTACHMENT_LIMIT', `the attachment text has ${a.paragraphs.length} paragraphs; FA(3) takes at most ${L.paragraphs}`, 'attachment.paragraphs', String(a.paragraphs.length),
      `at most ${L.paragraphs} paragraphs (line breaks in attachment.text)`);
  }
  a.paragraphs.forEach((p, i) => long(p, L.paragraph, `attachment.paragraphs[${i}]`, `attachment paragraph ${i + 1}`));
  const t = a.table;
  if (!t) return;
  long(t.title, L.tableTitle, 'attachment.table.title', 'the table description');
  if (t.columns.length > L.columns) {
    f.error('FA_ATTACHMENT_LIMIT', `the attachment table has ${t.columns.length} columns; FA(3) takes at most ${L.columns}`, 'attachment.table.columns', String(t.columns.length), `at most ${L.columns} columns`);
  }
  if (t.rows.length > L.rows) {
    f.error('FA_ATTACHMENT_LIMIT', `the attachment table has ${t.rows.length} rows; FA(3) takes at most ${L.rows}`, 'attachment.table.rows', String(t.rows.length), `at most ${L.rows} rows`);
  }
  t.columns.forEach((c, i) => long(c, L.cell, `attachment.table.columns[${i}]`, `column heading ${i + 1}`));
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) {
      f.error('FA_ATTACHMENT_LIMIT', `attachment table row ${i + 1} has ${r.length} cells but the table has ${t.columns.length} columns`, `attachment.table.rows[${i}]`, r.join(' | '), 'every row has one cell per column');
    }
    r.forEach((c, k) => long(c, L.cell, `attachment.table.rows[${i}][${k}]`, `cell ${k + 1} of table row ${i + 1}`));
  });
}
