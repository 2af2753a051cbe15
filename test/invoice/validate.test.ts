import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentError } from '../../src/core/errors.ts';
import type { Invoice } from '../../src/core/invoice.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { COMPANY, invoice } from './helpers.ts';

const TODAY = '2026-03-02';
const line = { description: 'Towar', quantity: '1', unitNetPrice: '100.00', vatRate: '23' as const };

function only(list: AgentError[], code: string): AgentError {
  const hits = list.filter((e) => e.code === code);
  assert.equal(hits.length, 1, `expected one ${code}, got ${JSON.stringify(list.map((e) => e.code))}`);
  return hits[0]!;
}

test('a clean invoice has no errors and no warnings', () => {
  const r = validateInvoice(invoice({ lines: [line], statedTotals: { net: '100.00', vat: '23.00', gross: '123.00' } }), 'FA(3)', COMPANY, { today: TODAY });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
});

interface Rule {
  readonly name: string;
  readonly invoice: Invoice;
  readonly schema?: 'FA(2)' | 'FA(3)';
  readonly code: string;
  readonly field: string;
  readonly value?: string;
  readonly message: RegExp;
  readonly warning?: boolean;
}

const rules: Rule[] = [
  {
    name: 'buyer NIP checksum',
    invoice: invoice({ lines: [line], buyer: { id: { type: 'nip', nip: '774-000-14-55' }, name: 'X' } }),
    code: 'FA_NIP_INVALID', field: 'buyer.id.nip', value: '774-000-14-55', message: /buyer NIP "774-000-14-55" is not valid/,
  },
  {
    name: 'seller NIP checksum (seller given by the invoice)',
    invoice: invoice({ lines: [line], seller: { id: { type: 'nip', nip: '1234567890' }, name: 'S' } }),
    code: 'FA_NIP_INVALID', field: 'seller.id.nip', value: '1234567890', message: /seller NIP/,
  },
  {
    name: 'stated gross differs from the computed one, by the exact amount',
    invoice: invoice({ lines: [line, { ...line, unitNetPrice: '0.50', vatRate: '5' }], statedTotals: { gross: '123.50' } }),
    code: 'FA_TOTAL_MISMATCH', field: 'statedTotals.gross', value: '123.50',
    message: /^stated gross total 123\.50 differs from the computed 123\.53 by -0\.03$/,
  },
  {
    name: 'stated VAT differs (line-by-line rounding vs per-rate rounding)',
    invoice: invoice({
      lines: [{ ...line, unitNetPrice: '0.10' }, { ...line, unitNetPrice: '0.10' }, { ...line, unitNetPrice: '0.10' }],
      statedTotals: { vat: '0.06' }, // 3 × round(0.023) = 0.06; per rate round(0.069) = 0.07
    }),
    code: 'FA_TOTAL_MISMATCH', field: 'statedTotals.vat', value: '0.06', message: /stated VAT total 0\.06 differs from the computed 0\.07 by -0\.01/,
  },
  {
    name: 'unknown VAT rate',
    invoice: invoice({ lines: [line, { ...line, vatRate: '19' as never }] }),
    code: 'FA_RATE_INVALID', field: 'lines[2].vatRate', value: '19', message: /VAT rate "19" is not valid for FA\(3\)/,
  },
  {
    name: 'issue date in the future',
    invoice: invoice({ lines: [line], issueDate: '2026-03-03' }),
    code: 'FA_ISSUE_DATE_FUTURE', field: 'issueDate', value: '2026-03-03', message: /after today \(2026-03-02\)/,
  },
  {
    name: 'issue date not a calendar date',
    invoice: invoice({ lines: [line], issueDate: '2026-02-30' }),
    code: 'FA_DATE_INVALID', field: 'issueDate', value: '2026-02-30', message: /not a calendar date/,
  },
  {
    name: 'KOR without correction data',
    invoice: invoice({ kind: 'KOR', lines: [line] }),
    code: 'FA_CORRECTION_MISSING', field: 'correction.corrected', message: /KOR\) must name the corrected invoice/,
  },
  {
    name: 'KOR with a malformed KSeF number',
    invoice: invoice({ kind: 'KOR', lines: [line], correction: { corrected: [{ number: 'FV/1', issueDate: '2026-01-02', ksefNumber: '5265877635-2026' }] } }),
    code: 'FA_KSEF_NUMBER_INVALID', field: 'correction.corrected[1].ksefNumber', value: '5265877635-2026', message: /is not a KSeF number/,
  },
  {
    name: 'ZAL without the advance',
    invoice: invoice({ kind: 'ZAL', lines: [line] }),
    code: 'FA_ADVANCE_MISSING', field: 'advance.amountReceived', message: /amount received/,
  },
  {
    name: 'line amount with three decimals',
    invoice: invoice({ lines: [{ ...line, unitNetPrice: undefined, netAmount: '10.005' } as never] }),
    code: 'FA_AMOUNT_DECIMALS', field: 'lines[1].netAmount', value: '10.005', message: /3 decimal places; FA takes at most 2/,
  },
  {
    name: 'quantity that is not a decimal',
    invoice: invoice({ lines: [{ ...line, quantity: '1,5' }] }),
    code: 'FA_AMOUNT_INVALID', field: 'lines[1].quantity', value: '1,5', message: /not a decimal number/,
  },
  {
    name: 'line without amount or price',
    invoice: invoice({ pricing: 'gross', lines: [{ description: 'x', vatRate: '23' }] }),
    code: 'FA_LINE_AMOUNT_MISSING', field: 'lines[1].grossAmount', message: /neither grossAmount nor unitGrossPrice/,
  },
  {
    name: 'zw without exemption basis',
    invoice: invoice({ lines: [{ ...line, vatRate: 'zw' }] }),
    code: 'FA_EXEMPTION_MISSING', field: 'annotations.exemption', message: /legal basis/,
  },
  {
    name: 'foreign currency with VAT and no exchange rate',
    invoice: invoice({ currency: 'EUR', lines: [line] }),
    code: 'FA_EXCHANGE_RATE_MISSING', field: 'exchangeRate', message: /in EUR with VAT needs the exchange rate/,
  },
  {
    name: 'invoice without lines',
    invoice: invoice({ lines: [] }),
    code: 'FA_LINES_MISSING', field: 'lines', message: /no lines/,
  },
  {
    name: 'warning: P_1 before the sending day (offline)',
    invoice: invoice({ lines: [line], issueDate: '2026-02-27' }),
    code: 'FA_ISSUE_DATE_PAST', field: 'issueDate', value: '2026-02-27', message: /KSeF will classify the invoice as offline/, warning: true,
  },
  {
    name: 'warning: whitespace inside the bank account',
    invoice: invoice({ lines: [line], payment: { bankAccount: '61 1090 1014 0000 0712 1981 2874' } }),
    code: 'FA_WHITESPACE_IN_CODE', field: 'payment.bankAccount', value: '61 1090 1014 0000 0712 1981 2874', message: /contains spaces/, warning: true,
  },
  {
    name: 'warning: whitespace inside the buyer NIP',
    invoice: invoice({ lines: [line], buyer: { id: { type: 'nip', nip: '774 000 14 54' }, name: 'X' } }),
    code: 'FA_WHITESPACE_IN_CODE', field: 'buyer.id.nip', value: '774 000 14 54', message: /buyer\.id\.nip contains spaces/, warning: true,
  },
  {
    name: 'warning: mojibake in the buyer name',
    invoice: invoice({ lines: [line], buyer: { id: { type: 'nip', nip: '7740001454' }, name: 'PrzedsiÄ™biorstwo Å‚Ä…czności' } }),
    code: 'FA_MOJIBAKE', field: 'buyer.name', value: 'PrzedsiÄ™biorstwo Å‚Ä…czności', message: /"Ä™" instead of a Polish letter/, warning: true,
  },
  {
    name: 'C1 control characters in a line description are an error (wrong code page; KSeF rejects most of them)',
    invoice: invoice({ lines: [{ ...line, description: 'Kabel \u0085 2m' }] }),
    code: 'FA_FORBIDDEN_CHAR', field: 'lines[1].description', value: 'Kabel \u0085 2m', message: /U\+0085 at position 7.*wrong encoding/,
  },
];

