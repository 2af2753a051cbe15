import Big from 'big.js';

/** Half away from zero, as Polish VAT practice rounds (big.js mode 1 = roundHalfUp on magnitude). */
export const HALF_AWAY = 1 as const;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** True when `s` is a plain decimal string ("12", "-0.50"); no exponent, no separators. */
export function isDecimal(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL.test(s);
}

/** Number of digits after the dot. */
export function fractionDigits(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

export function big(s: string | Big): Big {
  return s instanceof Big ? s : new Big(s);
}

export function round2(b: Big): Big {
  return b.round(2, HALF_AWAY);
}

/** Money as FA writes it: two decimals, never "-0.00". */
export function money(b: Big): string {
  const r = round2(b);
  return r.eq(0) ? '0.00' : r.toFixed(2);
}

/** Already as plain() writes it: no leading zeros, no trailing fraction zeros, not zero itself. */
const PLAIN = /^-?(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9])$/;

/** A decimal without trailing zeros beyond what it needs (quantities, prices, rates). */
export function plain(b: Big | string): string {
  if (typeof b === 'string' && PLAIN.test(b)) return b; // mapped values mostly are (no Big round trip)
  const r = big(b);
  return r.eq(0) ? '0' : r.toFixed();
}

export const ZERO = new Big(0);
