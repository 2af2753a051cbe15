/** StoreIndex keeps finished work packed; what a lookup gives back is the same facts as the record. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localDay } from '../../src/core/local-day.ts';
import { StoreIndex } from '../../src/store/store-index.ts';
import type { FileRecord, InvoiceRecord } from '../../src/store/state-store.ts';

const AT = '2026-03-02T10:00:00.000Z';
const file: FileRecord = {
  id: '20260302T100000Z-1-fv#1.csv', companyId: 'acme', inboxId: 'csv', sourceName: 'fv#1.csv', path: '/w/20260302T100000Z-1-fv#1.csv', size: 10,
  sha256: 'sha-1', claimedAt: AT, state: 'done', invoiceIds: ['20260302T100000Z-1-fv#1.csv#1', '20260302T100000Z-1-fv#1.csv#2'],
  errors: [{ code: 'X', message: 'y' }], finishedAt: AT, updatedAt: AT,
};
const accepted: InvoiceRecord = {
  id: '20260302T100000Z-1-fv#1.csv#1', fileId: file.id, companyId: 'acme', number: 'FV/1/2026', kind: 'VAT', sellerNip: '5265877635', hash: 'aGFzaA==',
  state: 'accepted', sessionKind: 'batch', sessionReferenceNumber: 'S-1', invoiceReferenceNumber: 'R-1', ksefNumber: 'K-1', acquisitionDate: '2026-03-02T10:00:01Z',
  upoFile: 'K-1.xml', duplicateOfOriginal: true, intentAt: AT, sentAt: AT, finalAt: AT, updatedAt: '2026-03-02T10:00:02.000Z',
};
const rejected: InvoiceRecord = {
  id: '20260302T100000Z-1-fv#1.csv#2', fileId: file.id, companyId: 'acme', number: 'FV/2/2026', kind: 'VAT', sellerNip: '5265877635', hash: 'aA==',
  state: 'rejected', error: { code: 'KSEF_450', message: 'bad' }, finalAt: AT, updatedAt: AT,
};

test('an accepted invoice of finished work comes back with its facts (not intentAt/sentAt); a finished file without ids and errors', () => {
  const index = new StoreIndex();
  index.addFinished({ file, invoices: [accepted, rejected] });
  const { intentAt: _i, sentAt: _s, ...facts } = accepted;
  assert.deepEqual(index.accepted('5265877635', 'VAT', 'FV/1/2026'), facts);
  assert.equal(index.accepted('5265877635', 'VAT', 'FV/2/2026'), undefined);
  assert.equal(index.accepted('5265877635', 'KOR', 'FV/1/2026'), undefined);
  const { errors: _e, ...rest } = file;
  assert.deepEqual(index.finishedFile(file.id), { ...rest, invoiceIds: [] });
  assert.deepEqual(index.filesByHash('acme', 'sha-1'), [file.id]);
  assert.deepEqual(index.dayCounts(localDay(AT)), { accepted: 1, rejected: 1, failed: 0, filesFailed: 0 });
});

test('an accepted invoice still active is the live record; optional facts absent stay absent once finished', () => {
  const index = new StoreIndex();
  const plain: InvoiceRecord = { id: 'f#1', fileId: 'f', companyId: 'acme', number: 'A/1', kind: 'VAT', sellerNip: '5265877635', hash: 'h', state: 'accepted', ksefNumber: 'K-9', finalAt: AT, updatedAt: AT };
  index.invoiceChanged(plain);
  assert.equal(index.accepted('5265877635', 'VAT', 'A/1'), plain);
  index.addFinished({ file: { ...file, id: 'f', sha256: 'sha-2' }, invoices: [plain] });
  const back = index.accepted('5265877635', 'VAT', 'A/1');
  assert.notEqual(back, plain);
  assert.deepEqual(back, plain);
});
