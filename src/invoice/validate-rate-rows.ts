import type Big from 'big.js';
import type { Invoice } from '../core/invoice.ts';
import { big, money, ZERO } from './money.ts';
import { rateInfo } from './rates.ts';
import { vatFromGross, vatFromNet } from './totals.ts';
import type { Findings } from './validate.ts';

/** What a rate row may not carry: it is a sum, not goods. */
const ITEM_FIELDS = ['quantity', 'unit', 'unitNetPrice', 'unitGrossPrice', 'discount'] as const;

/**
 * The rows of a sales register (`lineKind: rateRows`), before any sum is trusted:
 * - a row states no quantity, unit, unit price or discount (FA_RATE_ROW_FIELD);
 * - a row states its net or gross value (FA_LINE_AMOUNT_MISSING) and, at a taxed rate, its VAT
 *   (FA_RATE_ROW_VAT_MISSING); a row stating all three has net + VAT = gross exactly
 *   (FA_RATE_ROW_ARITHMETIC);
 * - per rate, the stated VAT summed over the rate's rows is the rate applied to the rate's sum
 *   (net-priced: Σ net × p / 100; gross-priced: Σ gross × p / (100 + p)), rounded to grosze half
 *   away from zero, within 0.01 per row of that rate (FA_RATE_VAT_MISMATCH): a register that
 *   rounded the VAT of each of its documents' lines differs by that much at most, while a VAT
 *   read from the wrong column differs by far more.
 * Runs after checkNumbers (every value is a decimal). Rows without VAT (0 %, zw, np, oo) take a
 * stated VAT of 0 only; checkLineVat says so.
 */
export function checkRateRows(f: Findings, inv: Invoice): void {
  if (inv.kind === 'ZAL' || inv.kind === 'KOR_ZAL') {
    f.error('FA_RATE_ROW_FIELD', `an advance invoice (${inv.kind}) cannot be built from rate rows: its lines describe the ordered goods`, 'lineKind', 'rateRows',
      'lineKind rateRows is for VAT, KOR, ROZ and UPR invoices');
    return;
  }
  const gross = inv.pricing === 'gross';
  const perRate = new Map<string, { rows: number[]; base: Big; vat: Big; percent: string }>();
  inv.lines.forEach((l, i) => {
    const given = ITEM_FIELDS.filter((k) => l[k] !== undefined);
    if (given.length > 0) {
      f.lineError('FA_RATE_ROW_FIELD', `rate row ${i + 1} states ${given.join(', ')}; rows of a sales register are sums per VAT rate, without quantities or prices`,
        i, given[0]!, String(l[given[0]!]), 'lineKind rateRows: a row has netAmount or grossAmount, vatAmount, vatRate and a description only');
    }
    const info = rateInfo(l.vatRate);
    if (!info) return; // FA_RATE_INVALID already
    if (l.netAmount === undefined && l.grossAmount === undefined) {
      f.lineError('FA_LINE_AMOUNT_MISSING', `rate row ${i + 1} has neither netAmount nor grossAmount`, i, 'netAmount', undefined,
        'a rate row states its net value (netAmount) or its gross value (grossAmount)');
      return;
    }
    if (!info.percent) return;
    if (l.vatAmount === undefined) {
      f.lineError('FA_RATE_ROW_VAT_MISSING', `rate row ${i + 1} (rate ${l.vatRate}) has no vatAmount`, i, 'vatAmount', undefined,
        'a rate row at a taxed rate states its VAT as booked (vatAmount)');
      return;
    }
    const vat = big(l.vatAmount);
    if (l.netAmount !== undefined && l.grossAmount !== undefined && !big(l.netAmount).plus(vat).eq(big(l.grossAmount))) {
      f.lineError('FA_RATE_ROW_ARITHMETIC',
        `rate row ${i + 1}: net ${money(big(l.netAmount))} + VAT ${money(vat)} = ${money(big(l.netAmount).plus(vat))}, not the stated gross ${money(big(l.grossAmount))}`,
        i, 'grossAmount', l.grossAmount, 'a rate row: net + VAT = gross');
      return;
    }
    const sign = l.beforeCorrection ? -1 : 1;
    const base = gross
      ? (l.grossAmount !== undefined ? big(l.grossAmount) : big(l.netAmount!).plus(vat))
      : (l.netAmount !== undefined ? big(l.netAmount) : big(l.grossAmount!).minus(vat));
    const s = perRate.get(l.vatRate) ?? { rows: [], base: ZERO, vat: ZERO, percent: info.percent };
    s.rows.push(i);
    s.base = s.base.plus(sign === 1 ? base : base.neg());
    s.vat = s.vat.plus(sign === 1 ? vat : vat.neg());
    perRate.set(l.vatRate, s);
  });
  for (const [rate, s] of perRate) {
    const expected = gross ? vatFromGross(s.base, s.percent) : vatFromNet(s.base, s.percent);
    const diff = s.vat.minus(expected);
    const tolerance = big('0.01').times(s.rows.length);
    if (diff.abs().lte(tolerance)) continue;
    const first = s.rows[0]!;
    const rows = s.rows.map((i) => i + 1).join(', ');
    const how = gross ? `the VAT contained in gross ${money(s.base)} at ${rate} %` : `net ${money(s.base)} × ${rate} %`;
    f.lineError('FA_RATE_VAT_MISMATCH',
      `rate ${rate} %: the rows' stated VAT ${money(s.vat)} (row${s.rows.length === 1 ? '' : 's'} ${rows}) is not ${how} = ${money(expected)} (difference ${diff.gt(0) ? '+' : ''}${money(diff)}, tolerance ${money(tolerance)})`,
      first, 'vatAmount', inv.lines[first]!.vatAmount,
      `VAT per rate = ${gross ? 'Σ gross × p / (100 + p)' : 'Σ net × p / 100'}, rounded to grosze half away from zero; the stated VAT may differ by 0.01 per row of the rate`);
  }
}
