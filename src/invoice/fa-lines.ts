import type { Invoice } from '../core/invoice.ts';
import type { FaProfile } from './fa-profile.ts';
import { money, plain } from './money.ts';
import { rateCode } from './rates.ts';
import type { FaTotals } from './totals.ts';
import type { FaNode } from './xml-node.ts';

/** What was sold: the same sequence in FaWiersz and, with names ending in Z, in ZamowienieWiersz. */
function writeGoods(w: FaNode, line: Invoice['lines'][number], z: '' | 'Z'): void {
  w.opt(`P_7${z}`, line.description);
  w.opt(`Indeks${z}`, line.sku);
  w.opt(`PKWiU${z}`, line.pkwiu);
  w.opt(`CN${z}`, line.cn);
  w.opt(`P_8A${z}`, line.unit);
  w.opt(`P_8B${z}`, line.quantity === undefined ? undefined : plain(line.quantity));
}

/** FaWiersz elements, in the XSD's sequence order. */
export function writeLines(fa: FaNode, inv: Invoice, totals: FaTotals, profile: FaProfile): void {
  const foreign = inv.currency !== 'PLN' && inv.exchangeRate !== undefined;
  inv.lines.forEach((line, i) => {
    const amounts = totals.lines[i]!;
    const w = fa.el('FaWiersz');
    w.text('NrWierszaFa', String(i + 1));
    w.opt('P_6A', line.saleDate);
    writeGoods(w, line, '');
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
    writeGoods(w, line, 'Z');
    if (inv.pricing === 'net') w.opt('P_9AZ', line.unitNetPrice === undefined ? undefined : plain(line.unitNetPrice));
    w.text('P_11NettoZ', money(amounts.net));
    w.text('P_11VatZ', money(amounts.vat));
    w.text('P_12Z', rateCode(line.vatRate, profile.schema));
    w.opt('GTUZ', line.gtu);
    if (line.beforeCorrection) w.text('StanPrzedZ', '1');
  });
}
