import type Big from 'big.js';
import type { Invoice } from '../core/invoice.ts';
import { big, fractionDigits, money, plain, round2, ZERO } from './money.ts';
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
    f.error('FA_LINE_ARITHMETIC',
      `line ${i + 1}: ${kind} value ${money(big(amount))} is not quantity × unit ${kind} price${withDiscount}: ${product} = ${money(expected)} (difference ${diff.gt(0) ? '+' : ''}${money(diff)})`,
      `lines[${i}].${kind}Amount`, amount,
      `line value = quantity × unit price − discount, rounded to grosze half away from zero (tolerance ${show(tolerance)} for this line: 1 grosz plus half a unit of the price's last decimal place per unit of quantity)`,
      l.provenance);
  });
}
