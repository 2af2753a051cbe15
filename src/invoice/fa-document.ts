import { AgentError } from '../core/errors.ts';
import type { CompanyProfile, Invoice, InvoiceXml } from '../core/invoice.ts';
import type { FaProfile } from './fa-profile.ts';
import { writeLines, writeOrder } from './fa-lines.ts';
import { bankAccountDigits, writeBuyer, writeSeller, writeThirdParties } from './fa-parties.ts';
import { writeAttachment } from './fa-attachment.ts';
import { money, plain } from './money.ts';
import { rateInfo } from './rates.ts';
import { computeTotals, isAdvance, isCorrection, type FaTotals } from './totals.ts';
import { FaNode } from './xml-node.ts';
import { invoiceFieldWhere } from './line-field.ts';

export interface BuildOptions {
  /** creation time written to DataWytworzeniaFa (default: now) */
  readonly now?: Date;
  /** SystemInfo (default "ksef-hotfolder") */
  readonly systemInfo?: string;
}

/** Builds one FA document for the given schema profile. Throws AgentError (FA_…) on unusable data. */
export function writeFa(inv: Invoice, profile: FaProfile, company: CompanyProfile, opts: BuildOptions = {}): InvoiceXml {
  const totals = computeTotals(inv);
  const root = FaNode.root('Faktura', profile.namespace);

  const now = (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const head = root.el('Naglowek');
  head.el('KodFormularza', { kodSystemowy: profile.systemCode, wersjaSchemy: '1-0E' }).value('FA');
  head.text('WariantFormularza', profile.variant).text('DataWytworzeniaFa', now).text('SystemInfo', opts.systemInfo ?? 'ksef-hotfolder');

  const sellerNip = writeSeller(root, inv, company);
  writeBuyer(root, inv, profile);
  writeThirdParties(root, inv, profile);
  writeFaSection(root.el('Fa'), inv, totals, profile, company);
  if (inv.footer?.trim()) root.el('Stopka').el('Informacje').text('StopkaFaktury', inv.footer);
  if (inv.attachment) writeAttachment(root, inv, profile);

  const xml = root.serialise();
  return {
    invoiceNumber: inv.number,
    kind: inv.kind,
    sellerNip,
    issueDate: inv.issueDate,
    schema: profile.schema,
    xml: Buffer.from(xml, 'utf8'),
    provenance: inv.provenance,
  };
}

function fail(inv: Invoice, code: string, message: string, field: string, rule: string): never {
  throw new AgentError(code, message, { where: invoiceFieldWhere(inv, field), rule });
}

function writeFaSection(fa: FaNode, inv: Invoice, totals: FaTotals, profile: FaProfile, company: CompanyProfile): void {
  const foreign = inv.currency !== 'PLN';
  fa.text('KodWaluty', inv.currency);
  fa.text('P_1', inv.issueDate);
  fa.opt('P_1M', inv.issuePlace);
  fa.text('P_2', inv.number);
  if (inv.saleDate) fa.text('P_6', inv.saleDate);
  else if (inv.salePeriod) fa.el('OkresFa').text('P_6_Od', inv.salePeriod.from).text('P_6_Do', inv.salePeriod.to);

  for (const g of totals.groups) {
    fa.text(g.group, money(g.net));
    if (g.vat !== null) {
      const n = g.group.slice('P_13_'.length);
      fa.text(`P_14_${n}`, money(g.vat));
      if (g.vatPln !== null) fa.text(`P_14_${n}W`, money(g.vatPln));
    }
  }
  fa.text('P_15', money(totals.gross));
  if (isAdvance(inv) && foreign && inv.exchangeRate !== undefined) fa.text('KursWalutyZ', plain(inv.exchangeRate));

  writeAnnotations(fa.el('Adnotacje'), inv);
  fa.text('RodzajFaktury', inv.kind);
  if (isCorrection(inv)) writeCorrection(fa, inv);
  for (const note of inv.notes ?? []) {
    if (note.key.trim() && note.value.trim()) fa.el('DodatkowyOpis').text('Klucz', note.key).text('Wartosc', note.value);
  }
  if (isAdvance(inv)) {
    if (!inv.advance && inv.kind === 'ZAL') {
      fail(inv, 'FA_ADVANCE_MISSING', 'an advance invoice (ZAL) needs the amount received', 'advance.amountReceived', 'ZAL requires advance.amountReceived');
    }
  } else {
    writeLines(fa, inv, totals, profile);
  }
  writePayment(fa, inv, company);
  if (inv.orderNumber?.trim()) fa.el('WarunkiTransakcji').el('Zamowienia').text('NrZamowienia', inv.orderNumber);
  if (isAdvance(inv)) writeOrder(fa, inv, totals, profile);
}

function writeAnnotations(a: FaNode, inv: Invoice): void {
  const an = inv.annotations ?? {};
  const flag = (b: boolean | undefined) => (b ? '1' : '2');
  const hasRate = (test: (r: string) => boolean) => inv.lines.some((l) => test(l.vatRate));
  a.text('P_16', flag(an.cashAccounting));
  a.text('P_17', flag(an.selfBilling));
  // the buyer settles the VAT: domestic reverse charge (oo) and art. 100 ust. 1 pkt 4 services (np II)
  a.text('P_18', flag(an.reverseCharge || hasRate((r) => r === 'oo' || r === 'np II')));
  a.text('P_18A', flag(an.splitPayment));
  const z = a.el('Zwolnienie');
  if (hasRate((r) => rateInfo(r)?.group === 'P_13_7')) {
    const ex = an.exemption;
    if (!ex || !ex.text.trim()) {
      fail(inv, 'FA_EXEMPTION_MISSING', 'lines with rate zw need the legal basis of the exemption', 'annotations.exemption',
        'zw lines require annotations.exemption (basis law|directive|other, text)');
    }
    z.text('P_19', '1').text(ex.basis === 'law' ? 'P_19A' : ex.basis === 'directive' ? 'P_19B' : 'P_19C', ex.text);
  } else {
    z.text('P_19N', '1');
  }
  a.el('NoweSrodkiTransportu').text('P_22N', '1');
  a.text('P_23', '2');
  a.el('PMarzy').text('P_PMarzyN', '1');
}

function writeCorrection(fa: FaNode, inv: Invoice): void {
  const c = inv.correction;
  if (!c || c.corrected.length === 0) {
    fail(inv, 'FA_CORRECTION_MISSING', `a correction (${inv.kind}) must name the corrected invoice`, 'correction.corrected',
      'KOR requires correction.corrected[] with number and issueDate');
  }
  fa.opt('PrzyczynaKorekty', c.reason);
  fa.opt('TypKorekty', c.effect);
  for (const k of c.corrected) {
    const d = fa.el('DaneFaKorygowanej').text('DataWystFaKorygowanej', k.issueDate).text('NrFaKorygowanej', k.number);
    if (k.ksefNumber?.trim()) d.text('NrKSeF', '1').text('NrKSeFFaKorygowanej', k.ksefNumber.trim());
    else d.text('NrKSeFN', '1');
  }
}

function writePayment(fa: FaNode, inv: Invoice, company: CompanyProfile): void {
  const p = inv.payment ?? {};
  const paid = p.paid === true;
  const account = p.bankAccount ?? (!paid && (p.method === undefined || p.method === '6') ? company.bankAccount : undefined);
  if (!paid && !p.dueDate && !p.method && !account) return;
  const pl = fa.el('Platnosc');
  if (paid) pl.text('Zaplacono', '1').text('DataZaplaty', p.paidDate ?? inv.issueDate);
  if (p.dueDate) pl.el('TerminPlatnosci').text('Termin', p.dueDate);
  pl.opt('FormaPlatnosci', p.method);
  if (account?.trim()) pl.el('RachunekBankowy').text('NrRB', bankAccountDigits(account)).opt('NazwaBanku', p.bankName);
}
