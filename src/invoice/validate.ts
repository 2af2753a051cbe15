import { AgentError, type Where } from '../core/errors.ts';
import { lineField, lineFieldWhere } from './line-field.ts';
import { provenanceWhere } from '../core/records.ts';
import type { CompanyProfile, FaSchema, Invoice } from '../core/invoice.ts';
import { inFaDateRange, isIsoDate } from './dates.ts';
import { fractionDigits, isDecimal, money, big } from './money.ts';
import { normaliseNip, nipProblem } from '../core/nip.ts';
import { rateInfo } from './rates.ts';
import { computeTotals, isAdvance, isCorrection } from './totals.ts';
import { checkTexts } from './validate-texts.ts';
import { checkLineArithmetic, checkLineVat } from './validate-lines.ts';
import { checkForbiddenChars } from './validate-chars.ts';
import { checkFaExtras } from './validate-fa-extras.ts';
import { checkRateRows } from './validate-rate-rows.ts';

export interface ValidationResult {
  readonly errors: AgentError[];
  readonly warnings: AgentError[];
}

/** Collects problems of one invoice, each with field, value, rule and the invoice's provenance. */
export class Findings {
  readonly errors: AgentError[] = [];
  readonly warnings: AgentError[] = [];
  constructor(private readonly inv: Invoice) {}

  private make(code: string, message: string, field: string, value: string | undefined, rule: string, at?: Where): AgentError {
    // A finding is about the data, not the program: its stack trace would only point here, and
    // capturing one cost ten times more than building the error (the offline-date warning is
    // made for most invoices of a backlog).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      // a provenance's cell maps are for finding a cell, not a place to report
      const place = provenanceWhere(at ?? this.inv.provenance);
      return new AgentError(code, message, {
        kind: 'data',
        where: { ...place, invoice: this.inv.number, field, ...(value !== undefined ? { value } : {}) },
        rule,
      });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
  /** `at`: where the field came from when not the invoice's first record (a line's own record) */
  error(code: string, message: string, field: string, value: string | undefined, rule: string, at?: Where): void {
    this.errors.push(this.make(code, message, field, value, rule, at));
  }
  warn(code: string, message: string, field: string, value: string | undefined, rule: string, at?: Where): void {
    this.warnings.push(this.make(code, message, field, value, rule, at));
  }
  /** A problem of line `i`'s field `name` (`lines[i + 1].name`), at that line's record and the field's cell. */
  lineError(code: string, message: string, i: number, name: string, value: string | undefined, rule: string): void {
    this.error(code, message, lineField(i, name), value, rule, lineFieldWhere(this.inv, i, name));
  }
}

/**
 * The canonical name of a line's field in messages: lines count from 1, as people and the
 * messages' "line 2" do (`lines[1].quantity` is the first line's quantity).
 */

const KSEF_NUMBER = /^([1-9]((\d[1-9])|([1-9]\d))\d{7}|M\d{9}|[A-Z]{3}\d{7})-(20[2-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})(0[1-9]|1[0-2])(0[1-9]|[1-2][0-9]|3[0-1])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})$/;

/**
 * Business rules checked before an invoice is written and sent. `today` is the local date
 * (`yyyy-mm-dd`) the invoice would be sent on. Errors stop the invoice; warnings are reported with
 * it. The official XSD is checked separately on the built XML (checkXsd).
 */
export function validateInvoice(inv: Invoice, schema: FaSchema, company: CompanyProfile, opts: { today: string }): ValidationResult {
  const f = new Findings(inv);
  checkRequired(f, inv);
  checkNips(f, inv, company);
  checkDates(f, inv, opts.today);
  const numbersOk = checkNumbers(f, inv);
  checkRates(f, inv, schema);
  checkKind(f, inv);
  checkTexts(f, inv, company);
  checkForbiddenChars(f, inv, company);
  if (numbersOk) checkLineArithmetic(f, inv);
  if (numbersOk) checkLineVat(f, inv);
  if (numbersOk && inv.lineKind === 'rateRows') checkRateRows(f, inv);
  checkFaExtras(f, inv, schema);
  if (numbersOk && f.errors.length === 0) checkStatedTotals(f, inv);
  return { errors: f.errors, warnings: f.warnings };
}

