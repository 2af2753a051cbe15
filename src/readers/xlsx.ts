/**
 * XLSX reader: exceljs streaming WorkbookReader (rows stream; shared strings are cached, so memory
 * grows with distinct texts, not rows). Rows above `headerRow` are titles; the header row names
 * the columns; a totals row can end the data (`stopWhen` / `stopColumn`).
 * Provenance: `row` is the worksheet row number as Excel shows it, `cells` the cell reference of
 * each field (`H7`).
 */
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { AgentError, isAgentError } from '../core/errors.ts';
import type { SourceRecord } from '../core/records.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { assertNotEmpty } from './decode.ts';
import { cellText, columnLetter } from './xlsx-cell.ts';
import { declaredUncompressedBytes } from './xlsx-size.ts';
import { ioError } from './io-error.ts';
import { closestNames } from '../core/closest-names.ts';
import { findXlsxDamage, startsLikeZip } from './xlsx-integrity.ts';
import type { XlsxDamage } from './xlsx-integrity.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';

type XlsxInput = OptionsOf<'xlsx'>;

/** The parts of exceljs' streaming objects this reader uses. */
interface StreamCell {
  readonly value: unknown;
  readonly numFmt?: string;
}
interface StreamRow {
  readonly number: number;
  readonly cellCount: number;
  getCell(col: number): StreamCell;
}
interface StreamSheet extends AsyncIterable<StreamRow> {
  readonly id: number | string;
  readonly name?: string;
}
interface StreamWorkbook extends AsyncIterable<StreamSheet> {
  readonly model?: { readonly sheets?: readonly { readonly name: string }[] };
  readonly properties?: { readonly model?: { readonly date1904?: boolean } };
}

interface Column {
  readonly col: number;
  readonly name: string;
  readonly letter: string;
}

function headerColumns(row: StreamRow, sheet: string, date1904: boolean, displayName: string): Column[] {
  const columns: Column[] = [];
  const seen = new Map<string, string>();
  for (let col = 1; col <= row.cellCount; col++) {
    const cell = row.getCell(col);
    const t = cellText(cell.value, cell.numFmt, date1904);
    const letter = columnLetter(col);
    if (!('text' in t) || t.text === null || t.text.trim() === '') continue;
    const name = t.text.trim();
    const first = seen.get(name);
    if (first !== undefined) {
      throw new AgentError('READ_XLSX_DUPLICATE_HEADER', `the header names column "${name}" twice (cells ${first}${row.number} and ${letter}${row.number})`, {
        where: { file: displayName, sheet, row: row.number, cell: `${letter}${row.number}`, value: name },
        rule: 'column names in the header row must be unique',
      });
    }
    seen.set(name, letter);
    columns.push({ col, name, letter });
  }
  if (columns.length === 0) {
    throw new AgentError('READ_XLSX_NO_HEADER', `row ${row.number} of sheet "${sheet}" has no column names`, {
      where: { file: displayName, sheet, row: row.number },
      rule: 'headerRow points at the row with the column names',
    });
  }
  return columns;
}

function sheetPosition(wb: StreamWorkbook, ws: StreamSheet): number {
  const names = wb.model?.sheets?.map((s) => s.name) ?? [];
  const i = ws.name === undefined ? -1 : names.indexOf(ws.name);
  return i >= 0 ? i + 1 : Number(ws.id);
}

/**
 * A workbook cut short or with a damaged part is refused whole: exceljs would read it up to the
 * damage and stay silent. Files that are not zips at all are left to exceljs (READ_XLSX_INVALID).
 */
async function refuseDamagedWorkbook(path: string, hasDirectory: boolean, displayName: string): Promise<void> {
  const damage: XlsxDamage | undefined = await (hasDirectory ? findXlsxDamage(path) : startsLikeZip(path).then((zip) => (zip ? { reason: 'its zip directory is missing (the file is cut short)' } : undefined))).catch((e: unknown) => {
    throw ioError(e, displayName);
  });
  if (!damage) return;
  const part = damage.part === undefined ? '' : `the part ${damage.part} is damaged: `;
  throw new AgentError('READ_XLSX_CORRUPT', `the workbook is damaged, so none of it is read: ${part}${damage.reason}`, {
    where: { file: displayName, ...(damage.part === undefined ? {} : { path: damage.part }) },
    rule: 'export the workbook again; a cut or damaged XLSX is never read in part',
  });
}

