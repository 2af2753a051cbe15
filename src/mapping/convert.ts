/**
 * Pure text → canonical value conversions used by field rules. Each returns the canonical value
 * or undefined when the text does not fit (the caller builds the error with file/row/field).
 */
import Big from 'big.js';
import { VAT_RATES, type VatRate } from '../core/invoice.ts';
import { isoDate, type DateParser } from './date-pattern.ts';

export type DecimalStyle = 'comma' | 'dot' | 'auto';

// spaces of every kind used as thousands separators: space, NBSP, narrow NBSP, thin space, apostrophe
const GROUP_SPACES = /[\s\u00a0\u202f\u2009']/g;
const DOT_GROUPS = /^\d{1,3}(\.\d{3})+$/;
const COMMA_GROUPS = /^\d{1,3}(,\d{3})+$/;

/**
 * "1 234,50" → "1234.5"; "(1.234,50)" is not accepted; a trailing minus ("12,50-") is.
 * Comma style: "," is the decimal mark and "." may only separate groups of three digits.
 * Dot style: the other way round. Auto: when both appear the last one is the decimal mark; a lone
 * "," or "." is the decimal mark unless it repeats (then it separates thousands).
 */
export function parseDecimal(text: string, style: DecimalStyle = 'auto', impliedDecimals = 0): string | undefined {
  if (impliedDecimals === 0) {
    // the common case, digits with at most one decimal mark of the style: no sign, no groups
    const m = (style === 'dot' ? PLAIN_DOT : style === 'comma' ? PLAIN_COMMA : PLAIN_EITHER).exec(text);
    if (m) return canonicalText(m[1]!, m[2] ?? '', '');
  }
  let s = text.replace(GROUP_SPACES, '');
  if (s === '') return undefined;
  let sign: '' | '-' = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? '-' : '';
    s = s.slice(1);
  } else if (s.endsWith('-')) {
    sign = '-';
    s = s.slice(0, -1);
  }
  let mark: ',' | '.' | undefined;
  if (style === 'comma') mark = ',';
  else if (style === 'dot') mark = '.';
  else {
    const c = s.lastIndexOf(','), d = s.lastIndexOf('.');
    if (c >= 0 && d >= 0) mark = c > d ? ',' : '.';
    else if (c >= 0) mark = s.indexOf(',') === c ? ',' : '.';
    else mark = d >= 0 && s.indexOf('.') !== d ? ',' : '.';
  }
  const group = mark === ',' ? '.' : ',';
  const [intPart = '', frac, extra] = s.split(mark);
  if (extra !== undefined) return undefined;
  let digits = intPart;
  if (intPart.includes(group)) {
    if (!(group === '.' ? DOT_GROUPS : COMMA_GROUPS).test(intPart)) return undefined;
    digits = intPart.split(group).join('');
  }
  if (!/^\d*$/.test(digits) || (frac !== undefined && !/^\d+$/.test(frac))) return undefined;
  if (digits === '' && frac === undefined) return undefined;
  if (impliedDecimals > 0 && frac !== undefined) return undefined;
  let whole = digits;
  let part = frac ?? '';
  if (impliedDecimals > 0) {
    const padded = whole.padStart(impliedDecimals + 1, '0');
    whole = padded.slice(0, padded.length - impliedDecimals);
    part = padded.slice(padded.length - impliedDecimals);
  }
  return canonicalText(whole, part, sign);
}

const PLAIN_DOT = /^(\d+)(?:\.(\d+))?$/;
const PLAIN_COMMA = /^(\d+)(?:,(\d+))?$/;
const PLAIN_EITHER = /^(\d+)(?:[.,](\d+))?$/;

/** Canonical text without a decimal library: no leading zeros, no trailing fraction zeros, no "-0". */
function canonicalText(digits: string, fraction: string, sign: '' | '-'): string {
  const whole = digits.replace(/^0+(?=\d)/, '') || '0';
  const part = fraction.replace(/0+$/, '');
  const body = part ? `${whole}.${part}` : whole;
  return sign === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}

export function canonicalDecimal(n: Big): string {
  const s = n.toFixed();
  return s === '-0' ? '0' : s;
}

export function negateDecimal(s: string): string {
  return canonicalDecimal(new Big(s).times(-1));
}

/** A JSONata/JS number turned into decimal text without binary noise (0.1+0.2 → "0.3"). */
export function numberToDecimal(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  return canonicalDecimal(new Big(Number(n.toPrecision(15))));
}

export type DateStyle = { readonly kind: 'iso'; readonly timeZone: string } | { readonly kind: 'excel' } | { readonly kind: 'pattern'; readonly parser: DateParser };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseDate(text: string, style: DateStyle): string | undefined {
  if (style.kind === 'pattern') {
    const r = style.parser.parse(text);
    return r.ok ? r.date : undefined;
  }
  if (style.kind === 'excel') return excelSerialToDate(text);
  const d = ISO_DATE.exec(text);
  if (d) return isoDate(Number(d[1]), Number(d[2]), Number(d[3]));
  const t = ISO_STAMP.exec(text);
  if (!t) return undefined;
  const local = isoDate(Number(t[1]), Number(t[2]), Number(t[3]));
  if (local === undefined || Number(t[4]) > 23 || Number(t[5]) > 59) return undefined;
  if (!t[7]) return local; // no offset: the date as written
  const instant = new Date(text.replace(' ', 'T'));
  if (Number.isNaN(instant.getTime())) return undefined;
  return dateInZone(instant, style.timeZone);
}

// Creating an Intl.DateTimeFormat costs tens of microseconds; mappings name one or two zones.
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const validZones = new Map<string, boolean>();

export function dateInZone(instant: Date, timeZone: string): string {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    // en-CA formats as yyyy-mm-dd
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    zoneFormats.set(timeZone, f);
  }
  return f.format(instant);
}

export function isValidTimeZone(tz: string): boolean {
  let ok = validZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (validZones.size < 100) validZones.set(tz, ok);
  }
  return ok;
}

/** Excel serial day number (1900 date system; 45000 = 2023-03-15); a time fraction is dropped. */
export function excelSerialToDate(text: string): string | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const serial = Math.floor(Number(text));
  if (serial < 61 || serial > 2958465) return undefined; // before 1900-03-01 Excel's calendar is wrong
  const ms = Date.UTC(1899, 11, 30) + serial * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const TRUE_WORDS = new Set(['true', '1', 't', 'y', 'yes', 'tak', 'x']);
const FALSE_WORDS = new Set(['false', '0', 'f', 'n', 'no', 'nie']);

export function parseBoolean(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return undefined;
}

/** "23", "23%", "0,23"? no: only rates as written on invoices: "23", "23 %", "ZW", "np I", "0 wdt". */
export function parseVatRate(text: string): VatRate | undefined {
  const s = text.trim().replace(/\s*%$/, '').replace(/\s+/g, ' ').toLowerCase();
  const found = VAT_RATES.find((r) => r.toLowerCase() === s);
  if (found) return found;
  if (/^\d+([.,]0+)$/.test(s)) return parseVatRate(s.replace(/[.,]0+$/, ''));
  return undefined;
}

/** Case-insensitive match against allowed values, returning the allowed spelling. */
export function parseEnum(text: string, values: readonly string[]): string | undefined {
  const s = text.trim().toLowerCase();
  return values.find((v) => v.toLowerCase() === s);
}

/** Tax ids and account numbers: dashes, dots and spaces (incl. NBSP) removed, letters upper-cased. */
export function compactId(text: string): string {
  return text.replace(/[\s\u00a0\u202f.\-]/g, '').toUpperCase();
}
