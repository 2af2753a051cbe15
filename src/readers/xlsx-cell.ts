/**
 * Turns one exceljs cell value into the text a SourceRecord carries: numbers as plain decimal
 * text, dates as ISO, formulas as their result, rich text as plain text. Error values are
 * reported, never passed on.
 */
import Big from 'big.js';

/** What a cell turned into: text (or null when empty), or the Excel error it holds. */
export type CellText = { readonly text: string | null } | { readonly error: string };

/** A = 1, Z = 26, AA = 27 … */
export function columnLetter(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/**
 * Excel keeps 15 significant digits; a double such as 0.30000000000000004 is shown as 0.3 there,
 * so that is what the admin expects to get.
 */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return new Big(n.toPrecision(15)).toFixed();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** exceljs dates are UTC-based: read them with UTC parts, or they shift by a day west of UTC. */
export function isoDate(d: Date): string {
  const ms = Math.round(d.getTime() / 1000) * 1000;
  const r = new Date(ms);
  const date = `${pad(r.getUTCFullYear(), 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())}`;
  if (r.getUTCHours() === 0 && r.getUTCMinutes() === 0 && r.getUTCSeconds() === 0) return date;
  return `${date}T${pad(r.getUTCHours())}:${pad(r.getUTCMinutes())}:${pad(r.getUTCSeconds())}`;
}

/** The same test exceljs applies: a number format with date letters outside quotes and brackets. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhsb]/i.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** Serial day number (1900 system, or 1904 when the workbook says so) → UTC Date. */
export function serialToDate(serial: number, date1904 = false): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86400000));
}

interface FormulaValue {
  readonly formula?: string;
  readonly sharedFormula?: string;
  readonly result?: unknown;
}

function scalar(v: unknown, numFmt: string | undefined, date1904: boolean): CellText {
  if (v === null || v === undefined) return { text: null };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { error: '#VALUE!' };
    return { text: isDateFormat(numFmt) ? isoDate(serialToDate(v, date1904)) : plainNumber(v) };
  }
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { text: isoDate(v) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['error'] === 'string') return { error: o['error'] };
    if (Array.isArray(o['richText'])) return { text: (o['richText'] as { text?: string }[]).map((p) => p.text ?? '').join('') };
    if ('text' in o) return scalar(o['text'], undefined, date1904);
  }
  return { text: String(v) };
}

/** Normalises a cell; `numFmt` decides whether a formula's numeric result is a date. */
export function cellText(value: unknown, numFmt: string | undefined, date1904 = false): CellText {
  if (value !== null && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value)) {
    const f = value as FormulaValue;
    const formula = `=${f.formula ?? f.sharedFormula ?? ''}`;
    if (f.result === undefined || (typeof f.result === 'number' && Number.isNaN(f.result))) {
      return { error: `${formula} (an error result, or never calculated)` };
    }
    return scalar(f.result, numFmt, date1904);
  }
  return scalar(value, numFmt, date1904);
}
