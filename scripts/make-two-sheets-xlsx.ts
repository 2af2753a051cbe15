// Generates inbox-example/two-sheets/faktury-i-pozycje.xlsx, the "two-sheet workbook" example
// (mappings/two-sheets-xlsx.json): sheet "Faktury" with one row per invoice, sheet "Pozycje" with
// one row per line naming its invoice in "Faktura". The rows of one invoice's lines are NOT
// adjacent (the lines are listed by line number across invoices), so only a join by key reads them.
// Dates are real date cells, quantities and prices numeric cells, the NIP text with dashes.
// Run: npx tsx scripts/make-two-sheets-xlsx.ts [output-path]
// test/mapping/shape-examples.test.ts checks the committed file still matches this script.
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';

export const TWO_SHEETS_XLSX = 'inbox-example/two-sheets/faktury-i-pozycje.xlsx';

const INVOICE_HEADER = ['Numer', 'Data wystawienia', 'NIP', 'Kontrahent', 'Termin płatności'];
const INVOICES: readonly (readonly [string, string, string, string, string])[] = [
  ['FV 7/2026', '2026-11-09', '113-245-67-89', 'Auto-Serwis Kowalczyk Sp. j.', '2026-11-23'],
  ['FV 8/2026', '2026-11-10', '521-301-07-23', 'Biuro Rachunkowe Saldo', '2026-11-24'],
  ['FV 9/2026', '2026-11-16', '899-279-51-29', 'Fundacja Rozwoju Kadr „Horyzont”', '2026-11-30'],
];

const LINE_HEADER = ['Faktura', 'Lp', 'Nazwa', 'JM', 'Ilość', 'Cena netto', 'VAT'];
const LINES: readonly (readonly [string, number, string, string, number, number, number])[] = [
  ['FV 8/2026', 1, 'Prowadzenie ksiąg — listopad', 'usł.', 1, 1200, 23],
  ['FV 7/2026', 1, 'Wymiana oleju silnikowego', 'usł.', 1, 180, 23],
  ['FV 9/2026', 1, 'Catering szkoleniowy', 'os.', 18, 42.5, 8],
  ['FV 7/2026', 2, 'Olej 5W30 5 l', 'szt.', 1, 169.9, 23],
  ['FV 8/2026', 2, 'Sporządzenie deklaracji VAT', 'usł.', 1, 250, 23],
  ['FV 9/2026', 2, 'Podręcznik „Zarządzanie zespołem”', 'szt.', 18, 36, 5],
  ['FV 7/2026', 3, 'Filtr oleju', 'szt.', 1, 39.99, 23],
];

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

export async function makeTwoSheetsXlsx(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ksef-hotfolder example';
  wb.created = day('2026-11-21');
  wb.modified = day('2026-11-21');
  const inv = wb.addWorksheet('Faktury');
  inv.getRow(1).values = INVOICE_HEADER;
  inv.getRow(1).font = { bold: true };
  INVOICES.forEach(([number, issue, nip, buyer, due], i) => (inv.getRow(2 + i).values = [number, day(issue), nip, buyer, day(due)]));
  for (const col of ['B', 'E']) inv.getColumn(col).numFmt = 'dd.mm.yyyy';
  const lines = wb.addWorksheet('Pozycje');
  lines.getRow(1).values = LINE_HEADER;
  lines.getRow(1).font = { bold: true };
  LINES.forEach((l, i) => (lines.getRow(2 + i).values = [...l]));
  lines.getColumn('F').numFmt = '#,##0.00';
  await wb.xlsx.writeFile(path);
}

// Run as a script (not when a test imports makeTwoSheetsXlsx).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? TWO_SHEETS_XLSX;
  await makeTwoSheetsXlsx(out);
  console.log(`wrote ${out}`);
}
