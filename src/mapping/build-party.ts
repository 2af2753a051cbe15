/** Seller/buyer from evaluated values: the tax id's shape decides NIP, EU VAT, foreign id or none. */
import { AgentError } from '../core/errors.ts';
import type { Party, PartyId } from '../core/invoice.ts';
import type { Values } from './build-invoice.ts';
import type { Rec } from './scope.ts';
import { recordWhere } from './source-read.ts';

const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'XI']);

export function buildParty(v: Values, who: 'buyer' | 'seller', rec: Rec, invoice: string | undefined, errors: AgentError[]): Party | undefined {
  const s = (p: string) => v.str(`${who}.${p}`);
  const country = s('address.country');
  const taxId = s('taxId');
  const type = s('idType') as PartyId['type'] | undefined;
  const idCountry = s('idCountry');
  const fail = (message: string, rule: string): undefined => {
    errors.push(
      new AgentError('MAP_TAX_ID', message, {
        where: { ...(v.where.get(`${who}.taxId`) ?? recordWhere(rec.where)), field: `${who}.taxId`, value: taxId ?? '', ...(invoice ? { invoice } : {}) },
        rule,
      }),
    );
    return undefined;
  };
  let id: PartyId | undefined;
  if (type === 'none' || (type === undefined && taxId === undefined)) id = { type: 'none' };
  else if (taxId === undefined) return fail(`${who}.idType is ${type} but ${who}.taxId is empty`, 'a tax id is needed for this id type');
  else if (type === 'nip' || (type === undefined && /^(PL)?\d+$/.test(taxId) && (country === undefined || country === 'PL') && (idCountry === undefined || idCountry === 'PL'))) {
    const nip = taxId.replace(/^PL/, '');
    if (!/^\d{10}$/.test(nip)) return fail(`"${taxId}" is not a NIP: a NIP has 10 digits`, 'NIP: 10 digits, optionally with PL, dashes or spaces');
    id = { type: 'nip', nip };
  } else if (type === 'eu-vat' || (type === undefined && /^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(taxId) && EU.has(taxId.slice(0, 2)))) {
    const prefixed = /^[A-Z]{2}/.test(taxId) && EU.has(taxId.slice(0, 2));
    const c = prefixed ? taxId.slice(0, 2) : (idCountry ?? country);
    if (!c || !EU.has(c)) return fail(`"${taxId}" has no EU country prefix and no idCountry`, 'EU VAT number with its country prefix, e.g. DE123456789');
    id = { type: 'eu-vat', country: c, number: prefixed ? taxId.slice(2) : taxId };
  } else {
    const c = idCountry ?? (country !== 'PL' ? country : undefined);
    id = c ? { type: 'foreign', country: c, id: taxId } : { type: 'foreign', id: taxId };
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
