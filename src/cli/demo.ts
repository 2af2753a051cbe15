/**
 * `ksef-hotfolder demo` (what `npm start` runs): copies inbox-example/ into a fresh folder, runs
 * the agent once against the in-process simulator, prints the outbox tree, the KSeF numbers and
 * the reasons of any errors, and ends with `demo: <N> accepted, <M> errors`.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkConfig } from '../config/check-config.ts';
import { Agent } from '../agent/agent.ts';

const REPO = resolve(import.meta.dirname, '../..');
const EXAMPLES: readonly { id: string; mapping: string }[] = [
  { id: 'optima', mapping: 'optima-csv.json' },
  { id: 'dos', mapping: 'dos-fixed.json' },
  { id: 'excel', mapping: 'excel-sales.json' },
  { id: 'erp-xml', mapping: 'erp-xml.json' },
  { id: 'shop', mapping: 'shop-json.json' },
  // the issue-11 shapes (the ids are the inboxes their mappings' applies.inbox names)
  { id: 'wide', mapping: 'wide-csv.json' },
  { id: 'marketplace', mapping: 'marketplace-jsonl.json' },
  { id: 'edi', mapping: 'edi-epp.json' },
  { id: 'register', mapping: 'sales-register.json' },
  { id: 'two-files', mapping: 'two-files-csv.json' },
  { id: 'two-sheets', mapping: 'two-sheets-xlsx.json' },
];

/** The seller of the demo (and of the examples' expected output, mappings/examples/): the company the example exports were written for. */
export const DEMO_COMPANY = {
  id: 'demo', nip: '9999999999', name: 'Przykładowa Spółka Demo sp. z o.o.',
  address: { country: 'PL', line1: 'ul. Przykładowa 1', line2: '00-001 Warszawa' },
} as const;

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

export interface DemoSummary {
  readonly dir: string;
  readonly accepted: number;
  readonly errors: number;
}

/** Runs the demo in `dir` (a new temp folder when absent), writing its report to `out`. */
export async function runDemo(opts: { dir?: string; out?: (line: string) => void } = {}): Promise<DemoSummary> {
  const out = opts.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const dir = opts.dir ? resolve(opts.dir) : await mkdtemp(join(tmpdir(), 'ksef-hotfolder-demo-'));
  await mkdir(dir, { recursive: true });
  for (const e of EXAMPLES) await cp(join(REPO, 'inbox-example', e.id), join(dir, 'inbox', e.id), { recursive: true });
  const tokenEnv = 'KSEF_HOTFOLDER_DEMO_TOKEN';
  const token = `demo-${randomBytes(24).toString('hex')}`;
  const raw = {
    environment: 'sim',
    root: './data',
    simulator: { rateLimits: 'relaxed', processingDelayMs: 100 },
    companies: [{
      ...DEMO_COMPANY,
      token: { env: tokenEnv }, schema: 'FA(3)',
      folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
      inboxes: EXAMPLES.map((e) => ({ id: e.id, folder: `inbox/${e.id}`, mapping: join(REPO, 'mappings', e.mapping) })),
    }],
    send: { statusPollIntervalMs: 200 },
    watcher: { stabilityWindowMs: 0, scanIntervalMs: 500 },
    resultsCsv: { enabled: true },
    logging: { level: 'info', console: false, dir: 'logs' },
  };
  const configFile = join(dir, 'agent.json');
  await writeFile(configFile, JSON.stringify(raw, null, 2) + '\n');
  out(`demo folder: ${dir}`);
  out(`configuration: ${configFile} (environment sim: the KSeF simulator runs inside the agent)`);
  const agent = new Agent(checkConfig(raw, configFile), { env: { ...process.env, [tokenEnv]: token }, command: 'demo' });
  try {
    await agent.open();
    await agent.runOnce();
  } finally {
    await agent.close();
  }
  out('');
  out('outbox and archive:');
  for (const p of [...(await tree(join(dir, 'outbox'))).map((p) => `outbox/${p}`), ...(await tree(join(dir, 'archive'))).map((p) => `archive/${p}`)]) out(`  ${p}`);
  let accepted = 0;
  let errors = 0;
  let offline = false;
  out('');
  out('KSeF numbers:');
  const results = join(dir, 'outbox', 'results');
  for (const name of (await readdir(results).catch(() => [] as string[])).filter((n) => n.endsWith('.result.json')).sort()) {
    const text = await readFile(join(results, name), 'utf8');
    const r = JSON.parse(text) as { source: string; invoices: { invoiceNumber: string; status: string; ksefNumber: string | null; invoicingMode?: string | null; errors: { code: string; message: string }[] }[] };
    if (r.invoices.some((i) => i.invoicingMode === 'Offline')) offline = true;
    for (const i of r.invoices) {
      if (i.status === 'accepted') {
        accepted++;
        out(`  ${r.source}  ${i.invoiceNumber.padEnd(20)} ${i.ksefNumber}`);
      } else {
        errors++;
        out(`  ${r.source}  ${i.invoiceNumber.padEnd(20)} ${i.status}: ${i.errors.map((e) => `${e.message} [${e.code}]`).join('; ')}`);
      }
    }
  }
  const errDir = join(dir, 'outbox', 'errors');
  for (const name of (await readdir(errDir).catch(() => [] as string[])).filter((n) => n.endsWith('.error.txt'))) {
    out('');
    out(`errors/${name}:`);
    out((await readFile(join(errDir, name), 'utf8')).trimEnd());
  }
  out('');
  out('what the folders are for:');
  out('  outbox/results/  one <file>.result.json (and .result.csv) per input file: each invoice\'s status, KSeF number and errors — what the ERP reads back');
  out('  outbox/upo/      the official receipt (UPO) of each accepted invoice, as KSeF gave it');
  out('  outbox/sent/     the exact FA XML sent to KSeF, named by its KSeF number');
  out('  outbox/errors/   input files that could not become valid invoices, with a .error.txt saying row, field, value and rule');
  out('  archive/         the input files after they were processed, by date');
  out(`  logs:            ${join(dir, 'logs', 'agent.log')} (one JSON line per event)`);
  if (offline) {
    out('');
    out('"Offline" in a result: KSeF recorded the invoice as issued in offline mode because its issue date is before the day it was sent.');
    out('It is valid; the buyer sees it in KSeF with that mode, and the deadlines of offline invoices apply (see docs/folders.md).');
  }
  out('');
  out(`the demo folder stays for you to look at: ${dir} (remove it when done)`);
  out(`demo: ${accepted} accepted, ${errors} errors`);
  return { dir, accepted, errors };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Process a copy of inbox-example/ against the in-process KSeF simulator and show the results.')
    .option('-d, --dir <folder>', 'folder for the demo (default: a new temporary folder)')
    .action(async (o: { dir?: string }) => {
      await runDemo(o.dir ? { dir: o.dir } : {});
    });
}
