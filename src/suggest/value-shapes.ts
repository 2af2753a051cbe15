/**
 * What sample values say about a column: decimal mark, date pattern, whether they fit a canonical
 * field's type at all (so a header match whose values are something else is refused).
 */
import { compileDatePattern } from '../mapping/date-pattern.ts';
import { parseDate, parseVatRate, compactId } from '../mapping/convert.ts';
import { isValidNip } from '../core/nip.ts';
import { INVOICE_KINDS } from '../mapping/field-catalog.ts';

const filled = (values: readonly string[]): string[] => values.map((v) => v.trim()).filter((v) => v !== '');

const NUMBER = /^[-+]?(\d[\d \u00a0\u202f]*|\d{1,3}(\.\d{3})+)?([.,]\d+)?$/;
export const isNumberLike = (v: string): boolean => /\d/.test(v) && NUMBER.test(v.trim());

/** comma when some value has a decimal comma, dot when some has a decimal point, else undefined (integers) */
export function decimalStyle(values: readonly string[]): 'comma' | 'dot' | undefined {
  const vs = filled(values);
  if (vs.some((v) => /\d,\d{1,}$/.test(v) && !/\d,\d{3}\.\d/.test(v))) return 'comma';
  if (vs.some((v) => /\d\.\d{1,}$/.test(v))) return 'dot';
  return undefined;
}

const DATE_PATTERNS = ['dd.MM.yyyy', 'yyyyMMdd', 'dd-MM-yyyy', 'dd/MM/yyyy', 'yyyy.MM.dd', 'yyyy/MM/dd', 'd.M.yyyy', 'yyyyMMddHHmmss', 'dd.MM.yy'] as const;

/**
 * 'iso' when every value is an ISO date or timestamp (the mapping default), else the first pattern
 * every value fits; undefined when the values are not dates.
 */
export function datePattern(values: readonly string[]): string | undefined {
  const vs = filled(values);
  if (vs.length === 0) return undefined;
  if (vs.every((v) => parseDate(v, { kind: 'iso', timeZone: 'Europe/Warsaw' }) !== undefined)) return 'iso';
  for (const p of DATE_PATTERNS) {
    const parser = compileDatePattern(p);
    if (typeof parser === 'string') continue;
    if (vs.every((v) => parser.parse(v).ok)) return p;
  }
  return undefined;
}

export const isIsoTimestamp = (v: string): boolean => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v.trim());

export function isTaxIdLike(v: string): boolean {
  const c = compactId(v);
  if (isValidNip(c.replace(/^PL/, ''))) return true;
  return /^[A-Z]{2}[0-9A-Z+*]{2,12}$/.test(c);
}

export const needsNipCleaning = (values: readonly string[]): boolean => filled(values).some((v) => /[\s\-.]|^PL/i.test(v) && isValidNip(compactId(v).replace(/^PL/, '')));

/** A rate as an ERP may write it → the canonical rate, or undefined. "23%", "23,00", "zw.", "NP" */
export function rateOf(raw: string): string | undefined {
  const v = raw.trim();
  const direct = parseVatRate(v);
  if (direct) return direct;
  const s = v.toLowerCase().replace(/\s*%$/, '').replace(/\.$/, '').trim();
  const again = parseVatRate(s);
  if (again) return again;
  const n = /^(\d+)[.,]0+$/.exec(s);
  if (n) return parseVatRate(n[1]!);
  if (/^0[.,](23|08|05)$/.test(s)) return String(Number(s.replace(',', '.')) * 100);
  return undefined;
}

const PAYMENT_WORDS: readonly [RegExp, string][] = [
  [/^(przelew|przelewem|transfer|bank[ _-]?transfer|wire|przelewy ?24|p24|payu|tpay|dotpay)/i, '6'],
  [/^(got[oó]wk|cash|kasa|pobranie|za pobraniem|cod)/i, '1'],
  [/^(kart|card|credit[ _-]?card|visa|mastercard)/i, '2'],
  [/^(bon|voucher)/i, '3'],
  [/^(czek|cheque|check)/i, '4'],
  [/^(kredyt|credit|kompensat)/i, '5'],
  [/^(blik|mobil|mobile|apple ?pay|google ?pay)/i, '7'],
];

/** "przelew" → "6" (FA payment method code), undefined for words it does not know */
export function paymentCodeOf(raw: string): string | undefined {
  const v = raw.trim();
  if (/^[1-7]$/.test(v)) return v;
  return PAYMENT_WORDS.find(([re]) => re.test(v))?.[1];
}

/** Whether the sample values can be what `target` holds (no values: nothing against it). */
export function valuesFit(target: string, values: readonly string[]): boolean {
  const vs = filled(values);
  if (vs.length === 0) return true;
  const share = (ok: (v: string) => boolean) => vs.filter(ok).length / vs.length;
  const leaf = target.slice(target.lastIndexOf('.') + 1);
  switch (leaf) {
    case 'issueDate': case 'saleDate': case 'dueDate': case 'paidDate': case 'originalIssueDate':
      return datePattern(vs) !== undefined;
    case 'quantity': case 'unitNetPrice': case 'unitGrossPrice': case 'netAmount': case 'grossAmount': case 'vatAmount': case 'discount': case 'exchangeRate': case 'net': case 'vat': case 'gross':
      return share(isNumberLike) === 1 && !(leaf === 'vatAmount' && vs.every((v) => rateOf(v) !== undefined && vs.length >= 2 && new Set(vs).size <= 4));
    case 'vatRate':
      return share((v) => rateOf(v) !== undefined || /^[A-Za-z]{1,2}$/.test(v)) >= 0.8;
    case 'taxId':
      return share(isTaxIdLike) >= 0.5;
    case 'currency':
      return share((v) => /^[A-Za-z]{3}$/.test(v)) === 1;
    case 'country': case 'idCountry':
      return share((v) => /^[A-Za-z]{2}$/.test(v)) === 1;
    case 'email':
      return share((v) => v.includes('@')) >= 0.5;
    case 'bankAccount':
      return share((v) => /^[A-Z]{0,2}\d{20,}$/.test(compactId(v))) >= 0.5;
    case 'kind':
      return vs.every((v) => INVOICE_KINDS.some((k) => k.toLowerCase() === v.toLowerCase()));
    case 'pricing':
      return vs.every((v) => ['net', 'gross', 'netto', 'brutto'].includes(v.toLowerCase()));
    case 'method':
      return share((v) => paymentCodeOf(v) !== undefined) >= 0.5;
    case 'number': case 'originalNumber':
      return share((v) => /\d/.test(v) && v.length <= 60) === 1;
    case 'description': case 'name':
      return share((v) => /\p{L}/u.test(v)) >= 0.8;
    default:
      return true;
  }
}
