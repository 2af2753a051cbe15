// Issue 9 item 7: characters KSeF rejects (430 since 16 July 2026: U+007F–U+0084, U+0086–U+009F,
// U+FDD0–U+FDEF) and C0 control characters never reach KSeF. They are an error before sending,
// naming file, row, field, the character as U+XXXX and the likely cause; the serialiser refuses
// them (internal error) instead of passing them through or turning them into spaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../../src/core/errors.ts';
import { buildFaXml } from '../../src/invoice/build-fa-xml.ts';
import { validateInvoice } from '../../src/invoice/validate.ts';
import { FaNode } from '../../src/invoice/xml-node.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { COMPANY, NOW, invoice } from './helpers.ts';

const TODAY = '2026-03-02';
const line = { description: 'Towar', quantity: '1', unitNetPrice: '100.00', vatRate: '23' as const, provenance: { file: 'invoices.csv', row: 3, line: 4 } };

const cases: { name: string; char: string; cause: RegExp }[] = [
  { name: 'C1 control U+009C (windows-1250 "ś" read as ISO-8859-2)', char: '\u009c', cause: /windows-1250 this byte is "ś".*input\.encoding to windows-1250/ },
  { name: 'C1 control U+0080', char: '\u0080', cause: /input\.encoding to windows-1250/ },
  { name: 'U+0085 (next line; windows-1250 "…")', char: '\u0085', cause: /"…"/ },
  { name: 'DEL U+007F', char: '\u007f', cause: /control character/ },
  { name: 'noncharacter U+FDD0', char: '\ufdd0', cause: /noncharacter/ },
  { name: 'NUL U+0000', char: '\u0000', cause: /NUL.*removeChars|removeChars.*NUL/ },
  { name: 'C0 control U+001B (escape)', char: '\u001b', cause: /control character/ },
  { name: 'lone surrogate U+D800', char: '\ud800', cause: /surrogate/ },
];

for (const c of cases) {
  test(`error FA_FORBIDDEN_CHAR: ${c.name}, in a line description: the line's row, the field, U+XXXX, the cause`, () => {
    const value = `Kabel${c.char} 2m`;
    const r = validateInvoice(invoice({ lines: [line, { ...line, description: value, provenance: { file: 'invoices.csv', row: 4, line: 5 } }] }), 'FA(3)', COMPANY, { today: TODAY });
    const hits = r.errors.filter((e) => e.code === 'FA_FORBIDDEN_CHAR');
    assert.equal(hits.length, 1, JSON.stringify(r.errors.map((e) => e.code)));
    const e = hits[0]!;
    const hex = c.char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    assert.equal(e.where.field, 'lines[2].description');
    assert.equal(e.where.value, value);
    assert.equal(e.where.file, 'invoices.csv');
    assert.equal(e.where.row, 4);
    assert.equal(e.where.line, 5);
    assert.match(e.message, new RegExp(`U\\+${hex}`));
    assert.match(e.message, /position 6/);
    assert.match(e.message, c.cause);
    assert.equal(e.kind, 'data');
  });
}

test('invoice-level fields (buyer name, notes, number) and the configured seller are checked too', () => {
  const r = validateInvoice(invoice({
    number: 'FV/\u00011',
    buyer: { id: { type: 'nip', nip: '7740001454' }, name: 'Hurtownia \u009cwit', address: { country: 'PL', line1: 'ul. D\u0000ługa 5' } },
    notes: [{ key: 'Uwagi', value: 'x\ufdefy' }],
    lines: [line],
  }), 'FA(3)', { ...COMPANY, name: 'Firma\u0086' }, { today: TODAY });
  const got = r.errors.filter((e) => e.code === 'FA_FORBIDDEN_CHAR').map((e) => [e.where.field, e.where.row]);
  assert.deepEqual(got.sort(), [['buyer.address.line1', 2], ['buyer.name', 2], ['company.name', 2], ['notes[1].value', 2], ['number', 2]].sort());
});

