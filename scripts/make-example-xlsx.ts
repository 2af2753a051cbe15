// Generates inbox-example/excel/sprzedaz-listopad.xlsx, the "Excel sales register" example:
// a title row, the header on row 3, real date cells, numeric cells, a formula column
// (net = quantity × price, with its cached result) and a totals row at the bottom.
// Run: npx tsx scripts/make-example-xlsx.ts [output-path]
// test/e2e/preview-example-files.test.ts checks the committed file still matches this script.
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import Big from 'big.js';

interface Row {
  readonly number: string;
  readonly issue: string;
  readonly sale: string;
  readonly nip: number;
  readonly buyer: string;
  readonly address: string;
  readonly item: string;
  readonly unit: string;
  readonly qty: string;
  readonly price: string;
  readonly rate: number;
  readonly due: string;
}

const ROWS: readonly Row[] = [
  { number: 'FV/2026/11/015', issue: '2026-11-06', sale: '2026-11-06', nip: 1132456789, buyer: 'Agencja Reklamowa Pixel Sp. z o.o.', address: 'ul. Puławska 145, 02-715 Warszawa', item: 'Projekt graficzny ulotki', unit: 'usł.', qty: '1', price: '1800', rate: 23, due: '2026-11-20' },
  { number: 'FV/2026/11/015', issue: '2026-11-06', sale: '2026-11-06', nip: 1132456789, buyer: 'Agencja Reklamowa Pixel Sp. z o.o.', address: 'ul. Puławska 145, 02-715 Warszawa', item: 'Druk ulotek A5 (5000 szt.)', unit: 'kpl.', qty: '1', price: '950', rate: 23, due: '2026-11-20' },
  { number: 'FV/2026/11/015', issue: '2026-11-06', sale: '2026-11-06', nip: 1132456789, buyer: 'Agencja Reklamowa Pixel Sp. z o.o.', address: 'ul. Puławska 145, 02-715 Warszawa', item: 'Broszura informacyjna z numerem ISBN', unit: 'szt.', qty: '200', price: '4.35', rate: 5, due: '2026-11-20' },
  { number: 'FV/2026/11/016', issue: '2026-11-13', sale: '2026-11-12', nip: 8992795129, buyer: 'Fundacja Rozwoju Kadr „Horyzont”', address: 'ul. Legnicka 48, 54-202 Wrocław', item: 'Szkolenie wyjazdowe – nocleg (doba)', unit: 'doba', qty: '24', price: '310', rate: 8, due: '2026-11-27' },
  { number: 'FV/2026/11/016', issue: '2026-11-13', sale: '2026-11-12', nip: 8992795129, buyer: 'Fundacja Rozwoju Kadr „Horyzont”', address: 'ul. Legnicka 48, 54-202 Wrocław', item: 'Wyżywienie uczestników', unit: 'os.', qty: '24', price: '95.5', rate: 8, due: '2026-11-27' },
  { number: 'FV/2026/11/016', issue: '2026-11-13', sale: '2026-11-12', nip: 8992795129, buyer: 'Fundacja Rozwoju Kadr „Horyzont”', address: 'ul. Legnicka 48, 54-202 Wrocław', item: 'Wynajem sprzętu multimedialnego', unit: 'dzień', qty: '2', price: '480', rate: 23, due: '2026-11-27' },
  { number: 'FV/2026/11/017', issue: '2026-11-20', sale: '2026-11-20', nip: 7792301458, buyer: 'Wielkopolska Spółdzielnia Ogrodnicza', address: 'ul. Głogowska 210, 60-104 Poznań', item: 'Konsultacje marketingowe', unit: 'godz.', qty: '7.5', price: '220', rate: 23, due: '2026-12-04' },
  { number: 'FV/2026/11/017', issue: '2026-11-20', sale: '2026-11-20', nip: 7792301458, buyer: 'Wielkopolska Spółdzielnia Ogrodnicza', address: 'ul. Głogowska 210, 60-104 Poznań', item: 'Tłumaczenie tekstów (strona)', unit: 'str.', qty: '12.25', price: '48', rate: 23, due: '2026-12-04' },
];

const HEADER = ['Nr faktury', 'Data wystawienia', 'Data sprzedaży', 'NIP nabywcy', 'Nabywca', 'Adres nabywcy', 'Towar / usługa', 'J.m.', 'Ilość', 'Cena netto', 'Stawka VAT', 'Wartość netto', 'Termin płatności'];
const FIRST_DATA_ROW = 4;
const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

export async function makeExampleXlsx(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ksef-hotfolder example';
  wb.created = day('2026-11-21');
  wb.modified = day('2026-11-21');
  const ws = wb.addWorksheet('Sprzedaż');
  ws.getCell('A1').value = 'Rejestr sprzedaży – listopad 2026';
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = 'Przykładowa Spółka Demo sp. z o.o., NIP 999-999-99-99';
  ws.getRow(3).values = HEADER;
  ws.getRow(3).font = { bold: true };
  let total = new Big(0);
  ROWS.forEach((r, i) => {
    const n = FIRST_DATA_ROW + i;
    const net = new Big(r.qty).times(r.price).round(2, Big.roundHalfUp);
    total = total.plus(net);
    ws.getRow(n).values = [
      r.number, day(r.issue), day(r.sale), r.nip, r.buyer, r.address, r.item, r.unit,
      Number(r.qty), Number(r.price), r.rate, { formula: `I${n}*J${n}`, result: Number(net.toFixed(2)) }, day(r.due),
    ];
  });
  const last = FIRST_DATA_ROW + ROWS.length - 1;
  const totals = ws.getRow(last + 1);
  totals.getCell(1).value = 'Razem';
  totals.getCell(12).value = { formula: `SUM(L${FIRST_DATA_ROW}:L${last})`, result: Number(total.toFixed(2)) };
  totals.font = { bold: true };
  for (const col of ['B', 'C', 'M']) ws.getColumn(col).numFmt = 'dd.mm.yyyy';
  for (const col of ['J', 'L']) ws.getColumn(col).numFmt = '#,##0.00';
  ws.getColumn('K').numFmt = '0"%"';
  ws.getColumn('D').numFmt = '0';
  ws.getRow(1).numFmt = 'General';
  ws.getRow(3).numFmt = 'General';
  await wb.xlsx.writeFile(path);
}

// Run as a script (not when a test imports makeExampleXlsx).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'inbox-example/excel/sprzedaz-listopad.xlsx';
  await makeExampleXlsx(out);
  console.log(`wrote ${out}`);
}
