// Issue 11 item 7, no silent mistakes: a column or path the mapping names that the file does not
// have is one error (or, for an XML/JSON path in preview, one warning) for the file, naming the
// closest existing names and the encoding the file was read with: not an empty field in every
// invoice. Real files through previewFile (read → map → check), as preview and intake run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { previewFile, type PreviewOptions, type PreviewResult } from '../../src/pipeline/preview-file.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { mappingJson } from './mapping-helpers.ts';

const TODAY = '2026-11-21';
const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('name-checks-', fn);

async function run(file: string, mapping: string, more: Partial<PreviewOptions> = {}): Promise<PreviewResult> {
  return previewFile(file, { mapping, schema: 'FA(3)', today: TODAY, now: new Date('2026-11-21T09:00:00Z'), ...more });
}

async function writeMapping(dir: string, json: Record<string, unknown>, name = 'm.json'): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, JSON.stringify(json, null, 2));
  return p;
}

/** A copy of an example mapping with `edit` applied. */
async function exampleMapping(dir: string, name: string, edit: (m: Record<string, any>) => void): Promise<string> {
  const m = JSON.parse(await readFile(`mappings/${name}.json`, 'utf8')) as Record<string, any>;
  edit(m);
  return writeMapping(dir, m, `${name}.json`);
}

const codes = (es: readonly { code: string }[] | undefined) => (es ?? []).map((e) => e.code);

/** `rows` invoices of one line each; the header spells the quantity column `Ilość`. */
function csvText(rows: number): string {
  const out = ['Nr;Data;NIP;Nabywca;Towar;Ilość;Cena;VAT'];
  for (let i = 1; i <= rows; i++) out.push(`FV/${i};03.11.2026;999-999-99-99;Firma;Kawa;2;10,50;23`);
  return out.join('\n') + '\n';
}

test('CSV: a misspelled column is one MAP_COLUMN_UNKNOWN for the file, even with 1000 rows, naming the close column and the encoding', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, csvText(1000));
    // the shared test mapping names the quantity column `Ilosc`
    const r = await run(file, await writeMapping(dir, mappingJson()));
    assert.deepEqual(codes(r.errors), ['MAP_COLUMN_UNKNOWN']);
    const e = r.errors[0]!;
    assert.equal(e.message, 'column `Ilosc` not found; did you mean `Ilość`? The file was read as utf-8 (as the mapping\'s input.encoding says)');
    assert.equal(e.kind, 'data');
    assert.equal(e.where.file, 'faktury.csv');
    assert.equal(e.where.value, 'Ilosc');
    assert.equal(e.where.mapping, `${join(dir, 'm.json')}#/line/quantity/column`);
    assert.equal(r.invoices.length, 0, 'no invoice repeats the mistake');
    assert.equal(r.ok, false);
  });
});

test('CSV: two misspelled columns are two errors; a column named by several rules is one', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, csvText(3));
    const m = mappingJson({ invoices: { per: 'key', key: 'Numer' }, invoice: { ...(mappingJson()['invoice'] as object), number: { column: 'Numer' }, orderNumber: { column: 'Numer' } } });
    const r = await run(file, await writeMapping(dir, m));
    assert.deepEqual(codes(r.errors).sort(), ['MAP_COLUMN_UNKNOWN', 'MAP_COLUMN_UNKNOWN']);
    const numer = r.errors.find((e) => e.where.value === 'Numer')!;
    assert.match(numer.message, /^column `Numer` not found; the file has `Nr`, `Data`, `NIP`, `Nabywca`, `Towar`, `Ilość`, `Cena`, `VAT`\. The file was read as utf-8/);
    assert.deepEqual(numer.details?.filter((d) => d.startsWith('also named at')).length, 2);
  });
});

test('CSV: an optional column may be absent', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, csvText(2).replace('Ilość', 'Ilosc'));
    const m = mappingJson({ invoice: { ...(mappingJson()['invoice'] as object), orderNumber: { column: 'Zamówienie', optional: true } } });
    const r = await run(file, await writeMapping(dir, m));
    assert.deepEqual(codes(r.errors), []);
    assert.equal(r.invoices.length, 2);
  });
});

test('XLSX: a misspelled column (Ilosc for Ilość) is one error naming the sheet and the column there', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'excel-sales', (j) => (j['line'].quantity.column = 'Ilosc'));
    const r = await run('inbox-example/excel/sprzedaz-listopad.xlsx', m);
    assert.deepEqual(codes(r.errors), ['MAP_COLUMN_UNKNOWN']);
    const e = r.errors[0]!;
    assert.match(e.message, /^column `Ilosc` not found in sheet "[^"]+"; did you mean `Ilość`\?$/, 'no code page for a workbook');
    assert.ok(e.where.sheet);
    assert.equal(r.invoices.length, 0);
  });
});

