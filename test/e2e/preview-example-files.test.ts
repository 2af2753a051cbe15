// The example inputs are what inbox-example/README.md says they are: encodings, line ends, layout,
// and the committed XLSX is what scripts/make-example-xlsx.ts generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { makeExampleXlsx } from '../../scripts/make-example-xlsx.ts';

const notUtf8 = (b: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return false;
  } catch {
    return true;
  }
};

test('optima CSV: Windows-1250, semicolons, decimal commas with space and non-breaking-space thousands, CRLF', async () => {
  const bytes = await readFile('inbox-example/optima/faktury-2026-11.csv');
  assert.ok(notUtf8(bytes), 'not UTF-8');
  const text = iconv.decode(bytes, 'windows-1250');
  const lines = text.split('\r\n').filter(Boolean);
  assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'CRLF only');
  assert.equal(lines.length, 1 + 13);
  assert.ok(lines.every((l) => l.split(';').length === 18));
  assert.ok(text.includes('Hurtownia Spożywcza „Pod Lipą” Sp. z o.o.'));
  assert.ok(text.includes(';12\u00a0450,00;'), 'non-breaking space thousands separator');
  assert.ok(text.includes(';2 800,00;'), 'space thousands separator');
  assert.deepEqual([...new Set(lines.slice(1).map((l) => l.split(';')[13]))].sort(), ['23%', '5%', '8%', 'zw.']);
});

test('DOS TXT: CP852, CRLF, H/L/S records of fixed lengths', async () => {
  const bytes = await readFile('inbox-example/dos/FAKT1121.TXT');
  assert.ok(notUtf8(bytes));
  const text = iconv.decode(bytes, 'cp852');
  assert.ok(text.endsWith('\r\n'));
  const lines = text.split('\r\n').filter(Boolean);
  const len: Record<string, number> = { H: 182, L: 96, S: 37 };
  for (const l of lines) assert.equal(l.length, len[l[0]!], `record ${l.slice(0, 20)}`);
  assert.equal(lines.map((l) => l[0]).join(''), 'HLLLSHLLLLSHLLS');
  assert.ok(text.includes('Przedsiębiorstwo Budowlane Żuraw Sp. z o.o.'));
});

test('the committed XLSX is what scripts/make-example-xlsx.ts generates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xlsx-example-'));
  try {
    const fresh = join(dir, 'fresh.xlsx');
    await makeExampleXlsx(fresh);
    const values = async (path: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.getWorksheet(1)!;
      const rows: unknown[] = [];
      ws.eachRow({ includeEmpty: true }, (row) => rows.push(JSON.parse(JSON.stringify(row.values))));
      return { name: ws.name, rows };
    };
    const committed = await values('inbox-example/excel/sprzedaz-listopad.xlsx');
    assert.deepEqual(committed, await values(fresh));
    assert.equal(committed.name, 'Sprzedaż');
    assert.equal(committed.rows.length, 12, 'title, company line, header, 8 data rows, totals');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
