/**
 * Common column names of Polish and English ERP exports → the canonical field they usually hold.
 * Compared after folding (case, Polish letters, punctuation: see fold-header.ts). A header that
 * looks mis-encoded is never matched: it is reported instead (misencoding.ts).
 *
 * Each target has exact names (compared as whole, score 100 + words) and word rules: every word
 * of a rule must start one of the header's words, alternatives separated by "|" (score 50 + 10 per
 * word, minus 2 per header word the rule does not use). Targets are `invoice.<path>` or
 * `line.<path>`; `invoice.buyer.address.postcode` and `.city` are pseudo targets that become the
 * line2 template.
 */
import { foldWords } from './fold-header.ts';
import { misencodingOf } from './misencoding.ts';

interface Entry {
  readonly target: string;
  readonly exact: readonly string[];
  readonly rules?: readonly string[];
  /** exact names that match weaker (ambiguous alone) */
  readonly weak?: readonly string[];
}

const BUYER = 'nabyw|kontrah|klient|odbior|buyer|customer|billing|client';

export const DICTIONARY: readonly Entry[] = [
  { target: 'invoice.number', exact: ['numer', 'nr', 'numer faktury', 'nr faktury', 'numer dokumentu', 'nr dokumentu', 'invoice no', 'invoice number', 'invoice nr', 'document number', 'document no', 'number', 'faktura', 'nr fv', 'numer fv', 'pelny numer', 'symbol dokumentu'], rules: ['numer|nr|number faktur|dokument|invoice|fv', 'invoice no|id'] },
  { target: 'invoice.kind', exact: ['rodzaj faktury', 'typ faktury', 'rodzaj dokumentu', 'invoice type', 'document type'], weak: ['type', 'typ', 'rodzaj'] },
  { target: 'invoice.issueDate', exact: ['data wystawienia', 'data wyst', 'data faktury', 'data dokumentu', 'issue date', 'invoice date', 'date', 'data', 'created at', 'created', 'issued', 'issued at', 'issued on', 'date issued'], rules: ['data|date wyst|issue|faktur|invoice'] },
  { target: 'invoice.saleDate', exact: ['data sprzedazy', 'data sprz', 'data dostawy', 'sale date', 'delivery date', 'data wykonania uslugi', 'date of sale'], rules: ['data|date sprzed|sale|dostaw|deliver|wykonan'] },
  { target: 'invoice.buyer.taxId', exact: ['nip', 'vat id', 'tax id', 'vat number', 'tax number', 'nip nabywcy', 'nip kontrahenta', 'nip odbiorcy', 'nip klienta', 'vat no', 'vatid', 'taxid'], rules: ['nip', `nip ${BUYER}`, 'vat|tax id|number|no|nr'] },
  { target: 'invoice.buyer.idCountry', exact: [], rules: ['kraj|country tax|nip|vat'] },
  { target: 'invoice.buyer.name', exact: ['nabywca', 'kontrahent', 'buyer', 'customer', 'klient', 'odbiorca', 'nazwa kontrahenta', 'nazwa nabywcy', 'nazwa klienta', 'buyer name', 'customer name', 'company', 'firma', 'company name', 'nazwa pelna kontrahenta'], rules: [`nazwa|name|company|firma ${BUYER}`, 'nabyw|kontrah|buyer|customer|klient'] },
  { target: 'invoice.buyer.address.line1', exact: ['adres', 'ulica', 'address', 'street', 'address 1', 'address line 1', 'ulica i numer', 'adres nabywcy', 'adres kontrahenta'], rules: ['adres|ulica|street|address', `adres|ulica|street|address ${BUYER}`] },
  { target: 'invoice.buyer.address.postcode', exact: ['kod pocztowy', 'kod poczt', 'postcode', 'post code', 'postal code', 'zip', 'zip code', 'kod'], rules: ['kod poczt', 'postal|postcode|zip'] },
  { target: 'invoice.buyer.address.city', exact: ['miejscowosc', 'miasto', 'city', 'town', 'poczta'], rules: ['miejscow|miasto|city|town'] },
  { target: 'invoice.buyer.address.country', exact: ['kraj', 'country', 'kod kraju', 'country code'], rules: ['kraj|country', 'kraj|country adres|address'] },
  { target: 'invoice.buyer.email', exact: ['email', 'e mail', 'mail', 'adres email', 'adres e mail'], rules: ['email|mail'] },
  { target: 'invoice.buyer.phone', exact: ['telefon', 'tel', 'phone', 'nr telefonu'], rules: ['telefon|phone'] },
  { target: 'invoice.currency', exact: ['waluta', 'currency', 'kod waluty', 'currency code', 'wal'], rules: ['walut|currency'] },
  { target: 'invoice.exchangeRate', exact: ['kurs', 'kurs waluty', 'exchange rate', 'fx rate', 'kurs wymiany'], rules: ['kurs', 'exchange rate'] },
  { target: 'invoice.pricing', exact: ['pricing', 'ceny', 'typ cen', 'rodzaj cen', 'liczone od'], rules: [] },
  { target: 'invoice.payment.dueDate', exact: ['termin platnosci', 'termin', 'due date', 'payment due', 'termin zaplaty', 'due', 'platnosc do', 'zaplata do'], rules: ['termin platn|zaplat', 'due', 'termin'] },
  { target: 'invoice.payment.method', exact: ['forma platnosci', 'sposob platnosci', 'sposob zaplaty', 'forma zaplaty', 'payment method', 'payment', 'platnosc', 'payment type', 'metoda platnosci'], rules: ['forma|sposob|metoda|method platn|zaplat|payment', 'payment method|type'] },
  { target: 'invoice.payment.bankAccount', exact: ['konto', 'nr konta', 'numer konta', 'rachunek', 'nr rachunku', 'numer rachunku', 'rachunek bankowy', 'iban', 'account', 'bank account', 'account number', 'nrb'], rules: ['konto|rachun|account|iban'] },
  { target: 'invoice.payment.paidDate', exact: ['data zaplaty', 'data platnosci', 'paid at', 'paid date', 'paid on', 'date paid'], rules: ['paid at|date|on'] },
  { target: 'invoice.orderNumber', exact: ['zamowienie', 'nr zamowienia', 'numer zamowienia', 'order', 'order no', 'order number', 'order id', 'id zamowienia'], weak: ['id'], rules: ['zamowien|order'] },
  { target: 'invoice.correction.originalNumber', exact: ['numer korygowanej', 'nr faktury korygowanej', 'faktura korygowana', 'original number', 'corrected invoice'], rules: ['korekt|koryg|correct|orygin|original numer|number|nr'] },
  { target: 'invoice.correction.originalIssueDate', exact: ['data faktury korygowanej', 'original issue date'], rules: ['korekt|koryg|correct|orygin|original data|date|issue'] },
  { target: 'invoice.correction.originalKsefNumber', exact: ['numer ksef korygowanej'], rules: ['korekt|koryg|correct|orygin|original ksef'] },
  { target: 'invoice.correction.reason', exact: ['przyczyna korekty', 'powod korekty', 'correction reason'], rules: ['korekt|koryg|correct reason|przyczyn|powod', 'reason|przyczyn|powod'] },
  { target: 'invoice.statedTotals.net', exact: ['razem netto', 'suma netto', 'total net', 'netto razem', 'net total'], rules: ['razem|suma|total|ogolem netto|net'] },
  { target: 'invoice.statedTotals.vat', exact: ['razem vat', 'suma vat', 'total vat', 'vat razem', 'total tax'], rules: ['razem|suma|total|ogolem vat|tax|podat'] },
  { target: 'invoice.statedTotals.gross', exact: ['razem brutto', 'suma brutto', 'total gross', 'brutto razem', 'do zaplaty', 'total', 'gross total', 'razem', 'suma', 'kwota do zaplaty'], rules: ['razem|suma|total|ogolem brutto|gross'] },
  { target: 'line.description', exact: ['nazwa', 'towar', 'usluga', 'towar usluga', 'nazwa towaru', 'nazwa towaru uslugi', 'nazwa uslugi', 'opis', 'description', 'name', 'item', 'product', 'produkt', 'item name', 'product name', 'artykul', 'nazwa artykulu', 'pozycja', 'title', 'item title', 'product title', 'offer title', 'tytul', 'tytul oferty'], rules: ['nazwa|name|opis|descr towar|uslug|produkt|item|product|artykul|pozycj', 'towar|uslug|produkt|product|artykul'] },
  { target: 'line.unit', exact: ['jm', 'jedn', 'jednostka', 'jedn miary', 'jednostka miary', 'unit', 'uom', 'unit of measure', 'miara'], rules: ['jednost|unit'] },
  { target: 'line.quantity', exact: ['ilosc', 'ilosc szt', 'qty', 'quantity', 'liczba', 'ilosc jm', 'ile'], rules: ['ilosc|qty|quantity'] },
  { target: 'line.unitNetPrice', exact: ['cena netto', 'cena jedn netto', 'cena jednostkowa netto', 'cena', 'unit price', 'price', 'net price', 'unit net price', 'cena jedn', 'cena jednostkowa', 'price net'], rules: ['cena|price netto|net', 'cena|price'] },
  { target: 'line.unitGrossPrice', exact: ['cena brutto', 'cena jedn brutto', 'cena jednostkowa brutto', 'gross price', 'unit gross price', 'price gross'], rules: ['cena|price brutto|gross'] },
  { target: 'line.netAmount', exact: ['wartosc netto', 'netto', 'net', 'net amount', 'net value', 'kwota netto', 'wart netto', 'wartosc', 'value', 'line total', 'net total line'], rules: ['wartosc|wart|kwota|amount|value netto|net'] },
  { target: 'line.grossAmount', exact: ['wartosc brutto', 'brutto', 'gross', 'gross amount', 'gross value', 'kwota brutto', 'wart brutto'], rules: ['wartosc|wart|kwota|amount|value brutto|gross'] },
  { target: 'line.vatAmount', exact: ['kwota vat', 'wartosc vat', 'vat amount', 'tax amount', 'podatek', 'podatek vat', 'kwota podatku', 'tax'], weak: ['vat'], rules: ['kwota|wartosc|amount|value vat|tax|podat'] },
  { target: 'line.vatRate', exact: ['stawka vat', 'stawka', 'vat pct', 'stawka pct', 'stawka vat pct', 'stawka podatku', 'tax rate', 'vat rate', 'rate', 'tax pct', 'proc vat', 'vat stawka'], weak: ['vat'], rules: ['stawk|rate vat|tax|podat', 'stawk'] },
  { target: 'line.sku', exact: ['indeks', 'index', 'kod towaru', 'sku', 'symbol', 'kod produktu', 'product code', 'item code', 'indeks towaru', 'symbol towaru', 'offer id', 'id oferty', 'product id'], rules: ['indeks|sku|symbol', 'kod towar|produkt|product|item'] },
  { target: 'line.pkwiu', exact: ['pkwiu'], rules: ['pkwiu'] },
  { target: 'line.gtu', exact: ['gtu', 'kod gtu'], rules: ['gtu'] },
  { target: 'line.cn', exact: ['cn', 'kod cn'], rules: [] },
  { target: 'line.discount', exact: ['rabat', 'upust', 'discount', 'rabat kwota', 'kwota rabatu'], rules: ['rabat|upust|discount'] },
];