test('wrong code page: a windows-1250 file read as cp852 (the mapping says so) does not match the header', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, iconv.encode(csvText(3), 'windows-1250'));
    const m = mappingJson({ input: { format: 'csv', encoding: 'cp852', csv: { delimiter: ';' } } });
    (m['line'] as Record<string, unknown>)['quantity'] = { column: 'Ilość', decimal: 'comma' };
    const r = await run(file, await writeMapping(dir, m));
    assert.deepEqual(codes(r.errors), ['MAP_COLUMN_UNKNOWN']);
    assert.equal(r.errors[0]!.message, 'column `Ilość` not found; did you mean `IloťŠ`? The file was read as cp852 (as the mapping\'s input.encoding says)');
  });
});

test('wrong code page: a cp852 (DOS) file with encoding auto falls back to windows-1250, and the error says so', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    // ż is BE in cp852, a byte windows-1250 reads as ľ (the header has no ś or ł: cp852 writes
    // them as bytes windows-1250 does not define, which the decoder refuses outright)
    const text = csvText(2).replace('Nr;', 'Data sprzedaży;Nr;').replace('Ilość', 'Ilosc').replace(/\nFV/g, '\n03.11.2026;FV');
    await writeFile(file, iconv.encode(text, 'cp852'));
    const m = mappingJson({ input: { format: 'csv', encoding: 'auto', csv: { delimiter: ';' } } });
    (m['invoice'] as Record<string, unknown>)['saleDate'] = { column: 'Data sprzedaży', date: 'dd.MM.yyyy' };
    const r = await run(file, await writeMapping(dir, m));
    assert.deepEqual(codes(r.errors), ['MAP_COLUMN_UNKNOWN'], r.errors.map((e) => e.message).join('\n'));
    const sale = r.errors[0]!;
    assert.equal(sale.message, 'column `Data sprzedaży` not found; did you mean `Data sprzedaľy`? The file was read as windows-1250 (input.encoding "auto": the bytes are not valid UTF-8, so the fallback code page was used)');
    assert.equal(r.invoices.length, 0);
  });
});

test('wrong code page: a windows-1250 file read as UTF-8 is refused by the decoder (READ_ENCODING), never mapped', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, iconv.encode(csvText(2), 'windows-1250'));
    const m = mappingJson();
    (m['line'] as Record<string, unknown>)['quantity'] = { column: 'Ilość', decimal: 'comma' };
    const r = await run(file, await writeMapping(dir, m));
    assert.deepEqual(codes(r.errors), ['READ_ENCODING']);
    assert.equal(r.invoices.length, 0);
  });
});

const SHOP = 'inbox-example/shop/orders-20261121.json';
const ERP = 'inbox-example/erp-xml/export-20261121.xml';

test('JSON: a path typo is a warning in preview (invoices still shown), naming the close path and the encoding', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'shop-json', (j) => (j['invoice'].buyer.email.path = 'billing.e_mail'));
    const r = await run(SHOP, m);
    assert.deepEqual(codes(r.errors), []);
    assert.deepEqual(codes(r.warnings), ['MAP_PATH_UNMATCHED']);
    const w = r.warnings![0]!;
    assert.equal(w.message, 'path `billing.e_mail` matches nothing in any record of the file; did you mean `billing.email`? The file was read as utf-8 (as the mapping\'s input.encoding says)');
    assert.equal(w.where.mapping, `${m}#/invoice/buyer/email/path`);
    assert.equal(r.invoices.length, 3);
  });
});

test('JSON: a line path typo is checked inside the lines and is an error at intake (the whole file, once)', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'shop-json', (j) => (j['line'].sku.path = 'skus'));
    const preview = await run(SHOP, m);
    assert.deepEqual(codes(preview.warnings), ['MAP_PATH_UNMATCHED']);
    assert.match(preview.warnings![0]!.message, /^path `skus` matches nothing in the lines \(`items`\) of any record of the file; did you mean `sku`\?/);
    const intake = await run(SHOP, m, { unmatchedPaths: 'error' });
    assert.deepEqual(codes(intake.errors), ['MAP_PATH_UNMATCHED']);
    assert.equal(intake.invoices.length, 0);
    assert.equal(intake.ok, false);
  });
});

test('JSON: one warning per problem with 1000 records', async () => {
  await withDir(async (dir) => {
    const shop = JSON.parse(await readFile(SHOP, 'utf8')) as { orders: Record<string, unknown>[] };
    const order = shop.orders[0]!;
    const orders = Array.from({ length: 1000 }, (_, i) => ({ ...order, id: 20000 + i, invoice_number: `SKLEP/2026/11/${20000 + i}` }));
    const file = join(dir, 'orders.json');
    await writeFile(file, JSON.stringify({ orders }));
    const m = await exampleMapping(dir, 'shop-json', (j) => (j['line'].quantity.path = 'qty'));
    const r = await run(file, m);
    assert.deepEqual(codes(r.warnings), ['MAP_PATH_UNMATCHED']);
    const intake = await run(file, m, { unmatchedPaths: 'error', lean: true });
    assert.deepEqual(codes(intake.errors), ['MAP_PATH_UNMATCHED']);
    assert.equal(intake.invoices.length, 0);
  });
});

