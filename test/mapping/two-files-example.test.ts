/**
 * The two-files example (input.companion): header file + lines file read as one source, lines
 * joined to their invoice by number wherever they are; full canonical invoices, each line's
 * provenance naming the lines file and its row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/core/errors.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';

const H = 'FS_2026_11_10_nag.csv';
const L = 'FS_2026_11_10_poz.csv';
const opts = { mapping: 'mappings/two-files-csv.json', schema: 'FA(3)' as const, today: '2026-11-21' };

test('two-files-csv: header file + lines file, lines of one invoice not adjacent, full canonical invoices', async () => {
  const p = await previewFile(`inbox-example/two-files/${H}`, opts);
  assert.deepEqual(p.errors.map(describeError), []);
  const party = (nip: string, name: string, line1: string, line2: string) => ({ id: { type: 'nip', nip }, name, address: { country: 'PL', line1, line2 } });
  const fieldCells = { description: 'Nazwa', unit: 'JM', quantity: 'Ilość', unitNetPrice: 'Cena netto', vatRate: 'VAT' }; // the lines file's columns
  const line = (row: number, description: string, unit: string, quantity: string, unitNetPrice: string, vatRate: string) => ({ description, unit, quantity, unitNetPrice, vatRate, provenance: { file: L, row, line: row + 1, fieldCells } });
  const invoices = p.invoices.map((i) => JSON.parse(JSON.stringify(i.invoice)) as unknown);
  assert.deepEqual(invoices, [
    {
      kind: 'VAT', number: 'FS/301/11/2026', issueDate: '2026-11-09', saleDate: '2026-11-09',
      buyer: party('5261040828', 'Pracownia Stolarska Dębowy Kąt s.c.', 'ul. Leśna 14', '05-120 Legionowo'),
      currency: 'PLN', pricing: 'net',
      lines: [line(1, 'Lakier bezbarwny 5 l', 'szt.', '2', '149', '23'), line(4, 'Pędzel płaski 50 mm', 'szt.', '4', '11.9', '23'), line(7, 'Papier ścierny P120', 'ark.', '50', '1.2', '23')],
      payment: { dueDate: '2026-11-23', method: '6' },
      provenance: { file: H, row: 1, line: 2 },
    },
    {
      kind: 'VAT', number: 'FS/302/11/2026', issueDate: '2026-11-10', saleDate: '2026-11-09',
      buyer: party('9512284614', 'Kwiaciarnia Pod Różą Anna Kowal', 'ul. Ogrodowa 3', '26-600 Radom'),
      currency: 'PLN', pricing: 'net',
      lines: [line(2, 'Ziemia uniwersalna 50 l', 'szt.', '12', '18.5', '8'), line(5, 'Doniczka ceramiczna 20 cm', 'szt.', '24', '12.9', '23')],
      payment: { dueDate: '2026-11-24', method: '6' },
      provenance: { file: H, row: 2, line: 3 },
    },
    {
      kind: 'VAT', number: 'FS/303/11/2026', issueDate: '2026-11-10', saleDate: '2026-11-10',
      buyer: party('7743121957', 'Szkoła Językowa Lingwa Sp. z o.o.', 'al. Jana Pawła II 7', '09-400 Płock'),
      currency: 'PLN', pricing: 'net',
      lines: [line(3, 'Podręcznik do angielskiego B1', 'szt.', '15', '54', '5'), line(6, 'Zeszyt A5 60 k.', 'szt.', '30', '3.1', '23')],
      payment: { dueDate: '2026-11-24', method: '6' },
      provenance: { file: H, row: 3, line: 4 },
    },
  ]);
  assert.ok(p.ok);
});

test('two-files-csv: preview of the lines file alone, or of a header file without its lines file beside it, says which file is missing', async () => {
  const alone = await previewFile(`inbox-example/two-files/${L}`, opts);
  assert.deepEqual(alone.errors.map((e) => [e.code, e.where.file]), [['INBOX_COMPANION_ALONE', L]]);
  const lonely = await previewFile('test/fixtures/does-not-matter/FS_2026_12_01_nag.csv', opts);
  assert.deepEqual(lonely.errors.map((e) => e.code), ['INBOX_COMPANION_MISSING']);
  assert.match(lonely.errors[0]!.message, /companion file FS_2026_12_01_poz\.csv did not come within 10 minutes/);
});
