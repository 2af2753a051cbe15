// Hostile-input proof (issue 9, "Proof"): more than 50 distinct bad files — empty, binary,
// truncated XML/JSON/XLSX, zip bombs, entity bombs and XXE, deep JSON, a huge line, wrong
// encodings, control characters, bad NIPs and dates, unknown codes, reused numbers, wrong line
// arithmetic, odd names — dropped into a RUNNING agent (`run`, a real child process, embedded
// simulator) next to good files, plus things that are not regular files (a named pipe, a folder,
// a dangling symlink, a symlink to a good file) and a file the agent may not read.
//
// Expected: every regular bad file ends in outbox/errors with .error.json and .error.txt naming
// the problem (`expect`: its code); the good files (UTF-16 with a BOM and a 230-character name
// among them) are accepted; non-regular entries, symlinks included (never followed), are reported
// in the log as INBOX_NOT_A_FILE and never put into errors/; the agent never exits and /health
// answers at the end. Before the issue-9 fixes 23 of these checks failed.
//
// When the test runs as root, the agent runs as user `nobody` so that a file with mode 000 is
// really unreadable to it (root reads everything).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readFile, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import { freePort } from '../helpers/agent-process.ts';
import { spawn } from 'node:child_process';
import { cp1250, edit, editAll, loadExamples, noise, replaceEntry, rezip, utf16le, utf8 } from '../helpers/hostile-files.ts';
import type { Examples } from '../helpers/hostile-files.ts';

type InboxId = 'optima' | 'utf8' | 'shop' | 'xml' | 'excel';

interface Case {
  readonly inbox: InboxId;
  readonly name: string;
  readonly bytes: (x: Examples, p: string) => Buffer | Promise<Buffer>;
  /** the error code that must be among the report's codes, or a pattern one of them must match */
  readonly expect: string | RegExp;
}

interface Good {
  readonly inbox: InboxId;
  readonly name: string;
  readonly bytes: (x: Examples, p: string) => Buffer | Promise<Buffer>;
  readonly invoices: number;
}

const LONG = (c: string): string => c.repeat(226) + '.csv'; // 230 bytes: legal, but not with a claim prefix before it (item 4)

