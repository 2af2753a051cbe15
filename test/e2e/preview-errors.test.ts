// Bad input through `preview`: each kind of problem gives exit code 1 and one line naming the file,
// the place (row/line/cell/path), the field, the value and the rule, with its code. Good invoices
// of the same file are still shown. Inputs are the examples with one thing broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { runPreview, xmlFileName } from '../../src/cli/preview.ts';
import type { PreviewCliOptions } from '../../src/cli/preview.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const TODAY = '2026-11-21';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('preview-err-', fn);

/** A copy of an example text file with `edit` applied to its decoded text, in the same encoding. */
async function editedCopy(dir: string, src: string, name: string, encoding: string, edit: (text: string) => string): Promise<string> {
  const text = iconv.decode(await readFile(src), encoding);
  const changed = edit(text);
  assert.notEqual(changed, text, `the edit of ${name} changed nothing`);
  const out = join(dir, name);
  await writeFile(out, iconv.encode(changed, encoding));
  return out;
}

/** A copy of an example mapping with `edit` applied to its JSON. */
async function editedMapping(dir: string, name: string, edit: (m: Record<string, any>) => void): Promise<string> {
  const m = JSON.parse(await readFile(`mappings/${name}.json`, 'utf8')) as Record<string, any>;
  edit(m);
  const out = join(dir, `${name}.json`);
  await writeFile(out, JSON.stringify(m, null, 2));
  return out;
}

interface Run {
  readonly code: number;
  readonly errors: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
}

async function preview(file: string, opts: Omit<PreviewCliOptions, 'today'> & { today?: string }): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPreview(file, { today: TODAY, ...opts }, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), now: () => new Date('2026-11-21T09:00:00Z') });
  const stderr = err.join('');
  return { code, stdout: out.join(''), stderr, errors: stderr.split('\n').filter((l) => l.startsWith('error: ')) };
}

/** The one error line holding every expected part (file, place, field, value, rule, code). */
function assertError(run: Run, parts: readonly string[]): void {
  assert.equal(run.code, 1, run.stderr);
  const hits = run.errors.filter((l) => parts.every((p) => l.includes(p)));
  assert.equal(hits.length, 1, `expected one error line with ${JSON.stringify(parts)}; got:\n${run.errors.join('\n')}`);
}

const xmlCount = (stdout: string) => (stdout.match(/<\?xml /g) ?? []).length;

const OPTIMA = 'inbox-example/optima/faktury-2026-11.csv';
const DOS = 'inbox-example/dos/FAKT1121.TXT';

test('invalid date in a CSV row: file, row, line, invoice, field, value and date rule; the other invoices still print', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, OPTIMA, 'faktury.csv', 'windows-1250', (t) => t.replace('FA/232/2026;05.11.2026', 'FA/232/2026;31.02.2026'));
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['faktury.csv', 'row 4', 'line 5', 'invoice FA/232/2026', 'field issueDate', 'value "31.02.2026"', 'rule: date pattern dd.MM.yyyy', '[MAP_DATE]']);
    assert.equal(run.errors.length, 1);
    assert.equal(xmlCount(run.stdout), 3);
    assert.match(run.stderr, /4 invoice\(s\), 3 valid, 1 with errors \(FA\(3\)\)/);
  });
});

test('invalid decimal in a CSV quantity names the line field', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, OPTIMA, 'faktury.csv', 'windows-1250', (t) => t.replace(';12,5;l;', ';12,5,1;l;'));
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['faktury.csv', 'row 13', 'line 14', 'invoice FA/234/2026', 'field lines[5].quantity', 'value "12,5,1"', 'rule: decimal comma', '[MAP_DECIMAL]']);
  });
});

test('ragged CSV row: the row, its line and the column counts', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, OPTIMA, 'faktury.csv', 'windows-1250', (t) => t.replace(';8;godz.;350,00;', ';8;350,00;'));
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['faktury.csv', 'row 5', 'line 6', 'value "17"', 'rule: every row has 18 columns (delimiter ";")', '[READ_CSV_RAGGED]']);
  });
});

test('file in the wrong encoding (UTF-8 where the mapping says windows-1250)', async () => {
  await withDir(async (dir) => {
    const text = iconv.decode(await readFile(OPTIMA), 'windows-1250');
    const bad = join(dir, 'faktury-utf8.csv');
    await writeFile(bad, text, 'utf8');
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['faktury-utf8.csv', 'rule: encoding windows-1250', '[READ_ENCODING]']);
    assert.equal(xmlCount(run.stdout), 0);
    assert.match(run.stderr, /0 invoice\(s\), 0 valid, 0 with errors, 1 problem\(s\) with the file or mapping/);
  });
});

