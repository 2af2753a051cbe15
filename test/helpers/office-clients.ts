// The accounting office of the permission tests (issue 10): its NIP, its clients, the mapping of
// the JSON export it receives from them, and one invoice of a client as that export.
import { localToday } from '../../src/pipeline/pipeline-context.ts';

// fictional NIPs with valid check digits
export const OFFICE = '5265877635';
export const GRANTED = ['1111111111', '2222222222', '3333333333'];
export const UNGRANTED = '4444444444';
export const STRANGER = '5260250274';

export interface OfficeResult { status: string; summary: { accepted: number }; invoices: { status: string; ksefNumber: string | null }[] }

export const OFFICE_MAPPING = {
  name: 'Office clients (JSON)',
  input: { format: 'json', encoding: 'utf-8', json: { recordPath: 'invoices' } },
  invoices: { per: 'record', lines: 'items' },
  invoice: {
    number: { path: 'number' },
    issueDate: { path: 'date' },
    seller: {
      taxId: { path: 'seller_nip' },
      name: { path: 'seller_name' },
      address: { line1: { value: 'ul. Kliencka 1' }, line2: { value: '00-001 Warszawa' } },
    },
    buyer: {
      taxId: { value: '9520000005' },
      name: { value: 'Nabywca sp. z o.o.' },
      address: { line1: { value: 'ul. Kupiecka 2' }, line2: { value: '00-002 Warszawa' } },
    },
  },
  line: {
    description: { path: 'name' },
    quantity: { path: 'qty', decimal: 'dot' },
    unitNetPrice: { path: 'price', decimal: 'dot' },
    vatRate: { path: 'vat' },
  },
};

export function invoiceFile(seller: string): string {
  return JSON.stringify({
    invoices: [{
      number: `FV/${seller}/1`, date: localToday(), seller_nip: seller, seller_name: `Klient ${seller} sp. z o.o.`,
      items: [{ name: 'Usługa księgowa', qty: '1', price: '100.00', vat: '23' }],
    }],
  });
}