test('XML: a path typo is a warning in preview and an error at intake, naming the close path', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'erp-xml', (j) => (j['invoice'].buyer.name.path = 'Buyer/Nmae'));
    const r = await run(ERP, m);
    assert.deepEqual(codes(r.warnings), ['MAP_PATH_UNMATCHED']);
    assert.equal(r.warnings![0]!.message, 'path `Buyer/Nmae` matches nothing in any record of the file; did you mean `Buyer/Name`? The file was read as utf-8 (as its XML declaration says)');
    const intake = await run(ERP, m, { unmatchedPaths: 'error' });
    assert.deepEqual(codes(intake.errors), ['MAP_PATH_UNMATCHED']);
  });
});

test('XML/JSON: an optional path that matches nothing is accepted, at intake too', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'erp-xml', (j) => (j['invoice'].orderNumber = { path: 'OrderRef', optional: true }));
    const r = await run(ERP, m, { unmatchedPaths: 'error' });
    assert.deepEqual(codes(r.errors), []);
    assert.equal(r.ok, true);
    assert.equal(r.invoices.length, 3);
    // the names of a rule's condition and of its first alternatives inherit optional
    const s = await exampleMapping(dir, 'shop-json', (j) => (j['invoice'].footer = { optional: true, first: [{ path: 'note' }, { path: 'comment', when: { path: 'has_comment', equals: 'yes' } }] }));
    const r2 = await run(SHOP, s, { unmatchedPaths: 'error' });
    assert.deepEqual(codes(r2.errors), []);
  });
});

test('the example mappings name nothing their example files lack (checked at intake strength)', async () => {
  const pairs: [string, string][] = [
    ['inbox-example/optima/faktury-2026-11.csv', 'mappings/optima-csv.json'],
    ['inbox-example/dos/FAKT1121.TXT', 'mappings/dos-fixed.json'],
    [ERP, 'mappings/erp-xml.json'],
    ['inbox-example/excel/sprzedaz-listopad.xlsx', 'mappings/excel-sales.json'],
    [SHOP, 'mappings/shop-json.json'],
  ];
  for (const [file, mapping] of pairs) {
    const r = await run(file, mapping, { unmatchedPaths: 'error' });
    assert.deepEqual([...codes(r.errors), ...codes(r.warnings)], [], `${mapping}: ${r.errors.map((e) => e.message).join('; ')}`);
  }
});

test('the example mappings mark optional what a file of theirs may lack (no correction, no bank transfer, PLN only)', async () => {
  await withDir(async (dir) => {
    // one plain PLN invoice by card: no Corrects, no Payment/@account
    const xml = (await readFile(ERP, 'utf8')).replace(/<Invoice number="FS\/2026\/11\/0882"[\s\S]*<\/Invoices>/, '</Invoices>').replace('method="transfer" dueDate="2026-12-02" account="PL61109010140000071219812874"', 'method="card" dueDate="2026-12-02"');
    assert.doesNotMatch(xml, /Corrects|account=/);
    await writeFile(join(dir, 'export.xml'), xml);
    const r = await run(join(dir, 'export.xml'), 'mappings/erp-xml.json', { unmatchedPaths: 'error' });
    assert.deepEqual(codes(r.errors), [], r.errors.map((e) => e.message).join('; '));
    const shop = JSON.parse(await readFile(SHOP, 'utf8')) as { orders: Record<string, unknown>[] };
    const plain = shop.orders.filter((o) => o['exchange_rate'] === undefined && o['payment_due'] === undefined);
    assert.ok(plain.length > 0);
    await writeFile(join(dir, 'orders.json'), JSON.stringify({ orders: plain }));
    const r2 = await run(join(dir, 'orders.json'), 'mappings/shop-json.json', { unmatchedPaths: 'error' });
    assert.deepEqual(codes(r2.errors), [], r2.errors.map((e) => e.message).join('; '));
  });
});

test('CSV with another delimiter than the mapping says: one error per column, saying the header was not split', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'faktury.csv');
    await writeFile(file, csvText(50).replaceAll(';', ','));
    const r = await run(file, await writeMapping(dir, mappingJson()));
    assert.ok(r.errors.length > 0 && r.errors.every((e) => e.code === 'MAP_COLUMN_UNKNOWN'), r.errors.map((e) => e.code).join());
    assert.equal(r.errors.length, new Set(r.errors.map((e) => e.where.value)).size, 'one error per named column, not per row');
    assert.match(r.errors[0]!.message, /\(the whole header is one column: check input\.csv\.delimiter\)\. The file was read as utf-8/);
    assert.equal(r.invoices.length, 0);
  });
});

test('fixed-width master-detail: a field name no layout of its record type has is one error naming the type', async () => {
  await withDir(async (dir) => {
    const m = await exampleMapping(dir, 'dos-fixed', (j) => (j['invoice'].buyer.name.column = 'buyerNam'));
    const r = await run('inbox-example/dos/FAKT1121.TXT', m);
    assert.deepEqual(codes(r.errors), ['MAP_COLUMN_UNKNOWN']);
    assert.match(r.errors[0]!.message, /^column `buyerNam` not found in records of type "H"; did you mean `buyerName`\? The file was read as cp852/);
    assert.equal(r.invoices.length, 0);
  });
});
