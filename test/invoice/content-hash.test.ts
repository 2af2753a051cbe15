// The business content of an FA document (issue 9 item 5): its hash ignores only the creation
// time; the differences between two documents are named field by field; the store keeps the hash
// of finished invoices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { faContentHash } from '../../src/invoice/content-hash.ts';
import { describeDifference, diffFa } from '../../src/invoice/fa-diff.ts';
import { StoreIndex } from '../../src/store/store-index.ts';
import type { InvoiceRecord } from '../../src/store/state-store.ts';
import { COMPANY, NOW, invoice } from './helpers.ts';

const base = invoice({ lines: [{ description: 'Kawa', quantity: '12', unitNetPrice: '64.90', vatRate: '23' }, { description: 'Herbata', quantity: '1', unitNetPrice: '8.45', vatRate: '23' }] });
const xmlOf = (inv = base, now = NOW) => buildFaXml(inv, 'FA(3)', COMPANY, { now }).xml;

test('the content hash ignores the creation time and nothing else', () => {
  const a = xmlOf();
  const later = xmlOf(base, new Date(NOW.getTime() + 86_400_000));
  assert.notDeepEqual(a, later, 'the bytes differ (DataWytworzeniaFa)');
  assert.equal(faContentHash(a), faContentHash(later));
  const dearer = xmlOf(invoice({ ...base, lines: [{ ...base.lines[0]!, unitNetPrice: '70' }, base.lines[1]!] }));
  assert.notEqual(faContentHash(a), faContentHash(dearer));
  const otherBuyer = xmlOf(invoice({ ...base, lines: base.lines, buyer: { ...base.buyer, name: 'Inny S.A.' } }));
  assert.notEqual(faContentHash(a), faContentHash(otherBuyer));
});

test('the differences name each field with its value before and after; the creation time is not one', () => {
  const before = xmlOf();
  const after = xmlOf(invoice({
    ...base, issueDate: '2026-03-01', buyer: { ...base.buyer, name: 'Inny S.A.' },
    lines: [{ ...base.lines[0]!, unitNetPrice: '70' }, base.lines[1]!, { description: 'Cukier', quantity: '1', unitNetPrice: '5', vatRate: '23' }],
  }), new Date(NOW.getTime() + 1000));
  const d = diffFa(before, after).map(describeDifference);
  for (const expected of [
    'number of lines: 2 → 3',
    'issue date (P_1): 2026-03-02 → 2026-03-01',
    'buyer name (Nazwa): Odbiorca S.A. → Inny S.A.',
    'line 1 unit net price (P_9A): 64.9 → 70',
    'line 1 net value (P_11): 778.80 → 840.00',
    'line 3 description (P_7): (none) → Cukier',
    'gross total (P_15): 968.32 → 1049.74',
  ]) assert.ok(d.includes(expected), `${expected} in ${JSON.stringify(d)}`);
  assert.ok(!d.some((x) => x.includes('DataWytworzeniaFa')));
  assert.deepEqual(diffFa(before, xmlOf(base, new Date(NOW.getTime() + 5000))), []);
});

test('the store index keeps the content hash of a finished accepted invoice (and none when it had none)', () => {
  const at = '2026-03-02T10:00:00.000Z';
  const rec: InvoiceRecord = { id: 'f#1', fileId: 'f', companyId: 'acme', number: 'A/1', kind: 'VAT', sellerNip: '5265877635', hash: 'h', contentHash: 'c', state: 'accepted', ksefNumber: 'K', finalAt: at, updatedAt: at };
  const index = new StoreIndex();
  const file = { id: 'f', companyId: 'acme', inboxId: 'i', sourceName: 'f.csv', path: '/f', size: 1, sha256: 's', claimedAt: at, state: 'done' as const, invoiceIds: ['f#1', 'f#2'], updatedAt: at };
  const { contentHash: _c, ...legacy } = { ...rec, id: 'f#2', number: 'A/2' };
  index.addFinished({ file, invoices: [rec, legacy] });
  assert.equal(index.accepted('5265877635', 'VAT', 'A/1')!.contentHash, 'c');
  assert.equal('contentHash' in index.accepted('5265877635', 'VAT', 'A/2')!, false);
});