function checkRequired(f: Findings, inv: Invoice): void {
  if (!inv.number?.trim()) f.error('FA_FIELD_MISSING', 'the invoice number (P_2) is empty', 'number', inv.number ?? '', 'P_2 is required');
  if (inv.buyer.id.type !== 'none' && !inv.buyer.name?.trim()) {
    f.error('FA_FIELD_MISSING', 'the buyer name is empty', 'buyer.name', inv.buyer.name ?? '', 'a buyer with a tax id needs a name');
  }
  if (inv.lines.length === 0) f.error('FA_LINES_MISSING', 'the invoice has no lines', 'lines', undefined, 'at least one line');
  inv.lines.forEach((l, i) => {
    if (!l.description?.trim()) f.lineError('FA_FIELD_MISSING', `line ${i + 1} has no description`, i, 'description', l.description ?? '', 'P_7 (name of goods or service) is required');
  });
  if (!/^[A-Z]{3}$/.test(inv.currency ?? '')) {
    f.error('FA_CURRENCY_INVALID', `currency ${JSON.stringify(inv.currency)} is not an ISO 4217 code`, 'currency', inv.currency, 'three capital letters, e.g. PLN, EUR');
  }
}

function checkNip(f: Findings, raw: string, field: string, who: string): void {
  const problem = nipProblem(normaliseNip(raw));
  if (problem) f.error('FA_NIP_INVALID', `${who} NIP ${JSON.stringify(raw)} is not valid`, field, raw, problem);
}

function checkNips(f: Findings, inv: Invoice, company: CompanyProfile): void {
  if (inv.seller) {
    if (inv.seller.id.type === 'nip') checkNip(f, inv.seller.id.nip, 'seller.id.nip', 'seller');
    else f.error('FA_SELLER_NIP_MISSING', 'the seller must be identified by a Polish NIP', 'seller.id.type', inv.seller.id.type, 'Podmiot1 requires NIP');
  } else {
    checkNip(f, company.nip, 'company.nip', 'company (seller)');
  }
  const b = inv.buyer.id;
  if (b.type === 'nip') checkNip(f, b.nip, 'buyer.id.nip', 'buyer');
  if (b.type === 'eu-vat') {
    const number = b.number.replace(/[\s.\-]/g, '').toUpperCase();
    if (!/^[A-Z]{2}$/.test(b.country.trim().toUpperCase())) {
      f.error('FA_BUYER_ID_INVALID', `EU country code ${JSON.stringify(b.country)} is not valid`, 'buyer.id.country', b.country, 'two-letter EU country code, e.g. DE');
    }
    if (!/^[0-9A-Z+*]{1,14}$/.test(number)) {
      f.error('FA_BUYER_ID_INVALID', `EU VAT number ${JSON.stringify(b.number)} is not valid`, 'buyer.id.number', b.number, 'up to 12 letters and digits after the country prefix');
    }
  }
  if (b.type === 'foreign' && !b.id.trim()) f.error('FA_BUYER_ID_INVALID', 'the foreign tax id is empty', 'buyer.id.id', b.id, 'NrID is required for a foreign buyer');
}

function checkDate(f: Findings, value: string | undefined, field: string, at?: Where): boolean {
  if (value === undefined) return true;
  if (!isIsoDate(value)) {
    f.error('FA_DATE_INVALID', `${JSON.stringify(value)} is not a calendar date`, field, value, 'yyyy-mm-dd', at);
    return false;
  }
  if (!inFaDateRange(value)) {
    f.error('FA_DATE_INVALID', `${value} is outside the range FA accepts`, field, value, 'between 2006-01-01 and 2050-01-01', at);
    return false;
  }
  return true;
}

