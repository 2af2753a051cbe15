import type Big from 'big.js';
import type { Invoice } from '../core/invoice.ts';
import { big, fractionDigits, money, plain, round2, ZERO } from './money.ts';
import { rateInfo } from './rates.ts';
import { vatFromGross, vatFromNet } from './totals.ts';
import type { Findings } from './validate.ts';

/**
 * The tolerance of one line: one grosz for rounding the value, plus the rounding the printed unit
 * price may already carry (half a unit of its last decimal place, prices being at least in grosze,
 * times the quantity). ERPs commonly compute a line from a more precise price than the one they
 * print (a gross unit price rounded from net × rate, a price of 0.574 printed as 0.57), and Polish
 * practice accepts that difference; a value that is off by more is a wrong line, not rounding.
 */
export function lineTolerance(quantity: Big, price: string): Big {
  const digits = Math.max(2, fractionDigits(price));
  return big('0.01').plus(quantity.abs().times(big(`0.${'0'.repeat(digits)}5`)));
}

/** An amount as people read it: at least two decimals, more only when it has them. */
const show = (b: Big): string => (fractionDigits(plain(b)) <= 2 ? money(b) : plain(b));

/**
 * A line's stated value against quantity × unit price − discount (net-priced: P_11 against
 * P_8B × P_9A − P_10; gross-priced: P_11A against P_8B × P_9B − P_10), rounded to grosze half away
 * from zero, within lineTolerance. Only lines that state all three (value, quantity, price) are
 * compared: a missing value is computed from them, and without a quantity there is no product.
 * Runs after checkNumbers (every value is a decimal).
 */
export function checkLineArithmetic(f: Findings, inv: Invoice): void {
  const gross = inv.pricing === 'gross';
  const kind = gross ? 'gross' : 'net';
  inv.lines.forEach((l, i) => {
    const amount = gross ? l.grossAmount : l.netAmount;
    const price = gross ? l.unitGrossPrice : l.unitNetPrice;
    if (amount === undefined || price === undefined || l.quantity === undefined) return;
    const qty = big(l.quantity);
    const discount = l.discount === undefined ? ZERO : big(l.discount);
    const expected = round2(qty.times(big(price)).minus(discount));
    const diff = big(amount).minus(expected);
    const tolerance = lineTolerance(qty, price);
    if (diff.abs().lte(tolerance)) return;
    const withDiscount = l.discount === undefined ? '' : ' − discount';
    const product = `${plain(l.quantity)} × ${show(big(price))}${l.discount === undefined ? '' : ` − ${show(discount)}`}`;
    f.lineError('FA_LINE_ARITHMETIC',
      `line ${i + 1}: ${kind} value ${money(big(amount))} is not quantity × unit ${kind} price${withDiscount}: ${product} = ${money(expected)} (difference ${diff.gt(0) ? '+' : ''}${money(diff)})`,
      i, `${kind}Amount`, amount,
      `line value = quantity × unit price − discount, rounded to grosze half away from zero (tolerance ${show(tolerance)} for this line: 1 grosz plus half a unit of the price's last decimal place per unit of quantity)`);
  });
}

/** A stated line VAT may differ from the computed one by this much (see checkLineVat). */
const VAT_TOLERANCE = big('0.01');

/**
 * A line's VAT amount, where the ERP states it, against the line value × rate: net-priced
 * net × p/100, gross-priced gross − gross/(1 + p/100) (= gross × p/(100 + p)), the same formulas
 * and rounding (grosze, half away from zero) as the per-rate totals. One grosz of tolerance: the
 * line value is itself rounded, and an ERP that takes the VAT from the unrounded product differs
 * by at most one grosz. Rates without VAT (0 %, zw, np, oo) take 0 only. The line value is the
 * stated one, else quantity (default 1) × unit price − discount, as the totals use it. Only
 * checked, never written: FA `P_11Vat` belongs to art. 106e ust. 10 (VAT per line instead of per
 * rate), and the VAT this agent sends is computed per rate from the sums.
 */
export function checkLineVat(f: Findings, inv: Invoice): void {
  const gross = inv.pricing === 'gross';
  inv.lines.forEach((l, i) => {
    if (l.vatAmount === undefined) return;
    const info = rateInfo(l.vatRate);
    if (!info) return; // FA_RATE_INVALID already
    const stated = big(l.vatAmount);
    if (!info.percent) {
      if (stated.eq(0)) return;
      f.lineError('FA_LINE_VAT', `line ${i + 1}: stated VAT ${money(stated)} on a line at rate ${l.vatRate}, which carries no VAT (expected 0.00)`,
        i, 'vatAmount', l.vatAmount, 'rates 0 %, zw, np and oo carry no VAT: a stated line VAT must be 0 or left out');
      return;
    }
    if (inv.lineKind === 'rateRows') return; // stated VAT is checked per rate (checkRateRows)
    const value = lineValue(l, gross);
    if (!value) return; // FA_LINE_AMOUNT_MISSING already
    const p = info.percent;
    const expected = gross ? vatFromGross(value, p) : vatFromNet(value, p);
    const diff = stated.minus(expected);
    if (diff.abs().lte(VAT_TOLERANCE)) return;
    const shown = money(value);
    const how = gross
      ? `the VAT contained in gross value ${shown} at ${p} %: ${shown} − ${shown} / ${plain(big(p).div(100).plus(1))}`
      : `net value × ${p} %: ${shown} × ${p} %`;
    f.lineError('FA_LINE_VAT',
      `line ${i + 1}: stated VAT ${money(stated)} is not ${how} = ${money(expected)} (difference ${diff.gt(0) ? '+' : ''}${money(diff)})`,
      i, 'vatAmount', l.vatAmount,
      `line VAT = ${gross ? 'gross value − gross value / (1 + rate / 100)' : 'net value × rate / 100'}, rounded to grosze half away from zero (tolerance ${money(VAT_TOLERANCE)})`);
  });
}

/** The line's value in the invoice's pricing: stated, else quantity (default 1) × price − discount. */
function lineValue(l: Invoice['lines'][number], gross: boolean): Big | undefined {
  const amount = gross ? l.grossAmount : l.netAmount;
  if (amount !== undefined) return big(amount);
  const price = gross ? l.unitGrossPrice : l.unitNetPrice;
  if (price === undefined) return undefined;
  const qty = l.quantity === undefined ? big('1') : big(l.quantity);
  return round2(qty.times(big(price)).minus(l.discount === undefined ? ZERO : big(l.discount)));
}
