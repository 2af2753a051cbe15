import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError } from '../../src/core/errors.ts';
import { safeFileName } from '../../src/outbox/safe-file-name.ts';
import { archiveSource, writeSentXml, writeUpo } from '../../src/outbox/outbox-files.ts';
import { writeErrorReport, renderErrorText } from '../../src/outbox/error-report.ts';
import { buildResultFile, writeResultFile } from '../../src/outbox/result-file.ts';
import { renderResultCsv, writeResultCsv } from '../../src/outbox/result-csv.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('outbox-', fn);

test('archive never overwrites: same name twice the same day gets a suffix; a retry after link does not duplicate', async () => {
  await withDir(async (dir) => {
    const work = join(dir, 'work');
    await mkdir(work);
    const at = new Date(2026, 2, 2, 12, 0, 0);
    await writeFile(join(work, '1__export.csv'), 'first');
    await writeFile(join(work, '2__export.csv'), 'second');
    const p1 = await archiveSource(join(dir, 'archive'), join(work, '1__export.csv'), 'export.csv', at);
    const p2 = await archiveSource(join(dir, 'archive'), join(work, '2__export.csv'), 'export.csv', at);
    assert.equal(p1, join(dir, 'archive', '2026-03-02', 'export.csv'));
    assert.equal(p2, join(dir, 'archive', '2026-03-02', 'export (2).csv'));
    assert.equal(await readFile(p1, 'utf8'), 'first');
    assert.equal(await readFile(p2, 'utf8'), 'second');
    assert.deepEqual(await readdir(work), []);
    // crash after link, before unlink: the retry finds the same inode and only removes the source
    await writeFile(join(work, '3__export.csv'), 'third');
    await link(join(work, '3__export.csv'), join(dir, 'archive', '2026-03-02', 'export (3).csv'));
    const p3 = await archiveSource(join(dir, 'archive'), join(work, '3__export.csv'), 'export.csv', at);
    assert.equal(p3, join(dir, 'archive', '2026-03-02', 'export (3).csv'));
    assert.deepEqual((await readdir(join(dir, 'archive', '2026-03-02'))).sort(), ['export (2).csv', 'export (3).csv', 'export.csv']);
    assert.deepEqual(await readdir(work), []);
  });
});

test('error report: source moved to errors/ with .error.json and a human .error.txt, one problem per line', async () => {
  await withDir(async (dir) => {
    const outbox = join(dir, 'outbox');
    await writeFile(join(dir, 'c1'), 'bad data');
    const errors = [
      new AgentError('MAP_DATE', 'not a date', { where: { row: 7, field: 'issueDate', value: '31.02.2026' }, rule: 'dd.MM.yyyy' }),
      new AgentError('MAP_REQUIRED', 'missing value', { where: { file: 'faktury.csv', row: 9, field: 'buyer.nip' } }),
    ];
    const meta = { claimId: 'c1', companyId: 'acme', inboxId: 'csv', sha256: 'abc', at: '2026-03-02T10:00:00.000Z' };
    const placed = await writeErrorReport(outbox, join(dir, 'c1'), 'faktury.csv', errors, meta);
    assert.equal(placed, join(outbox, 'errors', 'faktury.csv'));
    assert.equal(await readFile(placed, 'utf8'), 'bad data');
    const txt = await readFile(join(outbox, 'errors', 'faktury.csv.error.txt'), 'utf8');
    assert.equal(
      txt,
      [
        'faktury.csv: 2 problems; the file was not sent to KSeF. Fix the export or the mapping and drop the file again.',
        '',
        'faktury.csv, row 7, field issueDate, value "31.02.2026": not a date (rule: dd.MM.yyyy) [MAP_DATE]',
        'faktury.csv, row 9, field buyer.nip: missing value [MAP_REQUIRED]',
        '',
      ].join('\r\n'),
    );
    const json = JSON.parse(await readFile(join(outbox, 'errors', 'faktury.csv.error.json'), 'utf8'));
    assert.equal(json.file, 'faktury.csv');
    assert.equal(json.claimId, 'c1');
    assert.deepEqual(json.errors.map((e: { code: string }) => e.code), ['MAP_DATE', 'MAP_REQUIRED']);
    assert.deepEqual(json.errors[0].where, { row: 7, field: 'issueDate', value: '31.02.2026' });
    // a retry of the same claim reuses the name; another claim of the same name gets a suffix
    assert.equal(await writeErrorReport(outbox, join(dir, 'c1'), 'faktury.csv', errors, meta), placed);
    await writeFile(join(dir, 'c2'), 'other bad data');
    const second = await writeErrorReport(outbox, join(dir, 'c2'), 'faktury.csv', errors.slice(0, 1), { ...meta, claimId: 'c2' });
    assert.equal(second, join(outbox, 'errors', 'faktury (2).csv'));
    assert.deepEqual((await readdir(join(outbox, 'errors'))).sort(), [
      'faktury (2).csv', 'faktury (2).csv.error.json', 'faktury (2).csv.error.txt', 'faktury.csv', 'faktury.csv.error.json', 'faktury.csv.error.txt',
    ]);
    assert.match(renderErrorText('x.csv', errors.slice(0, 1)), /^x\.csv: 1 problem;/);
  });
});

