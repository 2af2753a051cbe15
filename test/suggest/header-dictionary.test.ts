/** The header dictionary: Polish and English ERP column names → canonical targets, and mis-encoded names reported, never guessed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { matchHeader, assignHeaders } from '../../src/suggest/header-dictionary.ts';

const CASES: [string, string][] = [
  ['Numer', 'invoice.number'],
  ['Nr faktury', 'invoice.number'],
  ['Numer dokumentu', 'invoice.number'],
  ['Invoice No', 'invoice.number'],
  ['Invoice number', 'invoice.number'],
  ['Data wystawienia', 'invoice.issueDate'],
  ['DATA WYSTAWIENIA', 'invoice.issueDate'],
  ['Issue date', 'invoice.issueDate'],
  ['Data sprzedaży', 'invoice.saleDate'],
  ['Data sprzedazy', 'invoice.saleDate'],
  ['NIP', 'invoice.buyer.taxId'],
  ['NIP nabywcy', 'invoice.buyer.taxId'],
  ['VAT ID', 'invoice.buyer.taxId'],
  ['Nabywca', 'invoice.buyer.name'],
  ['Kontrahent', 'invoice.buyer.name'],
  ['Nazwa kontrahenta', 'invoice.buyer.name'],
  ['Buyer', 'invoice.buyer.name'],
  ['Nazwa', 'line.description'],
  ['Towar', 'line.description'],
  ['Towar / usługa', 'line.description'],
  ['Nazwa towaru/usługi', 'line.description'],
  ['Description', 'line.description'],
  ['title', 'line.description'], // marketplace offers (JSON: items[].title)
  ['Tytuł oferty', 'line.description'],
  ['Ilość', 'line.quantity'],
  ['Ilosc', 'line.quantity'],
  ['ILOŚĆ', 'line.quantity'],
  ['Qty', 'line.quantity'],
  ['J.m.', 'line.unit'],
  ['Jm', 'line.unit'],
  ['Unit', 'line.unit'],
  ['Cena netto', 'line.unitNetPrice'],
  ['Cena jedn. netto', 'line.unitNetPrice'],
  ['Unit price', 'line.unitNetPrice'],
  ['Cena brutto', 'line.unitGrossPrice'],
  ['Wartość netto', 'line.netAmount'],
  ['Wartosc netto', 'line.netAmount'],
  ['Netto', 'line.netAmount'],
  ['Wartość brutto', 'line.grossAmount'],
  ['Brutto', 'line.grossAmount'],
  ['Stawka VAT', 'line.vatRate'],
  ['VAT %', 'line.vatRate'],
  ['Tax rate', 'line.vatRate'],
  ['Waluta', 'invoice.currency'],
  ['Currency', 'invoice.currency'],
  ['Termin płatności', 'invoice.payment.dueDate'],
  ['Termin platnosci', 'invoice.payment.dueDate'],
  ['Forma płatności', 'invoice.payment.method'],
  ['Konto', 'invoice.payment.bankAccount'],
  ['Nr rachunku', 'invoice.payment.bankAccount'],
];

for (const [header, target] of CASES) {
  test(`header "${header}" → ${target}`, () => {
    assert.equal(matchHeader(header).target, target);
  });
}

test('a header that is nothing known is not guessed', () => {
  assert.equal(matchHeader('Lp.').target, undefined);
  assert.equal(matchHeader('Uwagi wewnętrzne').target, undefined);
});

test('windows-1250 bytes read as UTF-8 (replacement characters) are reported, not matched', () => {
  const bytes = iconv.encode('Ilość', 'windows-1250');
  const misread = new TextDecoder('utf-8').decode(bytes); // "Ilo��"
  const m = matchHeader(misread);
  assert.equal(m.target, undefined);
  assert.ok(m.misencoded, 'reported as mis-encoded');
  assert.match(m.misencoded!, /not valid UTF-8|replacement/);
});

test('UTF-8 read as windows-1250 (mojibake) is reported with the name it probably is, not matched', () => {
  const misread = iconv.decode(Buffer.from('Ilość', 'utf8'), 'windows-1250'); // "IloĹ›Ä‡"
  const m = matchHeader(misread);
  assert.equal(m.target, undefined);
  assert.match(m.misencoded ?? '', /Ilość/);
  const cp852 = iconv.decode(iconv.encode('Wartość netto', 'windows-1250'), 'cp852');
  const m2 = matchHeader(cp852);
  assert.equal(m2.target, undefined, `${cp852} must not match`);
  assert.match(m2.misencoded ?? '', /Wartość netto/);
});

test('assignHeaders gives each target one column and each column one target, the better match first', () => {
  const a = assignHeaders(['Numer dokumentu', 'Numer', 'NIP kontrahenta', 'Nazwa kontrahenta', 'Nazwa towaru', 'Ilość', 'Netto', 'Wartość netto']);
  assert.equal(a.get('invoice.number'), 'Numer dokumentu');
  assert.equal(a.get('invoice.buyer.taxId'), 'NIP kontrahenta');
  assert.equal(a.get('invoice.buyer.name'), 'Nazwa kontrahenta');
  assert.equal(a.get('line.description'), 'Nazwa towaru');
  assert.equal(a.get('line.netAmount'), 'Wartość netto');
});
