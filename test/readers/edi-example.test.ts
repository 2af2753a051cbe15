/** The EDI++-style example (inbox-example/edi) through mappings/edi-epp.json: FS documents only, items after their header. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describeError } from '../../src/core/errors.ts';
import { readRecords } from '../../src/readers/index.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { mapRecords } from '../../src/mapping/apply-mapping.ts';
import type { Invoice } from '../../src/core/invoice.ts';

test('example mapping edi-epp: three FS invoices with their items; the receipt (PA) is skipped', async () => {
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
  // each field read from the item record names the field (column) of the section's layout
  const fieldCells = { quantity: 'Ilosc', unitNetPrice: 'CenaNetto', netAmount: 'WartoscNetto', vatAmount: 'WartoscVat', vatRate: 'StawkaVat', sku: 'KodTowaru' };
  assert.deepEqual(first.lines.map((l) => [l.provenance, l.quantity, l.unitNetPrice, l.vatRate]), [
    [{ file: 'eksport-2026-11.epp', line: 8, fieldCells }, '10', '45.5', '23'],
    [{ file: 'eksport-2026-11.epp', line: 9, fieldCells }, '20', '12', '5'],
    [{ file: 'eksport-2026-11.epp', line: 10, fieldCells }, '1', '150', '23'],
  ]);
  assert.equal(got[2]!.saleDate, '2026-11-10');
  assert.deepEqual(got.map((i) => i.statedTotals?.gross), ['996.15', '167.9', '321.3']);
});

test('example mapping edi-epp: the buyer comes from the KONTRAHENCI block by contractor code, item names and units from TOWARY by product code', async (t) => {
  // the same file with the buyer fields of every FS header and the name and unit of every item
  // emptied: what the invoices still carry can only come from the reference blocks
  const dir = await mkdtemp(join(tmpdir(), 'edi-lookups-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const text = iconv.decode(await readFile('inbox-example/edi/eksport-2026-11.epp'), 'windows-1250');
  let section = '';
  const blanked = text.split('\r\n').map((l) => {
    if (/^\[\w+\]$/.test(l)) section = l;
    if (section === '[NAGLOWEK]' && l.startsWith('"FS",')) {
      const f = l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      for (const k of [7, 8, 9, 10, 11]) f[k] = '""'; // NazwaKontrahenta, NIPKontrahenta, Ulica, KodPocztowy, Miasto
      return f.join(',');
    }
    if (section === '[ZAWARTOSC]' && /^\d+,"(KAWA|HERB|TRANSPORT|KUBEK)[^"]*","[^"]*(""[^"]*"")?[^"]*","[^"]*",[\d.]+,[\d.]+,/.test(l)) {
      return l.replace(/^(\d+,"[^"]*",)"(?:[^"]|"")*","[^"]*"/, '$1"",""'); // item Nazwa, Jm
    }
    return l;
  });
  const file = join(dir, 'eksport.epp');
  await writeFile(file, iconv.encode(blanked.join('\r\n'), 'windows-1250'));
  const m = await loadMapping('mappings/edi-epp.json');
  const got: Invoice[] = [];
  for await (const r of mapRecords(m, () => readRecords(file, m.input, 'eksport.epp'), { today: '2026-11-21' })) {
    if (!r.ok) assert.fail(r.errors.map(describeError).join('\n'));
    got.push(r.invoice);
  }
  assert.deepEqual(got.map((i) => [i.number, i.buyer]), [
    ['FS 101/11/2026', { id: { type: 'nip', nip: '7251801126' }, name: 'Hurtownia Spożywcza „Smak” sp. z o.o.', customerNumber: 'K001', address: { country: 'PL', line1: 'ul. Piotrkowska 120', line2: '90-006 Łódź' } }],
    ['FS 102/11/2026', { id: { type: 'nip', nip: '5213017228' }, name: 'Kawiarnia Pod Złotą Filiżanką Anna Nowak', customerNumber: 'K002', address: { country: 'PL', line1: 'ul. Nowy Świat 15', line2: '00-029 Warszawa' } }],
    ['FS 103/11/2026', { id: { type: 'nip', nip: '5833012478' }, name: 'Restauracja Bałtyk sp. z o.o.', customerNumber: 'K003', address: { country: 'PL', line1: 'ul. Długa 5', line2: '80-827 Gdańsk' } }],
  ]);
  assert.deepEqual(got.map((i) => i.lines.map((l) => [l.sku, l.description, l.unit])), [
    [['KAWA-1KG', 'Kawa ziarnista 1 kg', 'szt.'], ['HERB-100', 'Herbata zielona 100 g', 'szt.'], ['TRANSPORT', 'Usługa transportowa "ekspres"', 'usł.']],
    [['KAWA-1KG', 'Kawa ziarnista 1 kg', 'szt.']],
    [['HERB-100', 'Herbata zielona 100 g', 'szt.'], ['KUBEK-LOGO', 'Kubek ceramiczny z logo, 300 ml', 'szt.']],
  ]);
  // the blanking did happen: the document and item records of the copy hold no buyer or item names
  const blankedText = blanked.join('\n');
  assert.ok(!/"FS",[^\n]*Hurtownia/.test(blankedText) && blankedText.includes('1,"KAWA-1KG","","",23.0000'), blankedText);
});