function checkDates(f: Findings, inv: Invoice, today: string): void {
  if (checkDate(f, inv.issueDate, 'issueDate')) {
    if (inv.issueDate > today) {
      f.error('FA_ISSUE_DATE_FUTURE', `issue date ${inv.issueDate} is after today (${today})`, 'issueDate', inv.issueDate, 'P_1 may not be in the future');
    } else if (inv.issueDate < today) {
      f.warn('FA_ISSUE_DATE_PAST', `issue date ${inv.issueDate} is before the sending day ${today}: KSeF will classify the invoice as offline`,
        'issueDate', inv.issueDate, 'P_1 earlier than the sending day means offline mode');
    }
  }
  checkDate(f, inv.saleDate, 'saleDate');
  if (inv.salePeriod) {
    const ok = checkDate(f, inv.salePeriod.from, 'salePeriod.from') && checkDate(f, inv.salePeriod.to, 'salePeriod.to');
    if (ok && inv.salePeriod.from > inv.salePeriod.to) {
      f.error('FA_DATE_INVALID', `sale period starts (${inv.salePeriod.from}) after it ends (${inv.salePeriod.to})`, 'salePeriod.to', inv.salePeriod.to, 'from ≤ to');
    }
  }
  checkDate(f, inv.payment?.dueDate, 'payment.dueDate');
  checkDate(f, inv.payment?.paidDate, 'payment.paidDate');
  inv.lines.forEach((l, i) => {
    if (l.saleDate !== undefined) checkDate(f, l.saleDate, lineField(i, 'saleDate'), lineFieldWhere(inv, i, 'saleDate'));
  });
  inv.correction?.corrected.forEach((c, i) => checkDate(f, c.issueDate, `correction.corrected[${i + 1}].issueDate`));
}

/** Every decimal field: is it a decimal, and does it have no more digits than FA takes? */
function checkNumbers(f: Findings, inv: Invoice): boolean {
  const before = f.errors.length;
  // `at`: the place of a line's field, built only for a problem (this runs for every field of every line)
  const check = (value: string | undefined, field: string, max: number, what: string, at?: () => Where) => {
    if (value === undefined) return;
    if (!isDecimal(value)) {
      f.error('FA_AMOUNT_INVALID', `${JSON.stringify(value)} is not a decimal number`, field, value, 'decimal with a dot, e.g. 1234.50', at?.());
    } else if (fractionDigits(value) > max) {
      f.error('FA_AMOUNT_DECIMALS', `${value} has ${fractionDigits(value)} decimal places; FA takes at most ${max} for ${what}`, field, value, `at most ${max} decimal places`, at?.());
    }
  };
  inv.lines.forEach((l, i) => {
    const checkLine = (name: 'quantity' | 'unitNetPrice' | 'unitGrossPrice' | 'discount' | 'netAmount' | 'grossAmount' | 'vatAmount', max: number, what: string) =>
      check(l[name], lineField(i, name), max, what, () => lineFieldWhere(inv, i, name));
    checkLine('quantity', 6, 'quantities');
    checkLine('unitNetPrice', 8, 'unit prices');
    checkLine('unitGrossPrice', 8, 'unit prices');
    checkLine('discount', 8, 'discounts');
    checkLine('netAmount', 2, 'amounts');
    checkLine('grossAmount', 2, 'amounts');
    checkLine('vatAmount', 2, 'amounts');
    const gross = inv.pricing === 'gross';
    const amount = gross ? l.grossAmount : l.netAmount;
    const price = gross ? l.unitGrossPrice : l.unitNetPrice;
    if (amount === undefined && price === undefined && inv.lineKind !== 'rateRows') { // rate rows: checkRateRows
      const a = gross ? 'grossAmount' : 'netAmount';
      f.lineError('FA_LINE_AMOUNT_MISSING', `line ${i + 1} has neither ${a} nor ${gross ? 'unitGrossPrice' : 'unitNetPrice'}`, i, a, undefined,
        `a ${inv.pricing}-priced line needs its ${gross ? 'gross' : 'net'} amount or unit price`);
    }
  });
  check(inv.statedTotals?.net, 'statedTotals.net', 2, 'amounts');
  check(inv.statedTotals?.vat, 'statedTotals.vat', 2, 'amounts');
  check(inv.statedTotals?.gross, 'statedTotals.gross', 2, 'amounts');
  check(inv.advance?.amountReceived, 'advance.amountReceived', 2, 'amounts');
  check(inv.advance?.orderTotal, 'advance.orderTotal', 2, 'amounts');
  check(inv.exchangeRate, 'exchangeRate', 6, 'exchange rates');
  if (inv.exchangeRate !== undefined && isDecimal(inv.exchangeRate) && !big(inv.exchangeRate).gt(0)) {
    f.error('FA_AMOUNT_INVALID', `exchange rate ${inv.exchangeRate} is not positive`, 'exchangeRate', inv.exchangeRate, 'exchange rate > 0');
  }
  return f.errors.length === before;
}

