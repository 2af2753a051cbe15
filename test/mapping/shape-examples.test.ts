/**
 * The issue-11 example mappings (wide CSV, marketplace JSON Lines with a delivery line, two-sheet
 * workbook joined by key), each giving its full canonical invoices from its example file in
 * inbox-example/, read by the real reader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import { describeError } from '../../src/core/errors.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { mapRecords, type MappedInvoice } from '../../src/mapping/apply-mapping.ts';
import type { CompiledMapping } from '../../src/mapping/compiled-mapping.ts';
import { readRecords } from '../../src/readers/index.ts';
import { TWO_SHEETS_XLSX, makeTwoSheetsXlsx } from '../../scripts/make-two-sheets-xlsx.ts';

/** Every invoice the mapping gives from a file, read by its real reader (twice where lookups need it). */
async function mapFile(m: CompiledMapping, file: string): Promise<MappedInvoice[]> {
  const out: MappedInvoice[] = [];
  for await (const r of mapRecords(m, () => readRecords(file, m.input, basename(file)), { today: '2026-11-21' })) out.push(r);
  return out;
}

const ok = (out: readonly MappedInvoice[]) => out.map((r) => (r.ok ? r.invoice : assert.fail(r.errors.map(describeError).join('\n'))));

test('wide-csv: one row per invoice, Pozycja1…4 groups become lines, empty groups skipped', async () => {
  const m = await loadMapping('mappings/wide-csv.json');
  const file = 'inbox-example/wide/faktury-wiersz-na-fakture.csv';
  const out = await mapFile(m, file);
  const F = 'faktury-wiersz-na-fakture.csv';
  // each field of a line names the column of its own group
  const cells = (n: number) => ({ description: `Pozycja${n}_Nazwa`, unit: `Pozycja${n}_JM`, quantity: `Pozycja${n}_Ilosc`, unitNetPrice: `Pozycja${n}_Cena`, vatRate: `Pozycja${n}_VAT` });
  const at = (row: number, n: number) => ({ file: F, row, line: row + 1, fieldCells: cells(n) });
  const party = (nip: string, name: string, line1: string, line2: string) => ({ id: { type: 'nip', nip }, name, address: { country: 'PL', line1, line2 } });
  assert.deepEqual(ok(out), [
    {
      kind: 'VAT', number: 'FV/101/11/2026', issueDate: '2026-11-04', saleDate: '2026-11-04',
      buyer: party('5261040828', 'Pracownia Stolarska Dębowy Kąt s.c.', 'ul. Leśna 14', '05-120 Legionowo'),
      currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Lakier bezbarwny 5 l', unit: 'szt.', quantity: '3', unitNetPrice: '149', vatRate: '23', provenance: at(1, 1) },
        { description: 'Papier ścierny P120', unit: 'ark.', quantity: '50', unitNetPrice: '1.2', vatRate: '23', provenance: at(1, 2) },
      ],
      payment: { dueDate: '2026-11-18', method: '6' },
      provenance: { file: F, row: 1, line: 2 },
    },
    {
      kind: 'VAT', number: 'FV/102/11/2026', issueDate: '2026-11-05', saleDate: '2026-11-05',
      buyer: party('9512284614', 'Kwiaciarnia Pod Różą Anna Kowal', 'ul. Ogrodowa 3', '26-600 Radom'),
      currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Ziemia uniwersalna 50 l', unit: 'szt.', quantity: '10', unitNetPrice: '18.5', vatRate: '8', provenance: at(2, 1) },
        { description: 'Doniczka ceramiczna 20 cm', unit: 'szt.', quantity: '24', unitNetPrice: '12.9', vatRate: '23', provenance: at(2, 3) },
        { description: 'Transport', unit: 'usł.', quantity: '1', unitNetPrice: '40', vatRate: '23', provenance: at(2, 4) },
      ],
      payment: { dueDate: '2026-11-19', method: '6' },
      provenance: { file: F, row: 2, line: 3 },
    },
    {
      kind: 'VAT', number: 'FV/103/11/2026', issueDate: '2026-11-06', saleDate: '2026-11-05',
      buyer: party('7743121957', 'Szkoła Językowa Lingwa Sp. z o.o.', 'al. Jana Pawła II 7', '09-400 Płock'),
      currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Podręcznik do angielskiego B1', unit: 'szt.', quantity: '15', unitNetPrice: '54', vatRate: '5', provenance: at(3, 1) },
        { description: 'Zeszyt A5 60 k.', unit: 'szt.', quantity: '30', unitNetPrice: '3.1', vatRate: '23', provenance: at(3, 2) },
        { description: 'Długopis żelowy', unit: 'szt.', quantity: '30', unitNetPrice: '2.4', vatRate: '23', provenance: at(3, 3) },
        { description: 'Tablica suchościeralna 90x60', unit: 'szt.', quantity: '1', unitNetPrice: '219', vatRate: '23', provenance: at(3, 4) },
      ],
      payment: { dueDate: '2026-11-20', method: '6' },
      provenance: { file: F, row: 3, line: 4 },
    },
  ]);
});

