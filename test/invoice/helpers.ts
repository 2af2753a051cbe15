import { XMLParser } from 'fast-xml-parser';
import type { CompanyProfile, Invoice, InvoiceLine } from '../../src/core/invoice.ts';

export const COMPANY: CompanyProfile = {
  nip: '9999999999',
  name: 'Hurtownia Testowa sp. z o.o.',
  address: { country: 'PL', line1: 'ul. Prosta 51', line2: '00-838 Warszawa' },
  email: 'faktury@example.pl',
  bankAccount: '61109010140000071219812874',
};

export const NOW = new Date('2026-03-02T10:15:00Z');

/** A plain net-priced domestic invoice; tests override what they exercise. */
export function invoice(over: Partial<Invoice> & { lines: readonly InvoiceLine[] }): Invoice {
  return {
    kind: 'VAT',
    number: 'FV/1/03/2026',
    issueDate: '2026-03-02',
    saleDate: '2026-03-01',
    buyer: {
      id: { type: 'nip', nip: '7740001454' },
      name: 'Odbiorca S.A.',
      address: { country: 'PL', line1: 'ul. Długa 5', line2: '80-001 Gdańsk' },
    },
    currency: 'PLN',
    pricing: 'net',
    provenance: { file: 'invoices.csv', row: 2 },
    ...over,
  };
}

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: false,
  isArray: (name) => ['FaWiersz', 'DaneFaKorygowanej', 'DodatkowyOpis', 'ZamowienieWiersz', 'RachunekBankowy'].includes(name),
});

export type Node = Record<string, any>;

/** The parsed Faktura element (values as strings). */
export function parseFa(xml: Buffer): Node {
  return parser.parse(xml.toString('utf8')).Faktura as Node;
}