export interface HeaderMatch {
  readonly target?: string;
  readonly score: number;
  /** the header looks read in the wrong code page: why, and what it probably says */
  readonly misencoded?: string;
}

interface Compiled {
  readonly target: string;
  readonly exact: ReadonlyMap<string, number>;
  readonly rules: readonly (readonly (readonly string[])[])[];
}

const COMPILED: readonly Compiled[] = DICTIONARY.map((e) => {
  const exact = new Map<string, number>();
  for (const x of e.exact) exact.set(x.replace(/ /g, ''), 100 + x.split(' ').length);
  for (const x of e.weak ?? []) exact.set(x.replace(/ /g, ''), 80);
  return { target: e.target, exact, rules: (e.rules ?? []).map((r) => r.split(' ').map((w) => w.split('|'))) };
});

/** Every target the header may hold, best first (none when it looks mis-encoded). */
export function scoreHeader(header: string): { target: string; score: number }[] {
  if (misencodingOf(header)) return [];
  const words = foldWords(header);
  const compact = words.join('');
  const out: { target: string; score: number }[] = [];
  for (const c of COMPILED) {
    let best = c.exact.get(compact) ?? 0;
    for (const rule of c.rules) {
      const used = new Set<number>();
      const ok = rule.every((alts) => {
        const i = words.findIndex((w, k) => !used.has(k) && alts.some((a) => w.startsWith(a)));
        if (i < 0) return false;
        used.add(i);
        return true;
      });
      if (ok) best = Math.max(best, 50 + 10 * rule.length - 2 * (words.length - used.size));
    }
    if (best > 0) out.push({ target: c.target, score: best });
  }
  return out.sort((a, b) => b.score - a.score);
}