function checkRates(f: Findings, inv: Invoice, schema: FaSchema): void {
  inv.lines.forEach((l, i) => {
    if (!rateInfo(l.vatRate)) {
      f.lineError('FA_RATE_INVALID', `VAT rate ${JSON.stringify(l.vatRate)} is not valid for ${schema}`, i, 'vatRate', String(l.vatRate),
        schema === 'FA(3)'
          ? 'one of 23, 22, 8, 7, 5, 4, 3, 0 KR, 0 WDT, 0 EX, zw, oo, np I, np II (or 0, np)'
          : 'one of 23, 22, 8, 7, 5, 4, 3, 0, zw, oo, np (0 KR/0 WDT/0 EX and np I/np II are accepted and written as 0 and np)');
    }
  });
  const taxed = inv.lines.some((l) => rateInfo(l.vatRate)?.percent);
  if (inv.currency !== 'PLN' && taxed && inv.exchangeRate === undefined) {
    f.error('FA_EXCHANGE_RATE_MISSING', `an invoice in ${inv.currency} with VAT needs the exchange rate to show VAT in PLN`, 'exchangeRate', undefined,
      'foreign currency with VAT requires exchangeRate (KursWaluty, P_14_xW)');
  }
  if (inv.lines.some((l) => l.vatRate === 'zw') && !inv.annotations?.exemption?.text?.trim()) {
    f.error('FA_EXEMPTION_MISSING', 'lines with rate zw need the legal basis of the exemption', 'annotations.exemption', undefined,
      'zw lines require annotations.exemption (basis law|directive|other, text) → P_19A/B/C');
  }
}

function checkKind(f: Findings, inv: Invoice): void {
  if (isCorrection(inv)) {
    const c = inv.correction;
    if (!c || c.corrected.length === 0) {
      f.error('FA_CORRECTION_MISSING', `a correction (${inv.kind}) must name the corrected invoice`, 'correction.corrected', undefined,
        `${inv.kind} requires correction.corrected[] with number and issueDate`);
    }
    c?.corrected.forEach((k, i) => {
      if (!k.number?.trim()) f.error('FA_FIELD_MISSING', 'the corrected invoice number is empty', `correction.corrected[${i + 1}].number`, k.number ?? '', 'NrFaKorygowanej is required');
      if (k.ksefNumber !== undefined && k.ksefNumber.trim() !== '' && !KSEF_NUMBER.test(k.ksefNumber.trim())) {
        f.error('FA_KSEF_NUMBER_INVALID', `${JSON.stringify(k.ksefNumber)} is not a KSeF number`, `correction.corrected[${i + 1}].ksefNumber`, k.ksefNumber,
          'NIP-YYYYMMDD-XXXXXX-XXXXXX-XX (leave empty when the invoice was issued outside KSeF)');
      }
    });
  }
  if (inv.kind === 'ZAL' && !inv.advance) {
    f.error('FA_ADVANCE_MISSING', 'an advance invoice (ZAL) needs the amount received', 'advance.amountReceived', undefined, 'ZAL requires advance.amountReceived');
  }
}

function checkStatedTotals(f: Findings, inv: Invoice): void {
  const stated = inv.statedTotals;
  if (!stated) return;
  let totals;
  try {
    totals = computeTotals(inv);
  } catch (e) {
    if (e instanceof AgentError) { f.errors.push(e); return; }
    throw e;
  }
  const pairs = [['net', stated.net, totals.net], ['vat', stated.vat, totals.vat], ['gross', stated.gross, totals.gross]] as const;
  for (const [name, given, computed] of pairs) {
    if (given === undefined) continue;
    const diff = big(given).minus(computed);
    if (!diff.eq(0)) {
      const label = name === 'vat' ? 'VAT' : name;
      f.error('FA_TOTAL_MISMATCH',
        `stated ${label} total ${money(big(given))} differs from the computed ${money(computed)} by ${diff.gt(0) ? '+' : ''}${money(diff)}`,
        `statedTotals.${name}`, given,
        name === 'gross' && isAdvance(inv) ? 'stated gross = amount received (P_15)' : `stated ${label} = Σ per VAT rate (VAT per rate from the rate's sum, half away from zero)`);
    }
  }
}
