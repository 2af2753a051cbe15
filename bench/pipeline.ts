/**
 * Pipeline benchmark (DESIGN.md §7): for one set of generated invoices, measured side by side in
 * one run,
 *   1. invoices/s through read → map → business rules → FA XML → XSD → encrypt (AES-256-CBC with a
 *      session key, plus the SHA-256 of the plain and encrypted invoice, as a KSeF send needs),
 *   2. invoices/s of bare XSD validation of the very same FA XML documents,
 *   3. their ratio (target: at least 0.5);
 * and the peak memory (max RSS) of a child process that reads and maps a generated 100,000-row CSV
 * and a generated 50,000-row XLSX, next to a child that only loads the code (the baseline).
 *
 * Run: npm run bench:pipeline [-- --invoices N --csv-rows N --xlsx-rows N --rounds N --workers N --skip-memory]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describeError } from '../src/core/errors.ts';
import { readRecords } from '../src/readers/index.ts';
import { loadMapping, mapRecords } from '../src/mapping/index.ts';
import type { CompanyProfile } from '../src/core/invoice.ts';

const TODAY = '2026-11-30';
// The same seller as preview's placeholder; declared here so the memory children load only readers + mapping.
const COMPANY: CompanyProfile = { nip: '9999999999', name: 'Przykładowa Spółka Demo sp. z o.o.', address: { country: 'PL', line1: 'ul. Przykładowa 1', line2: '00-001 Warszawa' } };
const NOW = new Date('2026-11-30T08:00:00Z');
const LINES_PER_INVOICE = 4;
const RATES = ['23', '8', '5', '23'] as const;
const ITEMS = ['Kawa ziarnista 1 kg', 'Herbata zielona 100 g', 'Książka „Kuchnia polska”', 'Usługa dostawy – kurier'];

/** A valid NIP derived from a counter (checksum digit computed, the rare "10" skipped). */
function nipFor(i: number): string {
  const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  for (let k = i; ; k += 7919) {
    const office = 111 + (k % 789); // tax office prefix 111..899; x00 is no valid prefix
    if (office % 100 === 0) continue;
    const first = `${office}${String(k % 1000000).padStart(6, '0')}`;
    const sum = [...first].reduce((a, d, j) => a + Number(d) * w[j]!, 0) % 11;
    if (sum !== 10) return first + sum;
  }
}

const day = (i: number) => 1 + (i % 28);
const price = (i: number, j: number) => `${10 + ((i * 7 + j * 13) % 990)},${String((i + j * 31) % 100).padStart(2, '0')}`;

// ---------- generated inputs ----------

const CSV_HEADER = 'Numer;Data wystawienia;NIP nabywcy;Nabywca;Ulica;Kod i miasto;Lp;Towar;Ilość;J.m.;Cena netto;Stawka VAT';

async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(iconv.encode(s, 'windows-1250'))) await once(out, 'drain');
  };
  await write(CSV_HEADER + '\r\n');
  const invoices = Math.ceil(rows / LINES_PER_INVOICE);
  let written = 0;
  for (let i = 0; i < invoices && written < rows; i++) {
    const head = `FV/${i + 1}/11/2026;${String(day(i)).padStart(2, '0')}.11.2026;${nipFor(i)};Przedsiębiorstwo Handlowe „Łąka” nr ${i} sp. z o.o.;ul. Żółkiewskiego ${1 + (i % 200)};00-${String(i % 1000).padStart(3, '0')} Łódź`;
    for (let j = 0; j < LINES_PER_INVOICE && written < rows; j++, written++) {
      await write(`${head};${j + 1};${ITEMS[j]};${1 + ((i + j) % 12)};szt.;${price(i, j)};${RATES[j]}%\r\n`);
    }
  }
  out.end();
  await once(out, 'close');
  return invoices;
}

