/** Seller/buyer from evaluated values: the tax id's shape decides NIP, EU VAT, foreign id or none. */
import { AgentError } from '../core/errors.ts';
import type { Party, PartyId } from '../core/invoice.ts';
import type { Values } from './build-invoice.ts';
import type { PartyFieldPath } from './field-catalog.ts';
import { srcWhere } from './compile-rule.ts';
import type { Rec } from './scope.ts';
import { recordWhere } from './source-read.ts';

const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'XI']);

/** `who`: the party's path among the invoice values: buyer, seller, thirdParties.recipient, thirdParties.payer */
export function buildParty(v: Values, who: 'buyer' | 'seller' | 'thirdParties.recipient' | 'thirdParties.payer', rec: Rec, invoice: string | undefined, errors: AgentError[]): Party | undefined {
  const s = (p: PartyFieldPath) => v.str(`${who}.${p}`);
  const country = s('address.country');
  const taxId = s('taxId');
  const type = s('idType') as PartyId['type'] | undefined;
  const idCountry = s('idCountry');
  const fail = (message: string, rule: string): undefined => {
    errors.push(
      new AgentError('MAP_TAX_ID', message, {
        where: { ...(v.src.has(`${who}.taxId`) ? srcWhere(v.src.get(`${who}.taxId`)!) : recordWhere(rec.where)), field: `${who}.taxId`, value: taxId ?? '', ...(invoice ? { invoice } : {}) },
        rule,
      }),
    );
    return undefined;
  };
  const prefix = taxId !== undefined && /^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(taxId) && EU.has(taxId.slice(0, 2)) ? taxId.slice(0, 2) : undefined;
  const c = idCountry ?? country ?? 'PL';
  const kind: PartyId['type'] = type ?? (taxId === undefined ? 'none' : prefix === 'PL' || (prefix === undefined && c === 'PL') ? 'nip' : prefix !== undefined || EU.has(c) ? 'eu-vat' : 'foreign');
  let id: PartyId;
  if (kind === 'none') id = { type: 'none' };
  else if (taxId === undefined) return fail(`${who}.idType is ${kind} but ${who}.taxId is empty`, 'a tax id is needed for this id type');
  else if (kind === 'nip') {
    const nip = taxId.replace(/^PL/, '');
    if (!/^\d{10}$/.test(nip)) return fail(`"${taxId}" is not a NIP: a NIP has 10 digits`, 'NIP: 10 digits, optionally with PL, dashes or spaces; set idType or idCountry for foreign ids');
    id = { type: 'nip', nip };
  } else if (kind === 'eu-vat') {
    const ec = prefix ?? c;
    if (!EU.has(ec)) return fail(`"${taxId}" has no EU country prefix and the country ${ec} is not in the EU`, 'EU VAT number with its country prefix, e.g. DE123456789');
    id = { type: 'eu-vat', country: ec, number: prefix ? taxId.slice(2) : taxId };
  } else {
    const fc = idCountry ?? (country !== undefined && country !== 'PL' ? country : undefined);
    id = fc ? { type: 'foreign', country: fc, id: taxId } : { type: 'foreign', id: taxId };
  }
  const line1 = s('address.line1');
  const line2 = s('address.line2');
  const party: Record<string, unknown> = { id, name: s('name') ?? '' };
  if (line1 !== undefined || line2 !== undefined) party['address'] = { country: country ?? 'PL', line1: line1 ?? line2 ?? '', ...(line1 !== undefined && line2 !== undefined ? { line2 } : {}) };
  for (const k of ['email', 'phone', 'customerNumber'] as const) {
    const x = s(k);
    if (x !== undefined) party[k] = x;
  }
  return party as unknown as Party;
}
