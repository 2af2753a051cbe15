import Big from 'big.js';
import { invoiceFieldWhere, lineFieldWhere } from './line-field.ts';
import { AgentError, type Where } from '../core/errors.ts';
import type { Invoice, InvoiceLine, VatRate } from '../core/invoice.ts';
import { big, isDecimal, round2, ZERO } from './money.ts';
import { GROUP_ORDER, rateInfo, type RateGroup } from './rates.ts';
import { rateRowTotals } from './rate-row-totals.ts';

/** One line's computed amounts (as the line states them, before the correction sign). */
export interface LineAmounts {
  readonly index: number;
  readonly rate: VatRate;
  /** -1 for `beforeCorrection` lines: they are subtracted from the sums */
  readonly sign: 1 | -1;
  readonly net: Big;
  readonly vat: Big;
  readonly gross: Big;
}

export interface RateTotal {
  readonly rate: VatRate;
  readonly group: RateGroup;
  readonly net: Big;
  readonly vat: Big;
  readonly gross: Big;
  /** VAT in PLN for a foreign-currency invoice (P_14_xW); null when PLN or no VAT */
  readonly vatPln: Big | null;
}

export interface GroupTotal {
  readonly group: RateGroup;
  readonly net: Big;
  /** null for groups without a VAT field (0 %, zw, np, oo) */
  readonly vat: Big | null;
  readonly vatPln: Big | null;
}

export interface FaTotals {
  readonly lines: readonly LineAmounts[];
  readonly rates: readonly RateTotal[];
  /** non-empty groups, in FA sequence order */
  readonly groups: readonly GroupTotal[];
  readonly net: Big;
  readonly vat: Big;
  /** P_15: gross total; for an advance invoice the amount received */
  readonly gross: Big;
  /** for ZAL: the order's gross value (WartoscZamowienia) */
  readonly orderGross: Big | null;
}

/** A decimal of the invoice, or FA_AMOUNT_INVALID at `at` (lineFieldWhere / invoiceFieldWhere: the field's place). */
export function num(at: Where, value: string): Big {
  if (!isDecimal(value)) {
    throw new AgentError('FA_AMOUNT_INVALID', `not a decimal number: ${JSON.stringify(value)}`, {
      where: { ...at, value },
      rule: 'decimal with a dot, e.g. 1234.50',
    });
  }
  return big(value);
}

/** Line value in the invoice's pricing (net for net-priced, gross for gross-priced). */
function lineValue(inv: Invoice, line: InvoiceLine, i: number): Big {
  const gross = inv.pricing === 'gross';
  const amount = gross ? line.grossAmount : line.netAmount;
  const amountField = gross ? 'grossAmount' : 'netAmount';
  const at = (name: string) => lineFieldWhere(inv, i, name);
  if (amount !== undefined) return num(at(amountField), amount);
  const price = gross ? line.unitGrossPrice : line.unitNetPrice;
  const priceField = gross ? 'unitGrossPrice' : 'unitNetPrice';
  if (price === undefined) {
    throw new AgentError('FA_LINE_AMOUNT_MISSING', `line ${i + 1} has neither ${amountField} nor ${priceField}`, {
      where: at(amountField),
      rule: `a ${inv.pricing}-priced line needs ${amountField}, or ${priceField} (× quantity)`,
    });
  }
  const qty = line.quantity === undefined ? new Big(1) : num(at('quantity'), line.quantity);
  const discount = line.discount === undefined ? ZERO : num(at('discount'), line.discount);
  return round2(qty.times(num(at(priceField), price)).minus(discount));
}

export function requireRate(inv: Invoice, line: InvoiceLine, i: number) {
  const info = rateInfo(line.vatRate);
  if (!info) {
    throw new AgentError('FA_RATE_INVALID', `unknown VAT rate ${JSON.stringify(line.vatRate)}`, {
      where: { ...lineFieldWhere(inv, i, 'vatRate'), value: String(line.vatRate) },
      rule: 'one of 23, 22, 8, 7, 5, 4, 3, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II',
    });
  }
  return info;
}

/** The few VAT percents as Big, parsed once (per-line parsing showed in profiles). */
const percents = new Map<string, { readonly p: Big; readonly hundredths: Big; readonly plus100: Big }>();
function percentOf(percent: string) {
  let x = percents.get(percent);
  if (!x) {
    const p = big(percent);
    x = { p, hundredths: p.div(100), plus100: p.plus(100) };
    percents.set(percent, x);
  }
  return x;
}

/** VAT contained in a gross amount: gross × p / (100 + p), half away from zero. */
export function vatFromGross(gross: Big, percent: string): Big {
  const x = percentOf(percent);
  return round2(gross.times(x.p).div(x.plus100));
}

/**
 * VAT on a net amount: net × p / 100, half away from zero. Multiplying by p/100 (exact: a
 * percent has few decimals) gives the same product as dividing by 100 without big.js's long
 * division.
 */
export function vatFromNet(net: Big, percent: string): Big {
  return round2(net.times(percentOf(percent).hundredths));
}