const CSV_MAPPING = {
  name: 'bench-csv',
  input: { format: 'csv', encoding: 'windows-1250', csv: { delimiter: ';', header: true } },
  invoices: { per: 'key', key: 'Numer' },
  invoice: {
    number: { column: 'Numer' },
    issueDate: { column: 'Data wystawienia', date: 'dd.MM.yyyy' },
    buyer: {
      taxId: { column: 'NIP nabywcy', nip: true },
      name: { column: 'Nabywca' },
      address: { line1: { column: 'Ulica' }, line2: { column: 'Kod i miasto' } },
    },
    currency: { value: 'PLN' },
    pricing: { value: 'net' },
  },
  line: {
    description: { column: 'Towar' },
    quantity: { column: 'Ilość', decimal: 'comma' },
    unit: { column: 'J.m.' },
    unitNetPrice: { column: 'Cena netto', decimal: 'comma' },
    vatRate: { column: 'Stawka VAT' },
  },
};

async function writeXlsx(path: string, rows: number): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Sprzedaż');
  ws.addRow(['Numer', 'Data wystawienia', 'NIP nabywcy', 'Nabywca', 'Adres', 'Towar', 'Ilość', 'Cena netto', 'Stawka VAT']).commit();
  const invoices = Math.ceil(rows / LINES_PER_INVOICE);
  let written = 0;
  for (let i = 0; i < invoices && written < rows; i++) {
    const date = new Date(Date.UTC(2026, 10, day(i)));
    for (let j = 0; j < LINES_PER_INVOICE && written < rows; j++, written++) {
      const row = ws.addRow([`FV/${i + 1}/11/2026`, date, Number(nipFor(i)), `Hurtownia „Żuraw” nr ${i}`, `ul. Długa ${1 + (i % 90)}, 80-001 Gdańsk`, ITEMS[j], 1 + ((i + j) % 12), Number(price(i, j).replace(',', '.')), Number(RATES[j])]);
      row.getCell(2).numFmt = 'dd.mm.yyyy';
      row.commit();
    }
  }
  ws.commit();
  await wb.commit();
  return invoices;
}

const XLSX_MAPPING = {
  name: 'bench-xlsx',
  input: { format: 'xlsx', xlsx: { sheet: 1, headerRow: 1 } },
  invoices: { per: 'key', key: 'Numer' },
  invoice: {
    number: { column: 'Numer' },
    issueDate: { column: 'Data wystawienia' },
    buyer: { taxId: { column: 'NIP nabywcy', nip: true }, name: { column: 'Nabywca' }, address: { line1: { column: 'Adres' } } },
  },
  line: {
    description: { column: 'Towar' },
    quantity: { column: 'Ilość' },
    unitNetPrice: { column: 'Cena netto' },
    vatRate: { column: 'Stawka VAT' },
  },
};

// ---------- child: peak memory of read + map ----------

async function child(kind: string, file: string, mappingPath: string): Promise<void> {
  const started = performance.now();
  const mapping = await loadMapping(mappingPath);
  let invoices = 0;
  let failed = 0;
  let sampled = process.memoryUsage().rss;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 10);
  if (kind !== 'baseline') {
    for await (const m of mapRecords(mapping, readRecords(file, mapping.input, file), { today: TODAY, company: COMPANY })) {
      invoices++;
      if (!m.ok) failed++;
    }
  }
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  // Linux keeps a process's maxRSS across fork + exec, so a child spawned by a big parent reports
  // the parent's size; VmHWM is the peak of this process's own memory.
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '');
  const maxRss = hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ invoices, failed, sampledPeakRss: sampled, maxRss, seconds: (performance.now() - started) / 1000 }) + '\n');
}

interface ChildResult {
  readonly invoices: number;
  readonly failed: number;
  readonly sampledPeakRss: number;
  readonly maxRss: number;
  readonly seconds: number;
}