test('tab, line feed and carriage return, Polish letters and other scripts are allowed', () => {
  const r = validateInvoice(invoice({ lines: [{ ...line, description: 'Żółć\tgęślą\r\njaźń — Πελάτης ≥ 5 €' }] }), 'FA(3)', COMPANY, { today: TODAY });
  assert.deepEqual(r.errors.map((e) => e.code), []);
});

test('the serialiser refuses a forbidden character (internal error) instead of emitting it or a space', () => {
  for (const ch of ['\u0000', '\u0001', '\u009c', '\u007f', '\ufdd0', '\ufffe', '\udc00']) {
    const root = FaNode.root('Faktura', 'urn:x');
    assert.throws(() => root.text('P_7', `a${ch}b`), (e: unknown) => {
      assert.ok(e instanceof AgentError);
      assert.equal(e.code, 'FA_XML_FORBIDDEN_CHAR');
      assert.equal(e.kind, 'internal');
      assert.match(e.message, /P_7/);
      assert.match(e.message, /U\+[0-9A-F]{4}/);
      return true;
    });
  }
  // and through the writer, for a model that skipped validation
  assert.throws(() => buildFaXml(invoice({ lines: [{ ...line, description: 'a\u0001b' }] }), 'FA(3)', COMPANY, { now: NOW }), /FA XML|U\+0001/);
});

test('preview: a windows-1250 CSV read as ISO-8859-2 fails with the row, the field, U+009C and the advice to set windows-1250', async () => {
  await withTempDir('forbidden-chars-', async (dir) => {
    const mapping = {
      name: 't', input: { format: 'csv', encoding: 'iso-8859-2', csv: { delimiter: ';', header: true } },
      invoices: { per: 'key', key: 'Nr' },
      invoice: { number: { column: 'Nr' }, issueDate: { column: 'Data' }, buyer: { taxId: { column: 'NIP' }, name: { column: 'Nabywca' } }, pricing: { value: 'net' } },
      line: { description: { column: 'Towar' }, quantity: { column: 'Ilosc' }, unitNetPrice: { column: 'Cena' }, vatRate: { column: 'VAT' } },
    };
    await writeFile(join(dir, 'm.json'), JSON.stringify(mapping));
    const csv = 'Nr;Data;NIP;Nabywca;Towar;Ilosc;Cena;VAT\nFV/1;2026-03-02;7740001454;Firma;Kawa;1;10.00;23\nFV/2;2026-03-02;7740001454;Firma;Kie\u0142basa \u015bl\u0105ska;2;10.00;23\n';
    // windows-1250 bytes: ś is 0x9C there, which ISO-8859-2 reads as the C1 control U+009C
    const bytes = Buffer.from([...csv].map((ch) => ({ '\u0142': 0xb3, '\u015b': 0x9c, '\u0105': 0xb9 } as Record<string, number>)[ch] ?? ch.charCodeAt(0)));
    await writeFile(join(dir, 'sprzedaz.csv'), bytes);
    const r = await previewFile(join(dir, 'sprzedaz.csv'), { mapping: join(dir, 'm.json'), schema: 'FA(3)', company: COMPANY, today: TODAY, now: NOW });
    assert.equal(r.ok, false);
    assert.deepEqual(r.invoices.map((i) => i.errors.map((e) => e.code)), [[], ['FA_FORBIDDEN_CHAR']]);
    const e = r.invoices[1]!.errors[0]!;
    assert.equal(e.where.file, 'sprzedaz.csv');
    assert.equal(e.where.row, 2);
    assert.equal(e.where.line, 3);
    assert.equal(e.where.invoice, 'FV/2');
    assert.equal(e.where.field, 'lines[1].description');
    assert.match(e.message, /U\+009C/);
    assert.match(e.message, /set input\.encoding to windows-1250/);
    assert.equal(r.invoices[1]!.xml, undefined, 'no FA XML is produced');
  });
});
