/**
 * Reader memory benchmark (issue 11, Proof "memory"): peak memory of reading a generated file of
 * N records (default 100,000) with each streaming reader — CSV, JSON Lines, sections (EDI++-style)
 * — side by side, plus the whole-document JSON reader on the same records for contrast, and a
 * baseline child that only loads the code. Each file is read in a child process of its own, so
 * one reader's garbage cannot inflate another's peak.
 *
 * Run: npm run bench:readers [-- --records N]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import type { InputOptions } from '../src/core/input-options.ts';

const ITEMS = ['Kawa ziarnista 1 kg', 'Herbata zielona 100 g', 'Książka „Kuchnia polska”', 'Usługa dostawy – kurier'];
const RATES = ['23', '5', '5', '23'];
/** records per document in every generated file: one header, three items */
const PER_DOC = 4;

const INPUTS: Record<string, InputOptions> = {
  csv: { format: 'csv', decode: { encoding: 'windows-1250' }, csv: { delimiter: ';', quote: '"', header: true, skipLines: 0, skipTrailingLines: 0, skipEmptyRows: true } },
  jsonl: { format: 'jsonl', decode: { encoding: 'utf-8' }, jsonl: {} },
  json: { format: 'json', decode: { encoding: 'utf-8' }, json: { recordPath: '' } },
  sections: {
    format: 'sections',
    decode: { encoding: 'windows-1250' },
    sections: {
      delimiter: ',',
      quote: '"',
      unknownRecords: 'error',
      layouts: [
        { type: 'info', section: 'INFO', columns: ['Wersja', 'Cel', 'Kodowanie', 'Program'] },
        { type: 'document', section: 'NAGLOWEK', when: { field: 1, in: ['FS'] }, columns: ['Typ', 'Status', 'Numer', 'Data', 'Kontrahent', 'NIP', 'Netto', 'Vat', 'Brutto'] },
        { type: 'item', section: 'ZAWARTOSC', after: 'document', columns: ['Lp', 'Kod', 'Nazwa', 'Jm', 'Stawka', 'Ilosc', 'Cena', 'Netto'] },
      ],
    },
  },
};

// ---------- generated inputs: the same documents in each format ----------

const money = (i: number, j: number) => `${10 + ((i * 7 + j * 13) % 990)}.${String((i + j * 31) % 100).padStart(2, '0')}`;
const buyer = (i: number) => `Odbiorca „${i % 977}” sp. z o.o.`;
const number = (i: number) => `FS ${i + 1}/11/2026`;