function runChild(kind: string, file: string, mapping: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', kind, file, mapping], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child ${kind} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

// ---------- parent: throughput ----------

interface Measured {
  readonly seconds: number;
  /** CPU time (user + system) of the whole process, worker threads included */
  readonly cpuSeconds: number;
}

interface Throughput {
  readonly invoices: number;
  readonly rounds: number;
  /** best round (shortest wall time) of each */
  readonly pipeline: Measured;
  readonly bare: Measured;
  /** the same with a check pool of `workers` threads */
  readonly pooled?: Measured & { readonly workers: number; readonly roundRatios: readonly number[] };
  /** wall-time ratio of every round, in order */
  readonly roundRatios: readonly number[];
  /** seconds spent in each stage, from a separate run timed stage by stage */
  readonly stages: Readonly<Record<string, number>>;
  readonly stagesSeconds: number;
}

async function measure<T>(f: () => Promise<T> | T): Promise<{ value: T } & Measured> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const seconds = (performance.now() - t0) / 1000;
  const d = process.cpuUsage(c0);
  return { value, seconds, cpuSeconds: (d.user + d.system) / 1e6 };
}

async function throughput(dir: string, invoices: number, rounds: number, workers: number): Promise<Throughput> {
  // loaded here, not at the top, so that the memory children measure readers + mapping only
  const { loadFaValidator } = await import('../src/xsd/xsd-validator.ts');
  const { aesEncrypt, generateSymmetricKey, sha256Base64 } = await import('../src/ksef/crypto.ts');
  const { validateInvoice } = await import('../src/invoice/validate.ts');
  const { buildFaXml } = await import('../src/invoice/build-fa-xml.ts');
  const { checkXsd } = await import('../src/invoice/check-xsd.ts');
  const { CHECK_BATCH, previewFile } = await import('../src/pipeline/preview-file.ts');
  const { createCheckPool } = await import('../src/pipeline/check-pool.ts');
  type CheckPool = import('../src/pipeline/check-pool.ts').CheckPool;
  type Invoice = import('../src/core/invoice.ts').Invoice;

  const csv = join(dir, 'throughput.csv');
  const small = join(dir, 'warm-up.csv');
  const mappingPath = join(dir, 'bench-csv.json');
  await writeCsv(csv, invoices * LINES_PER_INVOICE);
  await writeCsv(small, 400 * LINES_PER_INVOICE);
  await writeFile(mappingPath, JSON.stringify(CSV_MAPPING, null, 2));
  const validator = await loadFaValidator('FA(3)'); // compiled once, outside both timings
  const key = generateSymmetricKey();
  const seal = (xml: Buffer): void => {
    const sealed = aesEncrypt(key, xml);
    sha256Base64(xml);
    sha256Base64(sealed);
  };

  // The product's path: previewFile (read → map → rules → FA XML → XSD, as preview and the agent's
  // intake run it), then encryption and the two hashes of a send, for every invoice.
  const pipeline = async (file: string, checkPool?: CheckPool): Promise<Buffer[]> => {
    const r = await previewFile(file, { mapping: mappingPath, schema: 'FA(3)', company: COMPANY, today: TODAY, now: NOW, ...(checkPool ? { checkPool } : {}) });
    if (!r.ok) throw new Error(`the generated invoices failed: ${[...r.errors, ...r.invoices.flatMap((i) => i.errors)].slice(0, 3).map((e) => describeError(e)).join('; ')}`);
    return r.invoices.map((i) => {
      seal(i.xml!.xml);
      return i.xml!.xml;
    });
  };
  const bare = (xmls: readonly Buffer[]): void => {
    for (const x of xmls) {
      if (validator.validate(x).length > 0) throw new Error('an XML that passed the pipeline failed bare validation');
    }
  };

  // Diagnostics only: the same stages in the same batches, each timed on its own.
  const staged = async (stages: Record<string, number>): Promise<void> => {
    const lap = (name: string, since: number) => {
      const t = performance.now();
      stages[name] = (stages[name] ?? 0) + (t - since) / 1000;
      return t;
    };
    let t = performance.now();
    let batch: Invoice[] = [];
    const flush = async () => {
      t = lap('read + map', t);
      for (const inv of batch) {
        const rules = validateInvoice(inv, 'FA(3)', COMPANY, { today: TODAY });
        if (rules.errors.length > 0) throw new Error(`generated invoice ${inv.number} is invalid: ${rules.errors.map((e) => describeError(e)).join('; ')}`);
      }
      t = lap('business rules', t);
      const fas = batch.map((inv) => buildFaXml(inv, 'FA(3)', COMPANY, { now: NOW }));
      t = lap('FA XML', t);
      for (const fa of fas) if ((await checkXsd(fa)).length > 0) throw new Error(`generated invoice ${fa.invoiceNumber} fails the XSD`);
      t = lap('XSD', t);
      for (const fa of fas) seal(fa.xml);
      t = lap('encrypt + hashes', t);
      batch = [];
    };
    const mapping = await loadMapping(mappingPath);
    for await (const m of mapRecords(mapping, readRecords(csv, mapping.input, 'throughput.csv'), { today: TODAY, company: COMPANY })) {
      if (!m.ok) throw new Error(`generated invoice failed to map: ${m.errors.map((e) => describeError(e)).join('; ')}`);
      batch.push(m.invoice);
      if (batch.length >= CHECK_BATCH) await flush();
    }
    await flush();
  };

  bare(await pipeline(small)); // warm-up: JIT, module caches
  const pool = workers > 0 ? createCheckPool(workers) : undefined;
  if (pool) await pipeline(small, pool); // warm-up of the workers

  // Rounds alternate pipeline and bare validation, so that both see the same machine load; the
  // best round of each counts (on a shared machine the slow rounds measure the neighbours).
  let best: Measured | undefined;
  let bestBare: Measured | undefined;
  let bestPooled: Measured | undefined;
  const roundRatios: number[] = [];
  const pooledRatios: number[] = [];
  let count = 0;
  for (let r = 0; r < rounds; r++) {
    const p = await measure(() => pipeline(csv));
    const x = await measure(() => bare(p.value));
    count = p.value.length;
    roundRatios.push(x.seconds / p.seconds);
    if (!best || p.seconds < best.seconds) best = p;
    if (!bestBare || x.seconds < bestBare.seconds) bestBare = x;
    if (pool) {
      const q = await measure(() => pipeline(csv, pool));
      if (q.value.length !== p.value.length || q.value.some((xml, k) => !xml.equals(p.value[k]!))) throw new Error('the pooled pipeline wrote other XML than the single-thread one');
      pooledRatios.push(x.seconds / q.seconds);
      if (!bestPooled || q.seconds < bestPooled.seconds) bestPooled = q;
    }
  }
  await pool?.close();
  const stages: Record<string, number> = {};
  const s0 = performance.now();
  await staged(stages);
  return {
    invoices: count, rounds, roundRatios,
    pipeline: { seconds: best!.seconds, cpuSeconds: best!.cpuSeconds },
    bare: { seconds: bestBare!.seconds, cpuSeconds: bestBare!.cpuSeconds },
    ...(bestPooled ? { pooled: { workers, seconds: bestPooled.seconds, cpuSeconds: bestPooled.cpuSeconds, roundRatios: pooledRatios } } : {}),
    stages, stagesSeconds: (performance.now() - s0) / 1000,
  };
}

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      invoices: { type: 'string', default: '2000' },
      'csv-rows': { type: 'string', default: '100000' },
      'xlsx-rows': { type: 'string', default: '50000' },
      rounds: { type: 'string', default: '3' },
      workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
      'skip-memory': { type: 'boolean', default: false },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'ksef-bench-'));
  try {
    console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
    const t = await throughput(dir, Number(values.invoices), Number(values.rounds), Number(values.workers));
    const per = (sec: number) => `${(t.invoices / sec).toFixed(0)} invoices/s`;
    const verdict = (x: number) => `${x.toFixed(2)} (target ≥ 0.50: ${x >= 0.5 ? 'met' : 'NOT met'})`;
    const times = (m: Measured) => `${m.seconds.toFixed(2)} s wall, ${m.cpuSeconds.toFixed(2)} s CPU`;
    console.log(`\nThroughput (${t.invoices} invoices, ${LINES_PER_INVOICE} lines each, FA(3), same documents; best of ${t.rounds} alternating rounds):`);
    console.log(`  read → map → rules → FA XML → XSD → encrypt, one thread: ${per(t.pipeline.seconds)} (${times(t.pipeline)})`);
    console.log(`  bare XSD validation:                                     ${per(t.bare.seconds)} (${times(t.bare)})`);
    console.log(`  ratio pipeline / bare XSD, wall time:                    ${verdict(t.bare.seconds / t.pipeline.seconds)}`);
    console.log(`  ratio pipeline / bare XSD, CPU time:                     ${verdict(t.bare.cpuSeconds / t.pipeline.cpuSeconds)}`);
    console.log(`  wall ratio of each round:                                ${t.roundRatios.map((x) => x.toFixed(2)).join(', ')}`);
    if (t.pooled) {
      const p = t.pooled;
      console.log(`  the same with ${p.workers} check worker thread(s) (previewFile + createCheckPool):`);
      console.log(`    pipeline:                                              ${per(p.seconds)} (${p.seconds.toFixed(2)} s wall, ${p.cpuSeconds.toFixed(2)} s CPU of all threads)`);
      console.log(`    ratio pipeline / bare XSD, wall time:                  ${verdict(t.bare.seconds / p.seconds)}`);
      console.log(`    wall ratio of each round:                              ${p.roundRatios.map((x) => x.toFixed(2)).join(', ')}`);
    }
    console.log(`  where the time goes (a separate one-thread run, each stage timed over batches of invoices; ${t.stagesSeconds.toFixed(2)} s):`);
    for (const [stage, sec] of Object.entries(t.stages)) {
      console.log(`    ${stage.padEnd(18)} ${(sec * 1000 / t.invoices).toFixed(3)} ms/invoice (${((sec / t.stagesSeconds) * 100).toFixed(0)} %)`);
    }

    if (values['skip-memory']) return;
    const csvRows = Number(values['csv-rows']);
    const xlsxRows = Number(values['xlsx-rows']);
    const csv = join(dir, 'big.csv');
    const xlsx = join(dir, 'big.xlsx');
    await writeCsv(csv, csvRows);
    await writeXlsx(xlsx, xlsxRows);
    await writeFile(join(dir, 'bench-csv.json'), JSON.stringify(CSV_MAPPING, null, 2));
    await writeFile(join(dir, 'bench-xlsx.json'), JSON.stringify(XLSX_MAPPING, null, 2));
    const base = runChild('baseline', csv, join(dir, 'bench-csv.json'));
    const c = runChild('csv', csv, join(dir, 'bench-csv.json'));
    const x = runChild('xlsx', xlsx, join(dir, 'bench-xlsx.json'));
    console.log('\nPeak memory of read + map in a child process (peak RSS, VmHWM on Linux; sampled RSS in brackets):');
    console.log(`  baseline (code loaded, mapping compiled): ${mb(base.maxRss)} [${mb(base.sampledPeakRss)}]`);
    console.log(`  CSV  ${csvRows} rows → ${c.invoices} invoices (${c.failed} failed): ${mb(c.maxRss)} [${mb(c.sampledPeakRss)}] in ${c.seconds.toFixed(1)} s`);
    console.log(`  XLSX ${xlsxRows} rows → ${x.invoices} invoices (${x.failed} failed): ${mb(x.maxRss)} [${mb(x.sampledPeakRss)}] in ${x.seconds.toFixed(1)} s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else {
  await main();
}