async function* readXlsx(path: string, input: XlsxInput, displayName: string, limits: Limits): AsyncGenerator<SourceRecord> {
  const o = input.xlsx;
  await assertNotEmpty(path, displayName);
  const unpacked = await declaredUncompressedBytes(path).catch((e: unknown) => {
    throw ioError(e, displayName);
  });
  if (unpacked !== undefined && unpacked > limits.maxXlsxUncompressedBytes) {
    throw limitExceeded('maxXlsxUncompressedBytes', limits.maxXlsxUncompressedBytes, `the workbook unpacks to ${unpacked} bytes`, { file: displayName, value: String(unpacked) });
  }
  await refuseDamagedWorkbook(path, unpacked !== undefined, displayName);
  const stopWhen = o.stopWhen === undefined ? undefined : new RegExp(o.stopWhen);
  // the sheets to read: the one `sheet`, or each of `sheets` with its record type
  const targets: Target[] = o.sheets
    ? o.sheets.map((s) => ({ sheet: s.sheet, type: s.type, headerRow: s.headerRow ?? o.headerRow }))
    : [{ sheet: o.sheet, headerRow: o.headerRow }];
  const found = new Set<Target>();
  const stream = createReadStream(path);
  const wb = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as StreamWorkbook;
  try {
    for await (const ws of wb) {
      const target = targets.find((t) => !found.has(t) && (typeof t.sheet === 'number' ? sheetPosition(wb, ws) === t.sheet : ws.name === t.sheet));
      // every sheet is read to its end: exceljs removes its temporary copy of a sheet only then
      if (!target) {
        for await (const _row of ws) void _row;
        continue;
      }
      found.add(target);
      yield* sheetRecords(ws, target, wb.properties?.model?.date1904 === true, o, stopWhen, displayName);
    }
  } catch (e) {
    if (isAgentError(e)) throw e;
    throw new AgentError('READ_XLSX_INVALID', `the file cannot be read as an XLSX workbook (${(e as Error)?.message ?? String(e)})`, {
      where: { file: displayName },
      cause: e,
    });
  } finally {
    stream.destroy();
  }
  const missing = targets.find((t) => !found.has(t));
  if (missing) throw sheetMissing(missing.sheet, wb.model?.sheets?.map((s) => s.name) ?? [], displayName);
}

interface Target {
  readonly sheet: string | number;
  /** recordType of the sheet's records (`sheets`); none for the single `sheet` */
  readonly type?: string;
  readonly headerRow: number;
}

/** READ_SHEET_MISSING: names the sheets the workbook has, the likeliest first. */
function sheetMissing(sheet: string | number, names: readonly string[], displayName: string): AgentError {
  let message: string;
  if (typeof sheet === 'number') {
    message = `the workbook has no sheet number ${sheet}; it has ${names.length} sheet${names.length === 1 ? '' : 's'}${names.length > 0 ? `: ${names.map((n) => `"${n}"`).join(', ')}` : ''}`;
  } else {
    const { ordered, suggestion } = closestNames(sheet, names);
    const list = ordered.length === 0 ? 'none' : ordered.map((n) => `"${n}"`).join(', ');
    message = `the workbook has no sheet "${sheet}"; ${suggestion !== undefined ? `did you mean "${suggestion}"? Sheets in the workbook: ${list}` : `sheets in the workbook: ${list}`}`;
  }
  return new AgentError('READ_SHEET_MISSING', message, {
    where: { file: displayName, value: String(sheet) },
    rule: `available sheets: ${names.map((n, i) => `${i + 1}. "${n}"`).join(', ')}`,
    details: names,
  });
}

/** The records of one sheet: its header row names the columns; a totals row can end the data. */
async function* sheetRecords(ws: StreamSheet, target: Target, date1904: boolean, o: XlsxInput['xlsx'], stopWhen: RegExp | undefined, displayName: string): AsyncGenerator<SourceRecord> {
  const sheet = ws.name ?? String(target.sheet);
  const headerRow = target.headerRow;
  let columns: Column[] | undefined;
  let stopCol: Column | undefined;
  let stopped = false;
  for await (const row of ws) {
    if (stopped || row.number < headerRow) continue;
    if (row.number === headerRow) {
      columns = headerColumns(row, sheet, date1904, displayName);
      if (o.stopColumn !== undefined) {
        stopCol = columns.find((c) => c.name === o.stopColumn);
        if (!stopCol) {
          throw new AgentError('READ_XLSX_NO_COLUMN', `stopColumn "${o.stopColumn}" is not in the header row`, {
            kind: 'config',
            where: { file: displayName, sheet, row: row.number, value: o.stopColumn },
            details: [`columns: ${columns.map((c) => c.name).join(', ')}`],
          });
        }
      }
      continue;
    }
    if (!columns) {
      stopped = true;
      continue;
    }
    const values: Record<string, string | null> = {};
    const cells: Record<string, string> = {};
    let firstText: string | null = null;
    for (const c of columns) {
      const cell = row.getCell(c.col);
      const t = cellText(cell.value, cell.numFmt, date1904);
      if ('error' in t) {
        throw new AgentError('READ_XLSX_ERROR_CELL', `cell ${c.letter}${row.number} (column "${c.name}") holds an Excel error: ${t.error}`, {
          where: { file: displayName, sheet, row: row.number, cell: `${c.letter}${row.number}`, field: c.name, value: t.error },
          rule: 'cells must hold values, not errors; fix the formula in the ERP export',
        });
      }
      values[c.name] = t.text;
      cells[c.name] = `${c.letter}${row.number}`;
      if (firstText === null && t.text !== null && t.text.trim() !== '') firstText = t.text;
    }
    if (firstText === null && o.skipEmptyRows) continue;
    if (stopCol) {
      const v = values[stopCol.name];
      stopped = v === null || v === undefined || v.trim() === '' || (stopWhen !== undefined && stopWhen.test(v));
    } else {
      stopped = stopWhen !== undefined && firstText !== null && stopWhen.test(firstText);
    }
    if (stopped) continue;
    yield { values, ...(target.type !== undefined ? { recordType: target.type } : {}), where: { file: displayName, sheet, row: row.number, cells } };
  }
  if (!columns) {
    throw new AgentError('READ_XLSX_NO_HEADER', `sheet "${sheet}" has no row ${headerRow} (the header row)`, {
      where: { file: displayName, sheet, row: headerRow },
      rule: 'headerRow points at the row with the column names',
    });
  }
}

export const xlsxReader: Reader<XlsxInput> = {
  read: (path, options, displayName, limits) => readXlsx(path, options, displayName, limits),
};