export function matchHeader(header: string): HeaderMatch {
  const misencoded = misencodingOf(header);
  if (misencoded) return { score: 0, misencoded };
  const best = scoreHeader(header)[0];
  return best ? { target: best.target, score: best.score } : { score: 0 };
}

/**
 * Gives each target at most one header and each header at most one target, best scores first
 * (ties: the earlier header). `accept` can refuse a pair, e.g. when the column's values do not
 * fit the target; `allowed` limits the targets (e.g. only line targets for nested lines).
 */
export function assignHeaders(headers: readonly string[], accept: (target: string, header: string) => boolean = () => true, allowed: (target: string) => boolean = () => true): Map<string, string> {
  const pairs: { target: string; header: string; score: number; order: number }[] = [];
  headers.forEach((header, order) => {
    for (const s of scoreHeader(header)) if (allowed(s.target)) pairs.push({ ...s, header, order });
  });
  pairs.sort((a, b) => b.score - a.score || a.order - b.order);
  const byTarget = new Map<string, string>();
  const taken = new Set<string>();
  for (const p of pairs) {
    if (byTarget.has(p.target) || taken.has(p.header)) continue;
    if (!accept(p.target, p.header)) continue;
    byTarget.set(p.target, p.header);
    taken.add(p.header);
  }
  return byTarget;
}