test('an empty file', async () => {
  await withDir(async (dir) => {
    const bad = join(dir, 'pusty.csv');
    await writeFile(bad, '');
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['pusty.csv', '[READ_EMPTY]']);
  });
});

test('unknown lookup value in a fixed-width line (VAT code X)', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, DOS, 'FAKT1122.TXT', 'cp852', (t) => t.replace('000000006499B', '000000006499X'));
    const run = await preview(bad, { mapping: 'mappings/dos-fixed.json' });
    assertError(run, ['FAKT1122.TXT', 'line 14', 'invoice FS-0459/11/26', 'field lines[2].vatRate', 'value "X"', 'rule: lookup vat (unmatched: error)', '[MAP_LOOKUP_UNMATCHED]']);
    assert.equal(xmlCount(run.stdout), 2);
  });
});

test('stated totals of the summary record that do not match the computed ones', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, DOS, 'FAKT1123.TXT', 'cp852', (t) => t.replace('S000000331485000000026519000000358004', 'S000000331485000000026519000000358104'));
    const run = await preview(bad, { mapping: 'mappings/dos-fixed.json' });
    assertError(run, ['FAKT1123.TXT', 'line 12', 'invoice FS-0459/11/26', 'field statedTotals.gross', 'value "3581.04"', 'differs from the computed 3580.04', '[FA_TOTAL_MISMATCH]']);
  });
});

test('missing required field in an XML record (invoice without its number)', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, 'inbox-example/erp-xml/export-20261121.xml', 'export.xml', 'utf8', (t) => t.replace('<Invoice number="FS/2026/11/0882" ', '<Invoice '));
    const run = await preview(bad, { mapping: 'mappings/erp-xml.json' });
    assertError(run, ['export.xml', 'line 33', 'at /Export/Invoices/Invoice[2]', 'field number', 'rule: required field', '[MAP_REQUIRED]']);
    assert.equal(xmlCount(run.stdout), 2);
  });
});

test('malformed JSON: the line of the syntax error', async () => {
  await withDir(async (dir) => {
    const text = await readFile('inbox-example/shop/orders-20261121.json', 'utf8');
    const bad = join(dir, 'orders.json');
    await writeFile(bad, text.slice(0, 900));
    const run = await preview(bad, { mapping: 'mappings/shop-json.json' });
    assertError(run, ['orders.json', 'line 32', '[READ_JSON_MALFORMED]']);
    assert.equal(xmlCount(run.stdout), 0);
  });
});

test('Excel error cell: sheet, cell, row and column name', async () => {
  await withDir(async (dir) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile('inbox-example/excel/sprzedaz-listopad.xlsx');
    wb.getWorksheet(1)!.getCell('L8').value = { formula: 'I8*J8/0', result: { error: '#DIV/0!' } } as unknown as ExcelJS.CellValue;
    const bad = join(dir, 'sprzedaz.xlsx');
    await wb.xlsx.writeFile(bad);
    const run = await preview(bad, { mapping: 'mappings/excel-sales.json' });
    assertError(run, ['sprzedaz.xlsx', 'sheet Sprzedaż', 'cell L8', 'row 8', 'field Wartość netto', 'rule: cells must hold values, not errors', '[READ_XLSX_ERROR_CELL]']);
  });
});

test('mapping with overlapping fixed-width fields: the mapping file and JSON path, nothing read', async () => {
  await withDir(async (dir) => {
    const mapping = await editedMapping(dir, 'dos-fixed', (m) => {
      const unit = m['input'].fixed.layouts.find((l: { type: string }) => l.type === 'L').fields.find((f: { name: string }) => f.name === 'unit');
      unit.length = 8;
    });
    const run = await preview(DOS, { mapping });
    assertError(run, ['dos-fixed.json', 'overlap in layout "L"', 'rule: fields of one layout must not share positions', '#/input/fixed/layouts/1/fields/', '[MAP_FIXED_LAYOUT]']);
    assert.equal(xmlCount(run.stdout), 0);
  });
});

