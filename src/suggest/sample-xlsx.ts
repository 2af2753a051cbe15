/**
 * The first rows of every sheet of a workbook as text cells (the XLSX reader's cell rules), so
 * the header row and the kind of each sheet can be guessed before a mapping exists.
 */
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { cellText } from '../readers/xlsx-cell.ts';

export interface SheetSample {
  readonly name: string;
  /** 1-based position */
  readonly index: number;
  /** rows by position (row 1 first); empty rows are empty arrays */
  readonly rows: readonly (readonly string[])[];
}

interface StreamCell { readonly value: unknown; readonly numFmt?: string }
interface StreamRow { readonly number: number; readonly cellCount: number; getCell(col: number): StreamCell }
interface StreamSheet extends AsyncIterable<StreamRow> { readonly name?: string; readonly id: number | string }

export async function sampleSheets(path: string, maxRows = 300): Promise<SheetSample[]> {
  const stream = createReadStream(path);
  const wb = new ExcelJS.stream.xlsx.WorkbookReader(stream, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' }) as unknown as AsyncIterable<StreamSheet> & { properties?: { model?: { date1904?: boolean } } };
  const out: SheetSample[] = [];
  try {
    for await (const ws of wb) {
      const date1904 = wb.properties?.model?.date1904 === true;
      const rows: string[][] = [];
      for await (const row of ws) {
        if (row.number > maxRows) continue; // read to the end: exceljs cleans up only then
        while (rows.length < row.number - 1) rows.push([]);
        const cells: string[] = [];
        for (let c = 1; c <= row.cellCount; c++) {
          const cell = row.getCell(c);
          const t = cellText(cell.value, cell.numFmt, date1904);
          cells.push('text' in t && t.text !== null ? t.text : '');
        }
        rows.push(cells);
      }
      out.push({ name: ws.name ?? String(ws.id), index: out.length + 1, rows });
    }
  } finally {
    stream.destroy();
  }
  return out;
}
