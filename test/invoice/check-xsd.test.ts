import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/core/errors.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { COMPANY, NOW, invoice } from './helpers.ts';

test('XSD problems become FA_XSD errors naming the invoice, the XML line and the message', async () => {
  const inv = invoice({ lines: [{ description: 'x', netAmount: '1.00', vatRate: '23' }] });
  const good = buildFaXml(inv, 'FA(3)', COMPANY, { now: NOW });
  const text = good.xml.toString('utf8');
  const badLine = text.split('\n').findIndex((l) => l.includes('<P_15>')) + 1;
  const bad = { ...good, xml: Buffer.from(text.replace('<P_15>1.23</P_15>', '<P_15>1,23</P_15>')) };
  const errors = await checkXsd(bad);
  assert.equal(errors.length, 1);
  const e = errors[0]!;
  assert.equal(e.code, 'FA_XSD');
  assert.equal(e.kind, 'data');
  assert.equal(e.where.invoice, 'FV/1/03/2026');
  assert.equal(e.where.file, 'invoices.csv');
  assert.equal(e.where.path, `FA XML line ${badLine}`);
  assert.match(e.message, /P_15.*'1,23'/);
  assert.equal(e.rule, 'official FA(3) XSD');
  assert.match(describeError(e), /^invoices\.csv, row 2, at FA XML line \d+, invoice FV\/1\/03\/2026: FA\(3\) XML of invoice/);
});
