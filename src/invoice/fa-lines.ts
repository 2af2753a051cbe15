import type { Invoice } from '../core/invoice.ts';
import type { FaProfile } from './fa-profile.ts';
import { money, plain } from './money.ts';
import { rateCode } from './rates.ts';
import type { FaTotals } from './totals.ts';
import type { FaNode } from './xml-node.ts';

/** FaWiersz elements, in the XSD's sequence order. */
export function writeLines(fa: FaNode, inv: Invoice, totals: FaTotals, profile: FaProfile): void {
  const foreign = inv.currency !== 'PLN' && inv.exchangeRate !== undefined;
  inv.lines.forEach((line, i) => {
    const amounts = totals.lines[i]!;
    const w = fa.el('FaWiersz');
    w.text('NrWierszaFa', String(i + 1));
    w.opt('P_6A', line.saleDate);
    w.opt('P_7', line.description);
    w.opt('Indeks', line.sku);
    w.opt('PKWiU', line.pkwiu);
    w.opt('CN', line.cn);
    w.opt('P_8A', line.unit);
    w.opt('P_8B', line.quantity === undefined ? undefined : plain(line.quantity));
    if (inv.pricing === 'gross') {
      w.opt('P_9B', line.unitGrossPrice === undefined ? undefined : plain(line.unitGrossPrice));
      w.opt('P_10', line.discount === undefined ? undefined : plain(line.discount));
      w.text('P_11A', money(amounts.gross));
    } else {
      w.opt('P_9A', line.unitNetPrice === undefined ? undefined : plain(line.unitNetPrice));
      w.opt('P_10', line.discount === undefined ? undefined : plain(line.discount));
      w.text('P_11', money(amounts.net));
    }
    w.text('P_12', rateCode(line.vatRate, profile.schema));
    w.opt('GTU', line.gtu);
    if (foreign) w.text('KursWaluty', plain(inv.exchangeRate!));
    if (line.beforeCorrection) w.text('StanPrzed', '1');
  });
}

/** Zamowienie of an advance invoice: the ordered goods with net and VAT per line. */
export function writeOrder(fa: FaNode, inv: Invoice, totals: FaTotals, profile: FaProfile): void {
  const z = fa.el('Zamowienie');
  z.text('WartoscZamowienia', money(totals.orderGross!));
  inv.lines.forEach((line, i) => {
    const amounts = totals.lines[i]!;
    const w = z.el('ZamowienieWiersz');
    w.text('NrWierszaZam', String(i + 1));
    w.opt('P_7Z', line.description);
    w.opt('IndeksZ', line.sku);
    w.opt('PKWiUZ', line.pkwiu);
    w.opt('CNZ', line.cn);
    w.opt('P_8AZ', line.unit);
    w.opt('P_8BZ', line.quantity === undefined ? undefined : plain(line.quantity));
    if (inv.pricing === 'net') w.opt('P_9AZ', line.unitNetPrice === undefined ? undefined : plain(line.unitNetPrice));
    w.text('P_11NettoZ', money(amounts.net));
    w.text('P_11VatZ', money(amounts.vat));
    w.text('P_12Z', rateCode(line.vatRate, profile.schema));
    w.opt('GTUZ', line.gtu);
    if (line.beforeCorrection) w.text('StanPrzedZ', '1');
  });
}