test('result file: every key present, summary and status; CSV with configured columns', async () => {
  await withDir(async (dir) => {
    const outbox = join(dir, 'outbox');
    const r = buildResultFile({
      source: 'faktury;2026.csv', companyId: 'acme', inboxId: 'csv', sha256: 'abc', claimedAt: '2026-03-02T10:00:00Z', updatedAt: '2026-03-02T10:00:05Z',
      invoices: [
        { invoiceNumber: 'FV/1', status: 'accepted', ksefNumber: 'K1', acquisitionDate: '2026-03-02T10:00:03Z', sessionReferenceNumber: 'S1', invoiceReferenceNumber: 'I1', upoFile: 'K1.xml' },
        { invoiceNumber: 'FV/2', status: 'pending', sessionReferenceNumber: 'S1' },
        { invoiceNumber: 'FV/3', status: 'rejected', errors: [{ code: 'KSEF_450', message: 'Błąd weryfikacji; "semantyka"' }] },
      ],
    });
    assert.equal(r.status, 'pending');
    assert.deepEqual(r.summary, { accepted: 1, rejected: 1, failed: 0, pending: 1 });
    assert.deepEqual(r.invoices[1], {
      invoiceNumber: 'FV/2', status: 'pending', ksefNumber: null, acquisitionDate: null, sessionReferenceNumber: 'S1', invoiceReferenceNumber: null, upoFile: null, errors: [], warnings: [], invoicingMode: null, offline: null,
    });
    const path = await writeResultFile(outbox, r);
    assert.equal(path, join(outbox, 'results', 'faktury;2026.csv.result.json'));
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), r);
    const csv = renderResultCsv(r, { columns: ['source', 'invoiceNumber', 'status', 'ksefNumber', 'errorCode', 'errorMessage'], delimiter: ';', header: true });
    assert.equal(
      csv,
      'source;invoiceNumber;status;ksefNumber;errorCode;errorMessage\r\n' +
        '"faktury;2026.csv";FV/1;accepted;K1;;\r\n' +
        '"faktury;2026.csv";FV/2;pending;;;\r\n' +
        '"faktury;2026.csv";FV/3;rejected;;KSEF_450;"Błąd weryfikacji; ""semantyka"""\r\n',
    );
    const csvPath = await writeResultCsv(outbox, r, { columns: ['invoiceNumber', 'status'], delimiter: ',', header: false });
    assert.equal(await readFile(csvPath, 'utf8'), '\ufeffFV/1,accepted\r\nFV/2,pending\r\nFV/3,rejected\r\n');
    const done = buildResultFile({ ...r, invoices: [{ invoiceNumber: 'FV/1', status: 'accepted' }] });
    assert.equal(done.status, 'complete');
    assert.equal(buildResultFile({ ...r, duplicate: true, duplicateOf: 'old.csv' }).status, 'pending', 'a duplicate of a file still waiting waits with it');
    assert.equal(buildResultFile({ ...r, invoices: [{ invoiceNumber: 'FV/1', status: 'accepted' }], duplicate: true, duplicateOf: 'old.csv' }).status, 'duplicate');
  });
});

test('UPO and sent XML are written byte-exact under the KSeF number', async () => {
  await withDir(async (dir) => {
    const upo = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\r\n<Potwierdzenie>ą</Potwierdzenie>', 'utf8');
    const k = '5265877635-20260302-0100000000AB-CD';
    assert.equal(await writeUpo(dir, k, upo), `${k}.xml`);
    assert.deepEqual(await readFile(join(dir, 'upo', `${k}.xml`)), upo);
    assert.equal(await writeSentXml(dir, k, '<Faktura/>'), `${k}.xml`);
    assert.equal(await readFile(join(dir, 'sent', `${k}.xml`), 'utf8'), '<Faktura/>');
  });
});

test('names are safe on Windows shares', () => {
  const cases: [string, string][] = [
    ['faktury.csv', 'faktury.csv'],
    ['FV/2026/03:1?.xml', 'FV_2026_03_1_.xml'],
    ['a<b>c"d|e*f\\g', 'a_b_c_d_e_f_g'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1.csv', '_com1.csv'],
    ['trailing. . ', 'trailing'],
    ['', '_'],
    ['tab\there', 'tab_here'],
    ['zażółć.csv', 'zażółć.csv'],
  ];
  for (const [input, want] of cases) assert.equal(safeFileName(input), want, input);
  const long = safeFileName('x'.repeat(300) + '.csv');
  assert.equal(long.length, 200);
  assert.ok(long.endsWith('.csv'));
});
