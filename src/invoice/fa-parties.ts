import { AgentError } from '../core/errors.ts';
import type { Address, CompanyProfile, Invoice, Party, ThirdPartyRole } from '../core/invoice.ts';
import type { FaProfile } from './fa-profile.ts';
import { normaliseNip } from '../core/nip.ts';
import type { FaNode } from './xml-node.ts';
import { invoiceFieldWhere } from './line-field.ts';

/** FA uses EL for Greece in KodUE (the EU's code), ISO says GR. */
export function euCode(country: string): string {
  const c = country.trim().toUpperCase();
  return c === 'GR' ? 'EL' : c;
}

/** EU VAT number without its country prefix, spaces or dots. */
export function euVatNumber(country: string, number: string): string {
  let n = number.replace(/[\s.\-]/g, '').toUpperCase();
  const prefixes = [country.toUpperCase(), euCode(country)];
  for (const p of prefixes) if (n.startsWith(p) && n.length > p.length) { n = n.slice(p.length); break; }
  return n;
}

/** Bank account as FA's NrRB: without spaces and dashes. */
export function bankAccountDigits(account: string): string {
  return account.replace(/[\s\u00a0\-]/g, '').toUpperCase();
}

function address(parent: FaNode, name: string, a: Address): void {
  parent.el(name).text('KodKraju', a.country.trim().toUpperCase()).text('AdresL1', a.line1).opt('AdresL2', a.line2);
}

function contact(parent: FaNode, p: { email?: string | undefined; phone?: string | undefined }): void {
  if (!p.email?.trim() && !p.phone?.trim()) return;
  parent.el('DaneKontaktowe').opt('Email', p.email).opt('Telefon', p.phone);
}

/** The seller: the invoice's own seller when the mapping gives one, else the company profile. */
export function sellerOf(inv: Invoice, company: CompanyProfile): { nip: string; name: string; address: Address; email?: string; phone?: string } {
  const s = inv.seller;
  if (s) {
    if (s.id.type !== 'nip') {
      throw new AgentError('FA_SELLER_NIP_MISSING', 'the seller must be identified by a Polish NIP', {
        where: { ...invoiceFieldWhere(inv, 'seller.id.type'), value: s.id.type },
        rule: 'Podmiot1 requires NIP',
      });
    }
    return {
      nip: normaliseNip(s.id.nip),
      name: s.name,
      address: s.address ?? company.address,
      ...(s.email ?? company.email ? { email: (s.email ?? company.email)! } : {}),
      ...(s.phone ?? company.phone ? { phone: (s.phone ?? company.phone)! } : {}),
    };
  }
  return {
    nip: normaliseNip(company.nip),
    name: company.name,
    address: company.address,
    ...(company.email ? { email: company.email } : {}),
    ...(company.phone ? { phone: company.phone } : {}),
  };
}

export function writeSeller(root: FaNode, inv: Invoice, company: CompanyProfile): string {
  const s = sellerOf(inv, company);
  const p1 = root.el('Podmiot1');
  p1.el('DaneIdentyfikacyjne').text('NIP', s.nip).text('Nazwa', s.name);
  address(p1, 'Adres', s.address);
  contact(p1, s);
  return s.nip;
}

function identification(parent: FaNode, party: Party, profile: FaProfile): void {
  const d = parent.el('DaneIdentyfikacyjne');
  const id = party.id;
  switch (id.type) {
    case 'nip':
      d.text('NIP', normaliseNip(id.nip));
      break;
    case 'eu-vat':
      d.text('KodUE', euCode(id.country)).text('NrVatUE', euVatNumber(id.country, id.number));
      break;
    case 'foreign':
      d.opt('KodKraju', id.country?.trim().toUpperCase()).text('NrID', profile.nrIdAlnumOnly ? id.id.replace(/[^a-zA-Z0-9]/g, '') : id.id);
      break;
    case 'none':
      d.text('BrakID', '1');
      break;
  }
  d.opt('Nazwa', party.name);
}

export function writeBuyer(root: FaNode, inv: Invoice, profile: FaProfile): void {
  const b = inv.buyer;
  const p2 = root.el('Podmiot2');
  identification(p2, b, profile);
  if (b.address) address(p2, 'Adres', b.address);
  contact(p2, b);
  p2.opt('NrKlienta', b.customerNumber);
  if (profile.buyerJstGv) {
    // "1" only together with the Podmiot3 that FA says must then name the unit (role 8 / 10)
    const has = (role: ThirdPartyRole) => (inv.thirdParties ?? []).some((t) => t.role === role);
    p2.text('JST', has('jst-recipient') ? '1' : '2').text('GV', has('vat-group-recipient') ? '1' : '2');
  }
}

/** FA `Podmiot3/Rola` codes. */
export const THIRD_PARTY_ROLE_CODES: Readonly<Record<ThirdPartyRole, string>> = {
  factor: '1',
  recipient: '2',
  'original-entity': '3',
  'additional-buyer': '4',
  issuer: '5',
  payer: '6',
  'jst-issuer': '7',
  'jst-recipient': '8',
  'vat-group-issuer': '9',
  'vat-group-recipient': '10',
  employee: '11',
};

/** Podmiot3 elements, in the XSD's sequence order (FA(2) and FA(3) share it). */
export function writeThirdParties(root: FaNode, inv: Invoice, profile: FaProfile): void {
  for (const t of inv.thirdParties ?? []) {
    const p3 = root.el('Podmiot3');
    identification(p3, t, profile);
    if (t.address) address(p3, 'Adres', t.address);
    contact(p3, t);
    p3.text('Rola', THIRD_PARTY_ROLE_CODES[t.role]);
    p3.opt('NrKlienta', t.customerNumber);
  }
}
