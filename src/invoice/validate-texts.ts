import type { CompanyProfile, Invoice } from '../core/invoice.ts';
import { hasInnerWhitespace, mojibakeSample } from './text-checks.ts';
import type { Where } from '../core/errors.ts';
import { lineField, lineFieldWhere } from './line-field.ts';
import type { Findings } from './validate.ts';

/**
 * Warnings about names and codes: what KSeF accepts but receivers' systems break on. (Control
 * characters are errors: validate-chars.ts.)
 */
export function checkTexts(f: Findings, inv: Invoice, company: CompanyProfile): void {
  const codes: [string | undefined, string][] = [
    [inv.seller?.id.type === 'nip' ? inv.seller.id.nip : inv.seller ? undefined : company.nip, inv.seller ? 'seller.id.nip' : 'company.nip'],
    [inv.buyer.id.type === 'nip' ? inv.buyer.id.nip : undefined, 'buyer.id.nip'],
    [inv.buyer.id.type === 'eu-vat' ? inv.buyer.id.number : undefined, 'buyer.id.number'],
    [inv.buyer.id.type === 'foreign' ? inv.buyer.id.id : undefined, 'buyer.id.id'],
    [inv.payment?.bankAccount, 'payment.bankAccount'],
  ];
  for (const [value, field] of codes) {
    if (value !== undefined && hasInnerWhitespace(value)) {
      f.warn('FA_WHITESPACE_IN_CODE', `${field} contains spaces: they are removed in the FA XML, check the source`, field, value, 'codes without whitespace');
    }
  }
  const texts: [string | undefined, string, (() => Where)?][] = [
    [inv.seller?.name, 'seller.name'],
    [inv.buyer.name, 'buyer.name'],
    [inv.buyer.address?.line1, 'buyer.address.line1'],
    [inv.buyer.address?.line2, 'buyer.address.line2'],
    [inv.seller?.address?.line1, 'seller.address.line1'],
    [inv.seller?.address?.line2, 'seller.address.line2'],
    [inv.issuePlace, 'issuePlace'],
    [inv.footer, 'footer'],
    [inv.correction?.reason, 'correction.reason'],
    ...inv.lines.map((l, i): [string | undefined, string, () => Where] => [l.description, lineField(i, 'description'), () => lineFieldWhere(inv, i, 'description')]),
    ...(inv.notes ?? []).map((n, i): [string | undefined, string] => [n.value, `notes[${i + 1}].value`]),
  ];
  for (const [value, field, at] of texts) {
    if (value === undefined) continue;
    const sample = mojibakeSample(value);
    if (sample) {
      f.warn('FA_MOJIBAKE', `${field} looks like UTF-8 read as a single-byte code page ("${sample}" instead of a Polish letter)`,
        field, value, 'check the mapping input encoding (UTF-8 vs windows-1250)', at?.());
    }
  }
}