test('mapping with a JSONata syntax error: the mapping file, JSON path and expression', async () => {
  await withDir(async (dir) => {
    const mapping = await editedMapping(dir, 'shop-json', (m) => {
      m['invoice'].number = { expr: 'invoice_number & ' };
    });
    const run = await preview('inbox-example/shop/orders-20261121.json', { mapping });
    assertError(run, ['shop-json.json', 'value "invoice_number & "', 'JSONata syntax error', 'rule: JSONata expression', '#/invoice/number/expr', '[MAP_EXPR_SYNTAX]']);
  });
});

test('command-line mistakes: unknown schema, --company without --config, unknown company', async () => {
  await withDir(async (dir) => {
    assertError(await preview(OPTIMA, { mapping: 'mappings/optima-csv.json', schema: 'FA(4)' }), ['value "FA(4)"', 'rule: FA(3) or FA(2)', '[CLI_SCHEMA]']);
    assertError(await preview(OPTIMA, { mapping: 'mappings/optima-csv.json', company: 'acme' }), ['--company needs --config', '[CLI_COMPANY]']);
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify(configWith(dir)));
    assertError(await preview(OPTIMA, { mapping: 'mappings/optima-csv.json', config, company: 'nope' }), ['config.json', 'value "nope"', 'rule: one of: acme', '[CLI_COMPANY]']);
  });
});

function configWith(dir: string): unknown {
  return {
    environment: 'sim',
    root: join(dir, 'data'),
    companies: [{
      id: 'acme',
      nip: '5265877635',
      name: 'ACME Hurt Sp. z o.o.',
      address: { line1: 'ul. Prosta 1', line2: '00-001 Warszawa' },
      token: { env: 'ACME_KSEF_TOKEN' },
      schema: 'FA(2)',
      inboxes: [{ id: 'optima', mapping: resolve('mappings/optima-csv.json') }],
    }],
  };
}

test('--config: the seller and the default schema come from the company', async () => {
  await withDir(async (dir) => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify(configWith(dir)));
    const run = await preview(OPTIMA, { mapping: 'mappings/optima-csv.json', config });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(xmlCount(run.stdout), 4);
    assert.equal((run.stdout.match(/<NIP>5265877635<\/NIP>/g) ?? []).length, 4);
    assert.equal((run.stdout.match(/<Nazwa>ACME Hurt Sp\. z o\.o\.<\/Nazwa>/g) ?? []).length, 4);
    assert.match(run.stdout, /kodSystemowy="FA \(2\)"/);
    assert.doesNotMatch(run.stderr, /placeholder/);
    assert.match(run.stderr, /4 invoice\(s\), 4 valid, 0 with errors \(FA\(2\)\)/);
  });
});

test('real child process: a bad file prints file/row/field/rule and exits 1', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, OPTIMA, 'faktury.csv', 'windows-1250', (t) => t.replace('FA/232/2026;05.11.2026', 'FA/232/2026;31.02.2026'));
    const r = spawnSync(process.execPath, ['bin/ksef-hotfolder.js', 'preview', bad, '--mapping', 'mappings/optima-csv.json', '--today', TODAY], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.deepEqual(errors, [
      'error: faktury.csv, row 4, line 5, invoice FA/232/2026, field issueDate, value "31.02.2026": "31.02.2026" is not a date (rule: date pattern dd.MM.yyyy) [mapping mappings/optima-csv.json#/invoice/issueDate] [MAP_DATE]',
    ]);
    assert.equal(xmlCount(r.stdout), 3);
  });
});

test('seller from the mapping: used instead of the placeholder, and no placeholder note', async () => {
  await withDir(async (dir) => {
    const mapping = await editedMapping(dir, 'erp-xml', (m) => {
      m['invoice'].seller = {
        taxId: { value: '7792301458' },
        name: { value: 'Sigma Dystrybucja Sp. z o.o.' },
        address: { line1: { value: 'ul. Głogowska 1' }, line2: { value: '60-101 Poznań' } },
      };
    });
    const run = await preview('inbox-example/erp-xml/export-20261121.xml', { mapping });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.stdout.match(/<NIP>7792301458<\/NIP>/g) ?? []).length, 3);
    assert.doesNotMatch(run.stdout, /9999999999<\/NIP>/);
    assert.doesNotMatch(run.stderr, /placeholder/);
  });
});