/** Example sources with the test's invoice numbers, spoilt by `f`. */
const csvWith = (x: Examples, p: string, f: (t: string) => string): Buffer => cp1250(f(x.optima(p)));
const utf8Csv = (x: Examples, p: string, f: (t: string) => string): Buffer => utf8(f(x.optima(p)));
const shopWith = (x: Examples, p: string, f: (o: ReturnType<Examples['shop']>) => void): Buffer => {
  const o = x.shop(p);
  f(o);
  return utf8(JSON.stringify(o, null, 2));
};
const xmlWith = (x: Examples, p: string, f: (t: string) => string): Buffer => utf8(f(x.xml(p)));
const orders = (o: ReturnType<Examples['shop']>) => o.orders as Record<string, any>[];

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE Export [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
`;

/** Sheet XML whose first data row is repeated `rows` times (one invoice, that many lines). */
function manyRows(sheet: string, rows: number): string {
  const m = /<row r="4"[^>]*>.*?<\/row>/.exec(sheet);
  if (!m) throw new Error('the Excel example has no row 4');
  const start = sheet.indexOf('<row r="4"');
  const end = sheet.indexOf('</sheetData>');
  const parts: string[] = [sheet.slice(0, start)];
  for (let r = 4; r < 4 + rows; r++) parts.push(m[0].replaceAll(/r="([A-Z]+)?4"/g, (_s, col: string | undefined) => `r="${col ?? ''}${r}"`));
  parts.push(sheet.slice(end));
  return parts.join('');
}

const CASES: readonly Case[] = [
  // --- CSV (windows-1250 Optima inbox)
  { inbox: 'optima', name: 'empty.csv', bytes: () => Buffer.alloc(0), expect: 'READ_EMPTY' },
  { inbox: 'optima', name: 'whitespace-only.csv', bytes: () => utf8('   \r\n\r\n \t \r\n'), expect: 'READ_EMPTY' },
  { inbox: 'optima', name: 'header-only.csv', bytes: (x, p) => csvWith(x, p, (t) => t.split('\r\n')[0]! + '\r\n'), expect: 'PREVIEW_NO_INVOICES' },
  { inbox: 'optima', name: 'binary-noise.csv', bytes: () => noise(4096), expect: 'READ_ENCODING' },
  { inbox: 'optima', name: 'png-renamed.csv', bytes: () => Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), noise(512, 7)]), expect: 'READ_ENCODING' },
  { inbox: 'optima', name: 'utf8-into-cp1250.csv', bytes: (x, p) => utf8(x.optima(p)), expect: 'READ_ENCODING' },
  { inbox: 'optima', name: 'nip-checksum.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, '521-301-07-23', '521-301-07-24')), expect: 'FA_NIP_INVALID' },
  { inbox: 'optima', name: 'nip-letters.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, '677-230-45-13', 'ABC-DEF-GH-IJ')), expect: 'MAP_TAX_ID' },
  { inbox: 'optima', name: 'date-31-february.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, '03.11.2026;03.11.2026', '31.02.2026;31.02.2026')), expect: 'MAP_DATE' },
  { inbox: 'optima', name: 'date-month-13.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, '12.11.2026;12.11.2026', '12.13.2026;12.13.2026')), expect: 'MAP_DATE' },
  { inbox: 'optima', name: 'date-in-2030.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, '19.11.2026;19.11.2026', '19.11.2030;19.11.2030')), expect: 'FA_ISSUE_DATE_FUTURE' },
  { inbox: 'optima', name: 'vat-24.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';23%;', ';24%;')), expect: 'MAP_LOOKUP_UNMATCHED' },
  { inbox: 'optima', name: 'payment-unknown.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';przelew', ';weksel')), expect: 'MAP_LOOKUP_UNMATCHED' },
  { inbox: 'optima', name: 'quantity-words.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';12;szt.;', ';dwanaście;szt.;')), expect: 'MAP_DECIMAL' },
  { inbox: 'optima', name: 'amount-overflow.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, /12.450,00/, '99999999999999999999,00')), expect: 'FA_XSD' },
  { inbox: 'optima', name: 'number-empty.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, `\r\n${p}/231;`, '\r\n;')), expect: 'MAP_GROUP_KEY_EMPTY' },
  // the same number again, further down (rows of one invoice must be together; item 5: "naming both rows")
  { inbox: 'optima', name: 'number-reused.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, `${p}/234;`, `${p}/231;`)), expect: 'MAP_GROUP_KEY_REPEATED' },
  { inbox: 'optima', name: 'line-arithmetic.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';12;szt.;64,90;23%;778,80;', ';12;szt.;64,90;23%;1,00;')), expect: 'FA_LINE_ARITHMETIC' },
  { inbox: 'optima', name: 'nul-in-text.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, 'Kawa ziarnista', 'Kawa\u0000ziarnista')), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'optima', name: 'del-char.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, 'Herbata', 'Her\u007fbata')), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'optima', name: 'huge-line.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, 'Kawa ziarnista Arabica 1 kg', 'K'.repeat(8 * 1024 * 1024))), expect: 'LIMIT_RECORD_LENGTH' },
  { inbox: 'optima', name: 'truncated-mid-row.csv', bytes: (x, p) => { const t = cp1250(x.optima(p)); return t.subarray(0, Math.floor(t.length * 0.55)); }, expect: 'READ_CSV_RAGGED' },
  { inbox: 'optima', name: 'unterminated-quote.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';Kawa ziarnista', ';"Kawa ziarnista')), expect: 'READ_CSV_MALFORMED' },
  { inbox: 'optima', name: 'duplicate-header.csv', bytes: (x, p) => csvWith(x, p, (t) => edit(t, ';Ilość;', ';Lp.;')), expect: 'READ_CSV_DUPLICATE_HEADER' },
  { inbox: 'optima', name: 'wrong-delimiter.csv', bytes: (x, p) => csvWith(x, p, (t) => editAll(t, ';', '\t')), expect: 'MAP_COLUMN_UNKNOWN' },
  // --- CSV declared UTF-8
  { inbox: 'utf8', name: 'cp1250-declared-utf8.csv', bytes: (x, p) => cp1250(x.optima(p)), expect: 'READ_ENCODING' },
  { inbox: 'utf8', name: 'c1-controls.csv', bytes: (x, p) => utf8Csv(x, p, (t) => edit(t, 'Chleb', 'Chleb \u0086\u0092')), expect: 'FA_FORBIDDEN_CHAR' },
  // "ł" (C5 82) decoded as Latin-1 and saved again as UTF-8: Å + U+0082, in the data rows (item 7)
  { inbox: 'utf8', name: 'mojibake.csv', bytes: (x, p) => utf8Csv(x, p, (t) => { const nl = t.indexOf('\r\n'); return t.slice(0, nl) + editAll(t.slice(nl), 'ł', Buffer.from('ł', 'utf8').toString('latin1')); }), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'utf8', name: 'noncharacter-fdd0.csv', bytes: (x, p) => utf8Csv(x, p, (t) => edit(t, 'Catering', 'Cater\ufdd0ing')), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'utf8', name: 'utf16-without-bom.csv', bytes: (x, p) => Buffer.from(x.optima(p), 'utf16le'), expect: 'READ_ENCODING' },
  // --- JSON (shop inbox)
  { inbox: 'shop', name: 'orders-empty.json', bytes: () => Buffer.alloc(0), expect: 'READ_EMPTY' },
  { inbox: 'shop', name: 'orders-truncated.json', bytes: (x, p) => shopWith(x, p, () => undefined).subarray(0, 1500), expect: 'READ_JSON_MALFORMED' },
  { inbox: 'shop', name: 'orders-array.json', bytes: () => utf8('[1, 2, 3]'), expect: 'READ_JSON_NO_RECORDS' },
  { inbox: 'shop', name: 'orders-null.json', bytes: () => utf8('null'), expect: 'READ_JSON_NO_RECORDS' },
  { inbox: 'shop', name: 'orders-none.json', bytes: () => utf8('{"orders": []}'), expect: 'PREVIEW_NO_INVOICES' },
  { inbox: 'shop', name: 'orders-deep.json', bytes: () => utf8(`{"orders": [${'['.repeat(200_000)}${']'.repeat(200_000)}]}`), expect: 'READ_JSON_MALFORMED' },
  { inbox: 'shop', name: 'orders-binary.json', bytes: () => noise(2048, 99), expect: 'READ_ENCODING' },
  { inbox: 'shop', name: 'orders-number-reused.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[1]!['invoice_number'] = orders(o)[0]!['invoice_number'])), expect: 'INVOICE_NUMBER_TWICE_IN_FILE' },
  { inbox: 'shop', name: 'orders-nul.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[0]!['billing'].first_name = 'Kata\u0000rzyna')), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'shop', name: 'orders-date-30-february.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[0]!['created_at'] = '2026-02-30T14:22:31+01:00')), expect: 'MAP_DATE' },
  { inbox: 'shop', name: 'orders-vat-24.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[0]!['items'][0].tax_rate = '24')), expect: 'MAP_VAT_RATE' },
  { inbox: 'shop', name: 'orders-price-nan.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[0]!['items'][0].price = 'NaN')), expect: 'MAP_DECIMAL' },
  { inbox: 'shop', name: 'orders-quantity-1e308.json', bytes: (x, p) => shopWith(x, p, (o) => (orders(o)[0]!['items'][0].quantity = 1e308)), expect: 'MAP_DECIMAL' },
  // --- XML (ERP XML inbox)
  { inbox: 'xml', name: 'empty.xml', bytes: () => Buffer.alloc(0), expect: 'READ_EMPTY' },
  { inbox: 'xml', name: 'truncated.xml', bytes: (x, p) => xmlWith(x, p, (t) => t.slice(0, Math.floor(t.length / 2))), expect: 'READ_XML_MALFORMED' },
  { inbox: 'xml', name: 'tag-not-closed.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, '</Lines>', '')), expect: 'READ_XML_MALFORMED' },
  { inbox: 'xml', name: 'billion-laughs.xml', bytes: (x, p) => xmlWith(x, p, (t) => BILLION_LAUGHS + edit(t, /^<\?xml[^>]*>\s*/, '').replace('Kawiarnia Pod Arkadami Sp. z o.o.', '&lol9;')), expect: 'READ_XML_DOCTYPE' },
  { inbox: 'xml', name: 'xxe.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, /^<\?xml[^>]*>/, '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Export [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>').replace('Kawiarnia Pod Arkadami Sp. z o.o.', '&xxe;')), expect: 'READ_XML_DOCTYPE' },
  { inbox: 'xml', name: 'no-records.xml', bytes: () => utf8('<?xml version="1.0" encoding="UTF-8"?>\n<Export xmlns="urn:sigma-erp:export:sales:2"><Invoices/></Export>\n'), expect: 'READ_XML_NO_RECORDS' },
  { inbox: 'xml', name: 'json-as-xml.xml', bytes: () => utf8('{"Export": {"Invoices": []}}'), expect: 'READ_XML_MALFORMED' },
  { inbox: 'xml', name: 'nip-checksum.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, '6761018270', '6761018271')), expect: 'FA_NIP_INVALID' },
  { inbox: 'xml', name: 'number-reused.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, `number="${p}/FS/2026/11/0882"`, `number="${p}/FS/2026/11/0881"`)), expect: 'INVOICE_NUMBER_TWICE_IN_FILE' },
  { inbox: 'xml', name: 'line-arithmetic.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, '<GrossValue>4918.00</GrossValue>', '<GrossValue>1.00</GrossValue>')), expect: 'FA_LINE_ARITHMETIC' },
  { inbox: 'xml', name: 'c1-char-reference.xml', bytes: (x, p) => xmlWith(x, p, (t) => edit(t, '<Name>Młynek', '<Name>&#134;Młynek')), expect: 'FA_FORBIDDEN_CHAR' },
  { inbox: 'xml', name: 'utf8-declared-cp1250-bytes.xml', bytes: (x, p) => cp1250(x.xml(p)), expect: 'READ_ENCODING' },
  // --- XLSX (Excel inbox)
  { inbox: 'excel', name: 'empty.xlsx', bytes: () => Buffer.alloc(0), expect: 'READ_EMPTY' },
  { inbox: 'excel', name: 'truncated.xlsx', bytes: async (x, p) => { const b = await rezip(x.xlsxEntries(p)); return b.subarray(0, Math.floor(b.length / 2)); }, expect: 'READ_XLSX_CORRUPT' },
  { inbox: 'excel', name: 'csv-named-xlsx.xlsx', bytes: (x, p) => utf8(x.optima(p)), expect: 'READ_XLSX_INVALID' },
  { inbox: 'excel', name: 'zip-without-workbook.xlsx', bytes: async (x, p) => rezip(x.xlsxEntries(p).filter((e) => !e.name.startsWith('xl/'))), expect: 'READ_SHEET_MISSING' },
  { inbox: 'excel', name: 'sheet-xml-truncated.xlsx', bytes: async (x, p) => { const es = x.xlsxEntries(p); const s = es.find((e) => e.name === 'xl/worksheets/sheet1.xml')!.data; return rezip(replaceEntry(es, 'xl/worksheets/sheet1.xml', s.subarray(0, Math.floor(s.length * 0.6)))); }, expect: 'READ_XLSX_CORRUPT' },
  // zip bombs: 20,000 lines in one invoice (FA allows 10,000 FaWiersz; item 3), and one 40 MB cell
  { inbox: 'excel', name: 'bomb-rows.xlsx', bytes: async (x, p) => { const es = x.xlsxEntries(p); const s = es.find((e) => e.name === 'xl/worksheets/sheet1.xml')!.data.toString('utf8'); return rezip(replaceEntry(es, 'xl/worksheets/sheet1.xml', manyRows(s, 20_000))); }, expect: 'LIMIT_LINES_PER_INVOICE' },
  { inbox: 'excel', name: 'bomb-cell.xlsx', bytes: async (x, p) => { const es = x.xlsxEntries(p); const s = es.find((e) => e.name === 'xl/sharedStrings.xml')!.data.toString('utf8'); return rezip(replaceEntry(es, 'xl/sharedStrings.xml', edit(s, 'Projekt graficzny ulotki', 'P'.repeat(40 * 1024 * 1024)))); }, expect: 'FA_XSD' },
  { inbox: 'excel', name: 'c1-in-cell.xlsx', bytes: async (x, p) => { const es = x.xlsxEntries(p); const s = es.find((e) => e.name === 'xl/sharedStrings.xml')!.data.toString('utf8'); return rezip(replaceEntry(es, 'xl/sharedStrings.xml', edit(s, 'Druk ulotek', 'Druk\u0092ulotek'))); }, expect: 'FA_FORBIDDEN_CHAR' },
  // --- odd names, bad content (a NIP with a wrong checksum): the report must still land in errors/
  ...['-leading-dash.csv', 'name  with spaces .csv', 'zażółć gęślą jaźń 請求書.csv', 'a..b..csv', 'CON.csv', 'what:is*this?<>|.csv', 'line\nbreak.csv', LONG('b')].map(
    (name): Case => ({ inbox: 'optima', name, bytes: (x, p) => csvWith(x, p, (t) => edit(t, '521-301-07-23', '521-301-07-24')), expect: 'FA_NIP_INVALID' }),
  ),
];

const GOOD: readonly Good[] = [
  { inbox: 'optima', name: 'good-optima.csv', bytes: (x, p) => cp1250(x.optima(p)), invoices: 4 },
  { inbox: 'utf8', name: 'good-utf8.csv', bytes: (x, p) => utf8(x.optima(p)), invoices: 4 },
  { inbox: 'shop', name: 'orders-good.json', bytes: (x, p) => shopWith(x, p, () => undefined), invoices: 3 },
  { inbox: 'xml', name: 'good-export.xml', bytes: (x, p) => utf8(x.xml(p)), invoices: 3 },
  { inbox: 'excel', name: 'good.xlsx', bytes: (x, p) => rezip(x.xlsxEntries(p)), invoices: 3 },
  { inbox: 'utf8', name: 'good-utf16le-bom.csv', bytes: (x, p) => utf16le(x.optima(p)), invoices: 4 },
  { inbox: 'xml', name: 'good-utf16le-bom.xml', bytes: (x, p) => utf16le(edit(x.xml(p), 'encoding="UTF-8"', 'encoding="UTF-16"')), invoices: 3 },
  { inbox: 'optima', name: LONG('g'), bytes: (x, p) => cp1250(x.optima(p)), invoices: 4 },
  { inbox: 'shop', name: 'zamówienia sklepu 請求書 (kopia).json', bytes: (x, p) => shopWith(x, p, () => undefined), invoices: 3 },
];

interface Report { source: string; file: string; errors: { code: string; message: string }[] }
interface Result { source: string; status: string; invoices: { invoiceNumber: string; status: string }[] }

test('hostile inputs dropped into a running agent: each bad file in errors with a report naming the problem, good files accepted, non-regular entries reported, the agent stays up', { timeout: 420_000 }, async (t) => {
  const asRoot = process.getuid?.() === 0;
  const port = await freePort();
  const env = await makeAgentEnv({
    inboxes: [
      { id: 'optima', mapping: 'optima-csv.json' },
      { id: 'utf8', mapping: 'optima-csv.json' }, // rewritten below: the same columns, declared UTF-8
      { id: 'shop', mapping: 'shop-json.json' },
      { id: 'xml', mapping: 'erp-xml.json' },
      { id: 'excel', mapping: 'excel-sales.json' },
    ],
    send: { mode: 'online' },
    watcher: { stabilityWindowMs: 300, scanIntervalMs: 300 },
    extra: { health: { enabled: true, port } },
  });
  let agent: ReturnType<typeof spawn> | undefined;
  let agentOut = '';
  let exitedWith: string | undefined;
  try {
    const utf8Mapping = JSON.parse(await readFile(join(REPO, 'mappings/optima-csv.json'), 'utf8')) as Record<string, any>;
    delete utf8Mapping['$schema'];
    utf8Mapping['input'].encoding = 'utf-8';
    await mkdir(join(env.dir, 'mappings'));
    await writeFile(join(env.dir, 'mappings/optima-utf8.json'), JSON.stringify(utf8Mapping, null, 2));
    const config = await readJson<{ companies: { inboxes: { id: string; mapping: string }[] }[] }>(env.configFile);
    config.companies[0]!.inboxes[1]!.mapping = join(env.dir, 'mappings/optima-utf8.json');
    await writeFile(env.configFile, JSON.stringify(config, null, 2));

    // as root, the agent runs as nobody: mode 000 then really means "cannot be read"
    const NOBODY = 65534;
    const own = async (path: string): Promise<void> => {
      if (asRoot) await chown(path, NOBODY, NOBODY);
    };
    if (asRoot) execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, env.dir]);

    agent = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'run', '--config', env.configFile], {
      env: { ...env.env, HOME: env.dir },
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    agent.stdout!.on('data', (d: Buffer) => (agentOut += d.toString()));
    agent.stderr!.on('data', (d: Buffer) => (agentOut += d.toString()));
    agent.on('exit', (code, signal) => (exitedWith = `code ${code}, signal ${signal}`));
    const health = async (): Promise<{ status: number; body: string } | undefined> => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        return { status: r.status, body: await r.text() };
      } catch {
        return undefined;
      }
    };
    for (let i = 0; i < 600 && !(await health()) && exitedWith === undefined; i++) await sleep(100);
    assert.equal(exitedWith, undefined, `the agent did not start: ${agentOut}`);

    const x = await loadExamples();
    // written under a hidden name and renamed in, as a well-behaved ERP does
    const put = async (inbox: InboxId, name: string, bytes: Buffer): Promise<void> => {
      const staged = join(env.inbox(inbox), `.staging-${Math.random().toString(36).slice(2)}`);
      await writeFile(staged, bytes);
      await own(staged);
      await rename(staged, join(env.inbox(inbox), name));
    };
    let k = 0;
    const prefixOf = new Map<string, string>();
    for (const c of [...GOOD, ...CASES]) {
      const p = `H${String(++k).padStart(2, '0')}`;
      prefixOf.set(c.name, p);
      await put(c.inbox, c.name, await c.bytes(x, p));
    }
    // a file the agent may not read (item 2); good content otherwise
    await put('optima', 'unreadable.csv', cp1250(x.optima('HU')));
    await chmod(join(env.inbox('optima'), 'unreadable.csv'), 0o000);
    if (asRoot) await chown(join(env.inbox('optima'), 'unreadable.csv'), 0, 0);
    // not regular files (item 10): reported in the log, never put into errors/
    execFileSync('mkfifo', [join(env.inbox('optima'), 'named-pipe.csv')]);
    await mkdir(join(env.inbox('optima'), 'a-folder.csv'));
    await symlink('/nonexistent/ksef-hotfolder-target.csv', join(env.inbox('optima'), 'dangling-link.csv'));
    await writeFile(join(env.dir, 'outside-good.csv'), cp1250(x.optima('HL')));
    await own(join(env.dir, 'outside-good.csv'));
    await symlink(join(env.dir, 'outside-good.csv'), join(env.inbox('optima'), 'link-to-good.csv'));
    const NON_REGULAR = ['named-pipe.csv', 'a-folder.csv', 'dangling-link.csv'];

    const reports = async (): Promise<Map<string, Report>> => {
      const dir = join(env.outbox, 'errors');
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.error.json'));
      const out = new Map<string, Report>();
      for (const n of names) {
        const r = await readJson<Report>(join(dir, n)).catch(() => undefined);
        if (r) out.set(r.source, r);
      }
      return out;
    };
    const results = async (): Promise<Map<string, Result>> => {
      const dir = join(env.outbox, 'results');
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.result.json'));
      const out = new Map<string, Result>();
      for (const n of names) {
        const r = await readJson<Result>(join(dir, n)).catch(() => undefined);
        if (r) out.set(r.source, r);
      }
      return out;
    };
    const settled = async (): Promise<boolean> => {
      const [rep, res] = await Promise.all([reports(), results()]);
      return CASES.every((c) => rep.has(c.name) || ['complete', 'duplicate'].includes(res.get(c.name)?.status ?? ''))
        && GOOD.every((g) => rep.has(g.name) || ['complete', 'duplicate'].includes(res.get(g.name)?.status ?? ''))
        && (rep.has('unreadable.csv') || res.has('unreadable.csv'));
    };
    // everything settled, the agent gone, or time up (cases that never settle are named below)
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && exitedWith === undefined && !(await settled())) await sleep(500);
    await sleep(1_000); // a last scan, so late log lines are in

    const rep = await reports();
    const res = await results();
    const log = await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8').catch(() => '');
    const tree = await listTree(env.dir);

    await t.test('the agent never exits and /health answers', async () => {
      assert.equal(exitedWith, undefined, `the agent exited (${exitedWith}): ${agentOut.slice(-3000)}`);
      const h = await health();
      assert.ok(h, '/health answers');
      // bad input files are the ERP's problem, not the agent's: once they are all in errors/, it is healthy
      assert.equal(h.status, 200, h.body);
      assert.equal((JSON.parse(h.body) as { status: string }).status, 'ok');
    });
    for (const g of GOOD) {
      await t.test(`good: ${g.inbox}/${JSON.stringify(g.name).slice(0, 60)} is accepted`, () => {
        const r = res.get(g.name);
        const e = rep.get(g.name);
        assert.equal(e, undefined, `in errors: ${e?.errors.map((x) => `${x.code}: ${x.message}`).join('; ')}`);
        assert.ok(r, 'has a result file');
        assert.equal(r.status, 'complete');
        assert.deepEqual(r.invoices.map((i) => i.status), new Array(g.invoices).fill('accepted'));
      });
    }
    for (const c of CASES) {
      await t.test(`bad: ${c.inbox}/${JSON.stringify(c.name).slice(0, 60)} → errors/ naming ${String(c.expect)}`, async () => {
        const r = rep.get(c.name);
        const accepted = res.get(c.name)?.invoices.filter((i) => i.status === 'accepted').length ?? 0;
        assert.ok(r, `no error report${res.has(c.name) ? ` (result: ${res.get(c.name)!.status}, ${accepted} accepted)` : ' and no result'}`);
        const codes = r.errors.map((e) => e.code);
        t.diagnostic(`${c.name}: ${[...new Set(codes)].join(', ')}`);
        const hit = typeof c.expect === 'string' ? codes.includes(c.expect) : codes.some((code) => (c.expect as RegExp).test(code));
        assert.ok(hit, `codes ${[...new Set(codes)].join(', ')} do not include ${String(c.expect)}; first: ${r.errors[0]?.message}`);
        assert.ok(tree.includes(`outbox/errors/${r.file}`), `the source itself is in errors/ as ${r.file}`);
        const txt = await readFile(join(env.outbox, 'errors', `${r.file}.error.txt`), 'utf8');
        assert.match(txt, /\[[A-Z0-9_]+\]/, 'the text report names the problem with its code');
        assert.equal(accepted, 0, 'nothing of a bad file was accepted');
      });
    }
    await t.test('an unreadable file goes to errors with a report (item 2)', () => {
      const r = rep.get('unreadable.csv');
      assert.ok(r, `no error report for unreadable.csv; result: ${res.get('unreadable.csv')?.status}; log: ${log.split('\n').filter((l) => l.includes('unreadable.csv')).slice(0, 3).join(' | ')}`);
      assert.deepEqual(r.errors.map((e) => e.code), ['INBOX_FILE_UNREADABLE']);
      assert.ok(tree.includes('outbox/errors/unreadable.csv'), 'the unreadable source itself is moved into errors/ (a rename: it cannot be linked or copied)');
    });
    for (const name of NON_REGULAR) {
      await t.test(`not a regular file: ${name} is reported in the log, not put into errors/`, () => {
        assert.equal(rep.get(name), undefined, 'no error report for it');
        const lines = log.split('\n').filter((l) => l.includes(name));
        assert.equal(lines.length, 1, `reported exactly once: ${lines.join('\n')}`);
        assert.match(lines[0]!, /INBOX_NOT_A_FILE/);
      });
    }
    await t.test('a symlink to a good file is not followed: reported once as INBOX_NOT_A_FILE, never silent', () => {
      assert.equal(res.get('link-to-good.csv'), undefined, 'not taken in');
      const lines = log.split('\n').filter((l) => l.includes('link-to-good.csv'));
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, /INBOX_NOT_A_FILE/);
    });
    await t.test('XXE: nothing of /etc/passwd anywhere in the outbox or the log', async () => {
      for (const p of tree.filter((p) => p.startsWith('outbox/') || p.startsWith('logs/'))) {
        const text = await readFile(join(env.dir, p), 'utf8').catch(() => '');
        assert.ok(!text.includes('root:x:0:0'), `${p} holds /etc/passwd`);
      }
    });
  } finally {
    if (agent && exitedWith === undefined) {
      agent.kill('SIGTERM');
      for (let i = 0; i < 100 && exitedWith === undefined; i++) await sleep(100);
      if (exitedWith === undefined) agent.kill('SIGKILL');
    }
    if (process.env['KSEF_HOSTILE_KEEP']) process.stderr.write(`hostile-inputs: folders kept in ${env.dir}\n`);
    else await env.cleanup();
  }
});