test('marketplace-jsonl: items and a delivery object as its own line; free delivery gives no line', async () => {
  const m = await loadMapping('mappings/marketplace-jsonl.json');
  assert.equal(m.input.format, 'jsonl');
  const F = 'zamowienia-2026-11-12.jsonl';
  const out = await mapFile(m, `inbox-example/marketplace/${F}`);
  const at = (line: number, path?: string) => ({ file: F, line, ...(path ? { path } : {}) });
  assert.deepEqual(ok(out), [
    {
      kind: 'VAT', number: 'FS/MP/0481/11/2026', issueDate: '2026-11-12',
      buyer: { id: { type: 'none' }, name: 'Katarzyna Nowicka', address: { country: 'PL', line1: 'ul. Polna 8/2', line2: '31-444 Kraków' } },
      currency: 'PLN', pricing: 'gross',
      lines: [
        { description: 'Lampka biurkowa LED, ciepła barwa', unit: 'szt.', quantity: '1', unitGrossPrice: '89.99', vatRate: '23', sku: '11853201', provenance: at(1, '/items[1]') },
        { description: 'Dostawa: Paczkomat', unit: 'usł.', quantity: '1', unitGrossPrice: '12.99', vatRate: '23', provenance: at(1, '/delivery') },
      ],
      payment: { method: '7', paid: true, paidDate: '2026-11-12' },
      orderNumber: 'MP-2026-000481',
      provenance: at(1),
    },
    {
      kind: 'VAT', number: 'FS/MP/0482/11/2026', issueDate: '2026-11-12',
      buyer: { id: { type: 'nip', nip: '6771234561' }, name: 'Zielony Ogród Marek Zieliński', address: { country: 'PL', line1: 'ul. Kwiatowa 21', line2: '43-300 Bielsko-Biała' } },
      currency: 'PLN', pricing: 'gross',
      lines: [
        { description: 'Sekator nożycowy 21 cm', unit: 'szt.', quantity: '2', unitGrossPrice: '64.5', vatRate: '23', sku: '10977310', provenance: at(2, '/items[1]') },
        { description: 'Nasiona trawy sportowej 5 kg', unit: 'szt.', quantity: '3', unitGrossPrice: '119', vatRate: '8', sku: '10977455', provenance: at(2, '/items[2]') },
        { description: 'Dostawa: Kurier', unit: 'usł.', quantity: '1', unitGrossPrice: '19.99', vatRate: '23', provenance: at(2, '/delivery') },
      ],
      payment: { method: '6', paid: true, paidDate: '2026-11-13' },
      orderNumber: 'MP-2026-000482',
      provenance: at(2),
    },
    {
      kind: 'VAT', number: 'FS/MP/0483/11/2026', issueDate: '2026-11-12',
      buyer: { id: { type: 'none' }, name: 'Tomasz Wrona', address: { country: 'PL', line1: 'os. Słoneczne 4/17', line2: '60-101 Poznań' } },
      currency: 'PLN', pricing: 'gross',
      lines: [{ description: 'Kubek termiczny 450 ml', unit: 'szt.', quantity: '4', unitGrossPrice: '39.9', vatRate: '23', sku: '12004518', provenance: at(3, '/items[1]') }],
      payment: { method: '7', paid: true, paidDate: '2026-11-12' },
      orderNumber: 'MP-2026-000483',
      provenance: at(3),
    },
  ]);
});