test('--out file names: unsafe characters become _, letters and digits stay', () => {
  assert.equal(xmlFileName('FA/231/2026'), 'FA_231_2026.xml');
  assert.equal(xmlFileName('KOR 7\\2026:ŁÓDŹ'), 'KOR_7_2026_ŁÓDŹ.xml');
  assert.equal(xmlFileName('../..'), 'invoice.xml');
});

test('--out that cannot be written (a file, not a folder): one error line, exit 1', async () => {
  await withDir(async (dir) => {
    const notADir = join(dir, 'plik.txt');
    await writeFile(notADir, 'x');
    const run = await preview(OPTIMA, { mapping: 'mappings/optima-csv.json', out: notADir });
    assertError(run, [notADir, 'cannot write to the --out folder (EEXIST)', '[CLI_OUT]']);
  });
});

test('a CSV with only its header holds no invoices: one error, exit 1', async () => {
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, OPTIMA, 'naglowek.csv', 'windows-1250', (t) => t.split('\r\n')[0] + '\r\n');
    const run = await preview(bad, { mapping: 'mappings/optima-csv.json' });
    assertError(run, ['naglowek.csv', 'the file holds no invoices', 'rule: at least one invoice per file', '[PREVIEW_NO_INVOICES]']);
  });
});

test('--schema accepts FA2 / fa(2) spellings', async () => {
  for (const schema of ['FA2', 'fa(2)']) {
    const run = await preview(DOS, { mapping: 'mappings/dos-fixed.json', schema });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.stdout.match(/kodSystemowy="FA \(2\)"/g) ?? []).length, 3);
  }
});

test('the same invoice number twice in one shop JSON file: INVOICE_NUMBER_TWICE_IN_FILE naming both places, exit 1', async () => {
  // the same fact the agent's intake reports (test/e2e/reuse-number.test.ts): preview owns it
  await withDir(async (dir) => {
    const bad = await editedCopy(dir, 'inbox-example/shop/orders-20261121.json', 'dwa-razy.json', 'utf-8',
      (t) => t.replace('"invoice_number": "SKLEP/2026/11/0458"', '"invoice_number": "SKLEP/2026/11/0457"'));
    const run = await preview(bad, { mapping: 'mappings/shop-json.json' });
    assertError(run, ['dwa-razy.json', 'INVOICE_NUMBER_TWICE_IN_FILE', 'SKLEP/2026/11/0457', 'first at line 5, at $.orders[0]; again at line 62, at $.orders[1]']);
    // the first of the two is not printed as good either: neither is sent
    assert.doesNotMatch(run.stdout, /<P_2>SKLEP\/2026\/11\/0457<\/P_2>[\s\S]*<P_2>SKLEP\/2026\/11\/0457<\/P_2>/);
  });
});

test('--config: a seller the company may not invoice for (not its NIP, not in actsFor) is an error in preview as at intake; a listed client is valid', async () => {
  const { OFFICE, GRANTED, STRANGER, OFFICE_MAPPING, invoiceFile: todays } = await import('../helpers/office-clients.ts');
  const invoiceFile = (seller: string) => todays(seller).replace(/"date":"[\d-]+"/, `"date":"${TODAY}"`);
  await withDir(async (dir) => {
    const mapping = join(dir, 'office-mapping.json');
    await writeFile(mapping, JSON.stringify(OFFICE_MAPPING));
    const config = join(dir, 'config.json');
    const base = configWith(dir) as { companies: Record<string, unknown>[] };
    base.companies[0] = { ...base.companies[0], nip: OFFICE, actsFor: [GRANTED[0]], inboxes: [{ id: 'clients', mapping }] };
    await writeFile(config, JSON.stringify(base));
    const stranger = join(dir, 'stranger.json');
    await writeFile(stranger, invoiceFile(STRANGER));
    const refused = await preview(stranger, { config });
    assertError(refused, ['stranger.json', `invoice FV/${STRANGER}/1`, `seller NIP ${STRANGER} is neither the NIP of company acme (${OFFICE})`, 'actsFor', '[INVOICE_SELLER_NOT_ALLOWED]']);
    assert.equal(xmlCount(refused.stdout), 0, 'no XML shown for an invoice the agent would refuse');
    assert.match(refused.stderr, /1 invoice\(s\), 0 valid, 1 with errors/);
    const client = join(dir, 'client.json');
    await writeFile(client, invoiceFile(GRANTED[0]!));
    const ok = await preview(client, { config });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(xmlCount(ok.stdout), 1);
  });
});
