import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompanyProfile, Invoice } from '../../src/core/invoice.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { checkXsd } from '../../src/invoice/check-xsd.ts';
import { NOW, invoice, parseFa, type Node } from './helpers.ts';

// The Ministry's sample invoices (read, never copied), recomputed from equivalent canonical invoices.
const SAMPLES = join(process.cwd(), '..', 'shared', 'schemas', 'samples');
const sampleFa = (path: string): Node => parseFa(readFileSync(join(SAMPLES, path))).Fa;
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s).toFixed(2));

const ABC: CompanyProfile = { nip: '9999999999', name: 'ABC AGD sp. z o. o.', address: { country: 'PL', line1: 'ul. Kwiatowa 1 m. 2', line2: '00-001 Warszawa' } };
const KOWALSKI = { id: { type: 'nip', nip: '1111111111' }, name: 'F.H.U. Jan Kowalski', address: { country: 'PL', line1: 'ul. Polna 1', line2: '00-001 Warszawa' } } as const;

async function ours(inv: Invoice, schema: 'FA(2)' | 'FA(3)'): Promise<Node> {
  const out = buildFaXml(inv, schema, ABC, { now: NOW });
  assert.deepEqual((await checkXsd(out)).map((e) => e.message), []);
  return parseFa(out.xml).Fa;
}

function sameTotals(mine: Node, theirs: Node, fields: string[]): void {
  for (const f of fields) assert.equal(num(mine[f]), num(theirs[f]), f);
}

test('FA_3_Przyklad_1: P_13_1 1666.66, P_14_1 383.33, P_13_3 0.95, P_14_3 0.05', async () => {
  const inv = invoice({
    number: 'FV2026/02/150', issueDate: '2026-02-15', saleDate: '2026-01-27', buyer: KOWALSKI,
    lines: [
      { description: 'lodówka Zimnotech mk1', unit: 'szt.', quantity: '1', unitNetPrice: '1626.01', vatRate: '23' },
      { description: 'wniesienie sprzętu', unit: 'szt.', quantity: '1', unitNetPrice: '40.65', vatRate: '23' },
      { description: 'promocja lodówka pełna mleka', unit: 'szt.', quantity: '1', unitNetPrice: '0.95', vatRate: '5' },
    ],
  });
  const mine = await ours(inv, 'FA(3)');
  const theirs = sampleFa('FA3/FA_3_Przyklad_1.xml');
  sameTotals(mine, theirs, ['P_13_1', 'P_14_1', 'P_13_3', 'P_14_3']);
  assert.equal(mine.P_13_1, '1666.66');
  assert.equal(mine.P_14_1, '383.33');
  // The sample states P_15 = 2051, one grosz more than the sum of its own P_13/P_14 fields
  // (1666.66 + 383.33 + 0.95 + 0.05 = 2050.99); we write the consistent sum.
  assert.equal(theirs.P_15, '2051');
  assert.equal(mine.P_15, '2050.99');
});

test('FA_3_Przyklad_2_KOR: before/after lines give P_13_1 -162.60, P_14_1 -37.40, P_15 -200', async () => {
  const inv = invoice({
    kind: 'KOR', number: 'FK2026/03/200', issueDate: '2026-03-02', buyer: KOWALSKI,
    lines: [
      { description: 'lodówka Zimnotech mk1', unit: 'szt.', quantity: '1', unitNetPrice: '1626.01', vatRate: '23', beforeCorrection: true },
      { description: 'lodówka Zimnotech mk1', unit: 'szt.', quantity: '1', unitNetPrice: '1463.41', vatRate: '23' },
    ],
    correction: { reason: 'obniżka ceny', effect: '2', corrected: [{ number: 'FV2026/02/150', issueDate: '2026-02-15', ksefNumber: '9999999999-20230908-8BEF280C8D35-4D' }] },
  });
  for (const schema of ['FA(3)', 'FA(2)'] as const) {
    const mine = await ours(inv, schema);
    sameTotals(mine, sampleFa('FA3/FA_3_Przyklad_2_KOR.xml'), ['P_13_1', 'P_14_1', 'P_15']);
    assert.equal(mine.DaneFaKorygowanej[0].NrKSeFFaKorygowanej, '9999999999-20230908-8BEF280C8D35-4D');
  }
});

test('FA_2_Przyklad_9: 23% and zw give P_13_1 2000, P_14_1 460, P_13_7 300, P_15 2760', async () => {
  const inv = invoice({
    buyer: KOWALSKI,
    lines: [
      { description: 'usługa', quantity: '1', unitNetPrice: '2000', vatRate: '23' },
      { description: 'usługa zwolniona', quantity: '1', unitNetPrice: '300', vatRate: 'zw' },
    ],
    annotations: { exemption: { basis: 'law', text: 'art. 43 ust. 1 pkt 37 ustawy' } },
  });
  for (const schema of ['FA(2)', 'FA(3)'] as const) {
    sameTotals(await ours(inv, schema), sampleFa('FA2/FA_2_Przyklad_9.xml'), ['P_13_1', 'P_14_1', 'P_13_7', 'P_15']);
  }
});