test('the committed two-sheet workbook is what scripts/make-two-sheets-xlsx.ts generates', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'two-sheets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fresh = join(dir, 'fresh.xlsx');
  await makeTwoSheetsXlsx(fresh);
  const values = async (path: string) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb.worksheets.map((ws) => {
      const rows: unknown[] = [];
      ws.eachRow({ includeEmpty: true }, (row) => rows.push(JSON.parse(JSON.stringify(row.values))));
      return { name: ws.name, rows };
    });
  };
  const committed = await values(TWO_SHEETS_XLSX);
  assert.deepEqual(committed, await values(fresh));
  assert.deepEqual(committed.map((s) => [s.name, s.rows.length]), [['Faktury', 4], ['Pozycje', 8]]);
});

test('two-sheets-xlsx: invoices on one sheet, their lines on another in any order, joined by invoice number', async () => {
  const m = await loadMapping('mappings/two-sheets-xlsx.json');
  const out = await mapFile(m, TWO_SHEETS_XLSX);
  const F = 'faktury-i-pozycje.xlsx';
  // the xlsx reader names each column's cell; a line keeps the cells of the fields it read
  const P = (row: number) => ({ file: F, sheet: 'Pozycje', row, fieldCells: { description: `C${row}`, unit: `D${row}`, quantity: `E${row}`, unitNetPrice: `F${row}`, vatRate: `G${row}` } });
  const H = (row: number) => ({ file: F, sheet: 'Faktury', row, cells: { Numer: `A${row}`, 'Data wystawienia': `B${row}`, NIP: `C${row}`, Kontrahent: `D${row}`, 'Termin płatności': `E${row}` } });
  assert.deepEqual(ok(out), [
    {
      kind: 'VAT', number: 'FV 7/2026', issueDate: '2026-11-09', buyer: { id: { type: 'nip', nip: '1132456789' }, name: 'Auto-Serwis Kowalczyk Sp. j.' }, currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Wymiana oleju silnikowego', unit: 'usł.', quantity: '1', unitNetPrice: '180', vatRate: '23', provenance: P(3) },
        { description: 'Olej 5W30 5 l', unit: 'szt.', quantity: '1', unitNetPrice: '169.9', vatRate: '23', provenance: P(5) },
        { description: 'Filtr oleju', unit: 'szt.', quantity: '1', unitNetPrice: '39.99', vatRate: '23', provenance: P(8) },
      ],
      payment: { dueDate: '2026-11-23', method: '6' },
      provenance: H(2),
    },
    {
      kind: 'VAT', number: 'FV 8/2026', issueDate: '2026-11-10', buyer: { id: { type: 'nip', nip: '5213010723' }, name: 'Biuro Rachunkowe Saldo' }, currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Prowadzenie ksiąg — listopad', unit: 'usł.', quantity: '1', unitNetPrice: '1200', vatRate: '23', provenance: P(2) },
        { description: 'Sporządzenie deklaracji VAT', unit: 'usł.', quantity: '1', unitNetPrice: '250', vatRate: '23', provenance: P(6) },
      ],
      payment: { dueDate: '2026-11-24', method: '6' },
      provenance: H(3),
    },
    {
      kind: 'VAT', number: 'FV 9/2026', issueDate: '2026-11-16', buyer: { id: { type: 'nip', nip: '8992795129' }, name: 'Fundacja Rozwoju Kadr „Horyzont”' }, currency: 'PLN', pricing: 'net',
      lines: [
        { description: 'Catering szkoleniowy', unit: 'os.', quantity: '18', unitNetPrice: '42.5', vatRate: '8', provenance: P(4) },
        { description: 'Podręcznik „Zarządzanie zespołem”', unit: 'szt.', quantity: '18', unitNetPrice: '36', vatRate: '5', provenance: P(7) },
      ],
      payment: { dueDate: '2026-11-30', method: '6' },
      provenance: H(4),
    },
  ]);
});