async function writeLines(path: string, encoding: 'utf-8' | 'windows-1250', lines: (emit: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  const out = createWriteStream(path);
  const emit = async (s: string) => {
    if (!out.write(encoding === 'utf-8' ? s : iconv.encode(s, 'windows-1250'))) await once(out, 'drain');
  };
  await lines(emit);
  out.end();
  await once(out, 'finish');
}

/** One row per record: header rows and item rows share columns (as one-row-per-line exports do). */
const writeCsv = (path: string, docs: number) =>
  writeLines(path, 'windows-1250', async (emit) => {
    await emit('Typ;Numer;Data;Kontrahent;NIP;Lp;Nazwa;Ilość;Cena netto;Stawka VAT\r\n');
    for (let i = 0; i < docs; i++) {
      await emit(`H;${number(i)};2026-11-${String(1 + (i % 28)).padStart(2, '0')};${buyer(i)};7251801126;;;;;\r\n`);
      for (let j = 1; j < PER_DOC; j++) await emit(`L;${number(i)};;;;${j};${ITEMS[j]};${j + 1};${money(i, j).replace('.', ',')};${RATES[j]}\r\n`);
    }
  });

const jsonRecords = function* (docs: number): Generator<string> {
  for (let i = 0; i < docs; i++) {
    yield JSON.stringify({ type: 'order', number: number(i), date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`, buyer: { name: buyer(i), nip: '7251801126' } });
    for (let j = 1; j < PER_DOC; j++) yield JSON.stringify({ type: 'item', order: number(i), lp: j, name: ITEMS[j], qty: j + 1, price: Number(money(i, j)), rate: RATES[j] });
  }
};

const writeJsonl = (path: string, docs: number) =>
  writeLines(path, 'utf-8', async (emit) => {
    for (const r of jsonRecords(docs)) await emit(r + '\n');
  });

const writeJson = (path: string, docs: number) =>
  writeLines(path, 'utf-8', async (emit) => {
    let first = true;
    await emit('[\n');
    for (const r of jsonRecords(docs)) {
      await emit((first ? '' : ',\n') + r);
      first = false;
    }
    await emit('\n]\n');
  });

const writeSections = (path: string, docs: number) =>
  writeLines(path, 'windows-1250', async (emit) => {
    await emit('[INFO]\r\n"1.11",0,1250,"bench"\r\n\r\n');
    for (let i = 0; i < docs; i++) {
      await emit(`[NAGLOWEK]\r\n"FS",1,"${number(i)}",20261103000000,"${buyer(i).replaceAll('"', '""')}","7251801126",100.00,23.00,123.00\r\n\r\n[ZAWARTOSC]\r\n`);
      for (let j = 1; j < PER_DOC; j++) await emit(`${j},"K${j}","${ITEMS[j]}","szt.",${RATES[j]}.0000,${j + 1}.0000,${money(i, j)},${money(i, j)}\r\n`);
      await emit('\r\n');
    }
  });

// ---------- child: peak memory of reading one file ----------

async function child(kind: string, file: string): Promise<void> {
  const { readRecords } = await import('../src/readers/index.ts');
  const { DEFAULT_LIMITS } = await import('../src/core/limits.ts');
  const started = performance.now();
  let records = 0;
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  if (kind !== 'baseline') {
    // the limits of a real inbox, except the record count (the bench file may be larger than 200,000)
    const limits = { ...DEFAULT_LIMITS, maxRecordsPerFile: Number.MAX_SAFE_INTEGER, maxDocumentBytes: Number.MAX_SAFE_INTEGER };
    for await (const r of readRecords(file, INPUTS[kind]!, file, limits)) {
      if (r.values) records++;
      if ((records & 1023) === 0) sample();
    }
  }
  clearInterval(timer);
  sample();
  // VmHWM: this process's own peak (maxRSS would carry over the parent's size across fork + exec)
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '');
  const maxRss = hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ records, maxRss, sampledRss: rss, peakHeap: heap, seconds: (performance.now() - started) / 1000 }) + '\n');
}

interface ChildResult {
  readonly records: number;
  readonly maxRss: number;
  readonly sampledRss: number;
  readonly peakHeap: number;
  readonly seconds: number;
}

function runChild(kind: string, file: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', kind, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child ${kind} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

const mib = (n: number, digits = 0) => `${(n / 1024 / 1024).toFixed(digits)} MiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' } } });
  const docs = Math.ceil(Number(values.records) / PER_DOC);
  const dir = await mkdtemp(join(tmpdir(), 'ksef-bench-readers-'));
  try {
    const files: [string, string, (p: string, d: number) => Promise<void>][] = [
      ['csv', 'bench.csv', writeCsv],
      ['jsonl', 'bench.jsonl', writeJsonl],
      ['sections', 'bench.epp', writeSections],
      ['json', 'bench.json', writeJson],
    ];
    for (const [, name, write] of files) await write(join(dir, name), docs);
    console.log(`Peak memory of reading ${docs * PER_DOC} records (${docs} documents of ${PER_DOC} records), each in a child process; Node ${process.version}, ${process.platform}/${process.arch}:`);
    console.log('  reader       file size   records   peak RSS (VmHWM)   sampled RSS   peak heap used   time');
    const base = runChild('baseline', '-');
    const row = (label: string, size: string, r: ChildResult) =>
      console.log(`  ${label.padEnd(12)} ${size.padStart(9)}   ${String(r.records).padStart(7)}   ${mib(r.maxRss).padStart(16)}   ${mib(r.sampledRss).padStart(11)}   ${mib(r.peakHeap).padStart(14)}   ${r.seconds.toFixed(1)} s`);
    row('baseline', '-', base);
    for (const [kind, name] of files) {
      const path = join(dir, name);
      row(kind === 'json' ? 'json (whole)' : kind, mib((await stat(path)).size, 1), runChild(kind, path));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