export function isCorrection(inv: Invoice): boolean {
  return inv.kind === 'KOR' || inv.kind === 'KOR_ZAL' || inv.kind === 'KOR_ROZ';
}

export function isAdvance(inv: Invoice): boolean {
  return inv.kind === 'ZAL' || inv.kind === 'KOR_ZAL';
}

/**
 * Everything FA needs in numbers. VAT is computed per rate from the rate's sum (not summed from
 * lines), as art. 106e ust. 1 pkt 14 reads: net-priced VAT = Σnet × p/100, gross-priced VAT =
 * Σgross × p/(100+p). Advance invoices split the amount received over the order's rates in
 * proportion to their gross values (the last rate takes the rounding remainder).
 */
export function computeTotals(inv: Invoice): FaTotals {
  if (inv.lineKind === 'rateRows') return rateRowTotals(inv);
  const lines: LineAmounts[] = [];
  const sums = new Map<VatRate, Big>();
  inv.lines.forEach((line, i) => {
    const info = requireRate(inv, line, i);
    const value = lineValue(inv, line, i);
    let net: Big, vat: Big, gross: Big;
    if (inv.pricing === 'gross') {
      gross = value;
      vat = info.percent ? vatFromGross(value, info.percent) : ZERO;
      net = gross.minus(vat);
    } else {
      net = value;
      vat = info.percent ? vatFromNet(value, info.percent) : ZERO;
      gross = net.plus(vat);
    }
    const sign = line.beforeCorrection ? -1 : 1;
    lines.push({ index: i, rate: line.vatRate, sign, net, vat, gross });
    sums.set(line.vatRate, (sums.get(line.vatRate) ?? ZERO).plus(sign === 1 ? value : value.neg()));
  });

  // Per rate: the base sum in the invoice's pricing, then VAT from that sum.
  let bases = [...sums.entries()].map(([rate, sum]) => ({ rate, sum, info: rateInfo(rate)! }));
  let asGross = inv.pricing === 'gross';
  let orderGross: Big | null = null;
  if (isAdvance(inv)) {
    const grossOf = (b: { sum: Big; info: { percent: string | null } }) =>
      asGross || !b.info.percent ? b.sum : b.sum.plus(vatFromNet(b.sum, b.info.percent));
    orderGross = bases.reduce((s, b) => s.plus(grossOf(b)), ZERO);
    if (inv.advance?.orderTotal !== undefined && isDecimal(inv.advance.orderTotal)) orderGross = big(inv.advance.orderTotal);
    const received = inv.advance ? num(invoiceFieldWhere(inv, 'advance.amountReceived'), inv.advance.amountReceived) : orderGross;
    const computedGross = bases.reduce((s, b) => s.plus(grossOf(b)), ZERO);
    let left = received;
    bases = bases.map((b, k) => {
      const share = k === bases.length - 1 || computedGross.eq(0)
        ? left
        : round2(received.times(grossOf(b)).div(computedGross));
      left = left.minus(share);
      return { ...b, sum: share };
    });
    asGross = true;
  }

  const foreign = inv.currency !== 'PLN' && inv.exchangeRate !== undefined && isDecimal(inv.exchangeRate);
  const rates: RateTotal[] = bases.map(({ rate, sum, info }) => {
    let net: Big, vat: Big;
    if (!info.percent) { net = sum; vat = ZERO; }
    else if (asGross) { vat = vatFromGross(sum, info.percent); net = sum.minus(vat); }
    else { net = sum; vat = vatFromNet(sum, info.percent); }
    const vatPln = foreign && info.percent
      ? vatFromNet(round2(net.times(big(inv.exchangeRate!))), info.percent)
      : null;
    return { rate, group: info.group, net, vat, gross: net.plus(vat), vatPln };
  });

  return summarise(lines, rates, foreign, orderGross);
}

/** Rates → FA groups (non-empty, in FA order) and the invoice totals. */
export function summarise(lines: readonly LineAmounts[], rates: readonly RateTotal[], foreign: boolean, orderGross: Big | null): FaTotals {
  const groups: GroupTotal[] = [];
  for (const group of GROUP_ORDER) {
    const inGroup = rates.filter((r) => r.group === group);
    if (inGroup.length === 0) continue;
    const hasVat = inGroup.some((r) => rateInfo(r.rate)!.percent !== null);
    const add = (f: (r: RateTotal) => Big | null) => inGroup.reduce((s, r) => s.plus(f(r) ?? ZERO), ZERO);
    groups.push({
      group,
      net: add((r) => r.net),
      vat: hasVat ? add((r) => r.vat) : null,
      vatPln: hasVat && foreign ? add((r) => r.vatPln) : null,
    });
  }
  const total = (f: (r: RateTotal) => Big) => rates.reduce((s, r) => s.plus(f(r)), ZERO);
  return { lines, rates, groups, net: total((r) => r.net), vat: total((r) => r.vat), gross: total((r) => r.gross), orderGross };
}
