// INVOICE_SELLER_NOT_ALLOWED names the invoice's place like every other error: file, sheet, row,
// field and value — not the record's internal map of cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sellerNotAllowed } from '../../src/pipeline/check-sellers.ts';

test('the seller error names the place, the field and the value, without the cell maps of the provenance', () => {
  const e = sellerNotAllowed({ id: 'biuro', nip: '5265877635', actsFor: ['1111111111'] }, '5260250274', 'FV/7', 'klienci.xlsx',
    { file: 'klienci.xlsx', sheet: 'Faktury', row: 4, cells: { NIP: 'C4', Numer: 'A4' } } as never);
  assert.deepEqual(e.where, { file: 'klienci.xlsx', sheet: 'Faktury', row: 4, invoice: 'FV/7', field: 'seller.id.nip', value: '5260250274' });
  assert.equal(e.code, 'INVOICE_SELLER_NOT_ALLOWED');
  assert.match(e.message, /seller NIP 5260250274 is neither the NIP of company biuro \(5265877635\) nor a client it acts for \(its actsFor lists 1111111111\)/);
});
