import type Big from 'big.js';
import { lineFieldWhere } from './line-field.ts';
import { AgentError } from '../core/errors.ts';
import type { Invoice, InvoiceLine, VatRate } from '../core/invoice.ts';
import { big, round2, ZERO } from './money.ts';
import { num, requireRate, summarise, vatFromNet, type FaTotals, type LineAmounts, type RateTotal } from './totals.ts';

/**
 * A sales register's per-rate rows (`lineKind: rateRows`): each row states its net or gross value
 * and the VAT as the ERP booked it. The FA sums are the rows' sums: P_13_x = Σ net, P_14_x =
 * Σ stated VAT (what the register, and so JPK, carries), P_15 = Σ net + Σ VAT. That the stated VAT
 * is the rate applied to the sum, within a tolerance, is checked by checkRateRows before writing.
 * A row's missing value is derived: net = gross − VAT, gross = net + VAT.
 */
export function rateRowTotals(inv: Invoice): FaTotals {
  const lines: LineAmounts[] = [];
  const sums = new Map<VatRate, { net: Big; vat: Big }>();
  inv.lines.forEach((line, i) => {
    const info = requireRate(inv, line, i);
    const vat = rowVat(inv, line, i, info.percent !== null);
    const { net, gross } = rowValues(inv, line, i, vat);
    const sign = line.beforeCorrection ? -1 : 1;
    lines.push({ index: i, rate: line.vatRate, sign, net, vat, gross });
    const s = sums.get(line.vatRate) ?? { net: ZERO, vat: ZERO };
    sums.set(line.vatRate, sign === 1 ? { net: s.net.plus(net), vat: s.vat.plus(vat) } : { net: s.net.minus(net), vat: s.vat.minus(vat) });
  });
  const foreign = inv.currency !== 'PLN' && inv.exchangeRate !== undefined;
  const rates: RateTotal[] = [...sums.entries()].map(([rate, { net, vat }]) => {
    const info = requireRate(inv, { vatRate: rate } as InvoiceLine, 0);
    // P_14_xW as for item lines: the rate's net converted to PLN (grosze), × rate
    const vatPln = foreign && info.percent ? vatFromNet(round2(net.times(big(inv.exchangeRate!))), info.percent) : null;
    return { rate, group: info.group, net, vat, gross: net.plus(vat), vatPln };
  });
  return summarise(lines, rates, foreign, null);
}

function rowVat(inv: Invoice, line: InvoiceLine, i: number, taxed: boolean): Big {
  if (line.vatAmount !== undefined) return num(lineFieldWhere(inv, i, 'vatAmount'), line.vatAmount);
  if (!taxed) return ZERO;
  throw new AgentError('FA_RATE_ROW_VAT_MISSING', `rate row ${i + 1} (rate ${line.vatRate}) has no vatAmount`, {
    where: lineFieldWhere(inv, i, 'vatAmount'),
    rule: 'a rate row at a taxed rate states its VAT (vatAmount)',
  });
}

/** Net and gross of a row: stated, or derived from the other and the VAT. */
export function rowValues(inv: Invoice, line: InvoiceLine, i: number, vat: Big): { net: Big; gross: Big } {
  if (line.netAmount !== undefined) {
    const net = num(lineFieldWhere(inv, i, 'netAmount'), line.netAmount);
    return { net, gross: line.grossAmount !== undefined ? num(lineFieldWhere(inv, i, 'grossAmount'), line.grossAmount) : net.plus(vat) };
  }
  if (line.grossAmount !== undefined) {
    const gross = num(lineFieldWhere(inv, i, 'grossAmount'), line.grossAmount);
    return { net: gross.minus(vat), gross };
  }
  throw new AgentError('FA_LINE_AMOUNT_MISSING', `rate row ${i + 1} has neither netAmount nor grossAmount`, {
    where: lineFieldWhere(inv, i, 'netAmount'),
    rule: 'a rate row states its net value (netAmount) or its gross value (grossAmount)',
  });
}
