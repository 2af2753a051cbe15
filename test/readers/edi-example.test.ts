/** The EDI++-style example (inbox-example/edi) through mappings/edi-epp.json: FS documents only, items after their header. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../src/core/errors.ts';
import { readRecords } from '../../src/readers/index.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import type { Invoice } from '../../src/core/invoice.ts';

test('example mapping edi-epp: three FS invoices with their items; the receipt (PA) and reference blocks are skipped', async () => {
  const m = await loadMapping('mappings/edi-epp.json');
  const got: Invoice[] = [];
  for await (const r of mapRecords(m, readRecords('inbox-example/edi/eksport-2026-11.epp', m.input, 'eksport-2026-11.epp'), { today: '2026-11-21' })) {
    if (!r.ok) assert.fail(r.errors.map(describeError).join('\n'));
    got.push(r.invoice);
  }
  assert.deepEqual(
    got.map((i) => [i.number, i.issueDate, i.buyer.name, i.lines.length, i.lines.map((l) => l.description), i.provenance]),
    [
      ['FS 101/11/2026', '2026-11-03', 'Hurtownia Spożywcza „Smak” sp. z o.o.', 3, ['Kawa ziarnista 1 kg', 'Herbata zielona 100 g', 'Usługa transportowa "ekspres"'], { file: 'eksport-2026-11.epp', line: 5 }],
      ['FS 102/11/2026', '2026-11-05', 'Kawiarnia Pod Złotą Filiżanką Anna Nowak', 1, ['Kawa ziarnista 1 kg'], { file: 'eksport-2026-11.epp', line: 13 }],
      ['FS 103/11/2026', '2026-11-12', 'Restauracja Bałtyk sp. z o.o.', 2, ['Herbata zielona 100 g', 'Kubek ceramiczny z logo, 300 ml'], { file: 'eksport-2026-11.epp', line: 25 }],
    ],
  );
  const first = got[0]!;
  assert.deepEqual(first.lines.map((l) => [l.provenance, l.quantity, l.unitNetPrice, l.vatRate]), [
    [{ file: 'eksport-2026-11.epp', line: 8 }, '10', '45.5', '23'],
    [{ file: 'eksport-2026-11.epp', line: 9 }, '20', '12', '5'],
    [{ file: 'eksport-2026-11.epp', line: 10 }, '1', '150', '23'],
  ]);
  assert.equal(got[2]!.saleDate, '2026-11-10');
  assert.deepEqual(got.map((i) => i.statedTotals?.gross), ['996.15', '167.9', '321.3']);
});
