/** Turns a field's text into its canonical value by the field's type, with the rule's options. */
import { compactId, negateDecimal, parseBoolean, parseDate, parseDecimal, parseEnum, parseVatRate, type DateStyle, type DecimalStyle } from './convert.ts';
import type { FieldSpec } from './field-catalog.ts';

export interface ConvertOptions {
  /** canonical form: decimals with a dot, ISO dates (constants and defaults) */
  readonly canonical?: boolean;
  readonly decimal?: DecimalStyle;
  readonly impliedDecimals?: number;
  readonly negate?: boolean;
  readonly date?: DateStyle;
}

export type Converted =
  | { readonly ok: true; readonly value: string | boolean | undefined }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly rule: string };

export interface Converter {
  run(text: string): { ok: true; value: string | boolean | undefined } | { ok: false; code: string; message: string; rule: string };
}

const ISO: DateStyle = { kind: 'iso', timeZone: 'Europe/Warsaw' };

export function convertTyped(text: string, spec: FieldSpec, o: ConvertOptions): Converted {
  switch (spec.type) {
    case 'text':
      return { ok: true, value: text };
    case 'decimal': {
      const style = o.canonical ? 'dot' : (o.decimal ?? 'auto');
      const implied = o.canonical ? 0 : (o.impliedDecimals ?? 0);
      const d = parseDecimal(text, style, implied);
      const rule = implied > 0 ? `whole number with ${implied} implied decimals` : `decimal ${style}`;
      if (d === undefined) return { ok: false, code: 'MAP_DECIMAL', reason: `"${text}" is not a number`, rule };
      return { ok: true, value: o.negate ? negateDecimal(d) : d };
    }
    case 'date': {
      const style = o.canonical ? ISO : (o.date ?? ISO);
      const d = parseDate(text, style);
      const rule = style.kind === 'pattern' ? `date pattern ${style.parser.pattern}` : style.kind === 'excel' ? 'Excel serial date' : 'ISO date yyyy-mm-dd';
      if (d === undefined) return { ok: false, code: 'MAP_DATE', reason: `"${text}" is not a date`, rule };
      return { ok: true, value: d };
    }
    case 'boolean': {
      const b = parseBoolean(text);
      if (b === undefined) return { ok: false, code: 'MAP_BOOLEAN', reason: `"${text}" is not yes/no`, rule: 'true/false, 1/0, T/N, tak/nie, yes/no' };
      return { ok: true, value: b };
    }
    case 'vatRate': {
      const r = parseVatRate(text);
      if (r === undefined) return { ok: false, code: 'MAP_VAT_RATE', reason: `"${text}" is not a VAT rate`, rule: 'VAT rate 23, 22, 8, 7, 5, 4, 3, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II' };
      return { ok: true, value: r };
    }
    case 'enum': {
      const v = parseEnum(text, spec.values ?? []);
      if (v === undefined) return { ok: false, code: 'MAP_ENUM', reason: `"${text}" is not one of ${(spec.values ?? []).join(', ')}`, rule: `one of ${(spec.values ?? []).join(', ')}` };
      return { ok: true, value: v };
    }
    case 'currency': {
      const v = text.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(v)) return { ok: false, code: 'MAP_CURRENCY', reason: `"${text}" is not a currency code`, rule: 'ISO 4217 code of three letters, e.g. PLN' };
      return { ok: true, value: v };
    }
    case 'country': {
      const v = text.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(v)) return { ok: false, code: 'MAP_COUNTRY', reason: `"${text}" is not a country code`, rule: 'ISO 3166 code of two letters, e.g. PL' };
      return { ok: true, value: v };
    }
    case 'taxId':
    case 'account': {
      const v = compactId(text);
      return { ok: true, value: v === '' ? undefined : v };
    }
  }
}