for (const r of rules) {
  test(`${r.warning ? 'warning' : 'error'} ${r.code}: ${r.name}`, () => {
    const res = validateInvoice(r.invoice, r.schema ?? 'FA(3)', COMPANY, { today: TODAY });
    const e = only(r.warning ? res.warnings : res.errors, r.code);
    assert.equal(e.where.field, r.field);
    assert.equal(e.where.value, r.value);
    assert.match(e.message, r.message);
    assert.ok(e.rule && e.rule.length > 0, 'names the rule');
    assert.equal(e.kind, 'data');
    // provenance of the invoice and its number travel with every finding
    assert.equal(e.where.file, 'invoices.csv');
    assert.equal(e.where.row, 2);
    assert.equal(e.where.invoice, r.invoice.number);
    if (r.warning) assert.deepEqual(res.errors.map((x) => x.code), []);
  });
}

test('the NIP rule names the expected check digit', () => {
  const r = validateInvoice(invoice({ lines: [line], buyer: { id: { type: 'nip', nip: '7740001455' }, name: 'X' } }), 'FA(2)', COMPANY, { today: TODAY });
  assert.equal(only(r.errors, 'FA_NIP_INVALID').rule, 'NIP checksum: the last digit should be 4');
});

test('FA(2) and FA(3) accept every canonical rate (translated by the writer)', () => {
  for (const schema of ['FA(2)', 'FA(3)'] as const) {
    const inv = invoice({
      currency: 'PLN',
      lines: (['23', '22', '8', '7', '5', '4', '3', '0', '0 KR', '0 EX', 'oo', 'np', 'np I', 'np II'] as const).map((vatRate) => ({ ...line, vatRate })),
    });
    assert.deepEqual(validateInvoice(inv, schema, COMPANY, { today: TODAY }).errors.map((e) => e.code), []);
    // 0 WDT needs an EU buyer (and oo a Polish one: FA_RATE_BUYER, fa-coverage.test.ts)
    const wdt = invoice({ buyer: { id: { type: 'eu-vat', country: 'DE', number: '123456789' }, name: 'Kunde GmbH' }, lines: [{ ...line, vatRate: '0 WDT' }] });
    assert.deepEqual(validateInvoice(wdt, schema, COMPANY, { today: TODAY }).errors.map((e) => e.code), []);
  }
});

test('ZAL: stated gross is checked against the amount received', () => {
  const inv = invoice({ kind: 'ZAL', lines: [line], advance: { amountReceived: '61.50' }, statedTotals: { gross: '61.00' } });
  const e = only(validateInvoice(inv, 'FA(3)', COMPANY, { today: TODAY }).errors, 'FA_TOTAL_MISMATCH');
  assert.equal(e.message, 'stated gross total 61.00 differs from the computed 61.50 by -0.50');
});
