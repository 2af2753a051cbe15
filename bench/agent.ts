/**
 * Agent benchmark (DESIGN.md §7): N invoices dropped at once — as N one-order JSON files and as
 * one large Windows-1250 CSV — through the whole agent (`once`: claim → map → FA XML → XSD →
 * store → send → status → UPO → results → archive) against the in-process simulator with the
 * PROD rate limits and no processing delay. Prints the time until every result is final, the
 * sessions of each kind used, KSeF acceptances and the peak memory (max RSS).
 *
 * Run: npm run bench:agent [-- --invoices N] [--only files|csv]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { checkConfig } from '../src/config/check-config.ts';
import { Agent } from '../src/agent/agent.ts';

const REPO = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { invoices: { type: 'string', default: '10000' }, only: { type: 'string' } } });
const N = Number(values.invoices);

function configFor(dir: string, inbox: { id: string; mapping: string }): Record<string, unknown> {
  return {
    environment: 'sim',
    root: './data',
    simulator: { rateLimits: 'prod', processingDelayMs: 0 },
    companies: [{
      id: 'bench', nip: '9999999999', name: 'Przykładowa Spółka Demo sp. z o.o.',
      address: { country: 'PL', line1: 'ul. Przykładowa 1', line2: '00-001 Warszawa' },
      token: { env: 'KSEF_BENCH_TOKEN' }, schema: 'FA(3)',
      folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
      inboxes: [{ id: inbox.id, folder: 'inbox', mapping: join(REPO, 'mappings', inbox.mapping) }],
    }],
    send: { mode: 'auto', batchThreshold: 100, statusPollIntervalMs: 500 },
    watcher: { stabilityWindowMs: 0, maxFilesPerScan: 100000 },
    logging: { level: 'warn', console: false, dir: 'logs' },
  };
}

async function run(name: string, inbox: { id: string; mapping: string }, fill: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `ksef-bench-agent-${name}-`));
  try {
    await mkdir(join(dir, 'inbox'), { recursive: true });
    await fill(join(dir, 'inbox'));
    const agent = new Agent(checkConfig(configFor(dir, inbox), join(dir, 'agent.json')), { env: { ...process.env, KSEF_BENCH_TOKEN: `bench-${Date.now()}-token-value` } });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t0 = performance.now();
    // when each phase was first and last seen (ms since start)
    const seen = new Map<string, [number, number]>();
    const mark = (what: string) => {
      const t = performance.now() - t0;
      const r = seen.get(what);
      if (r) r[1] = t;
      else seen.set(what, [t, t]);
    };
    for (const ev of ['inbox.claimed', 'ksef.sent', 'ksef.accepted', 'file.done'] as const) agent.bus.on(ev, () => mark(ev));
    await agent.open();
    mark('opened');
    await agent.runOnce();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const c = agent.simulator!.counters();
    await agent.close();
    console.log(
      `${name}: ${N} invoices final in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)}/s); ` +
        `KSeF accepted ${c.totals.accepted}, attempts ${c.totals.attempts}; sessions online ${c.sessions.online}, batch ${c.sessions.batch}; ` +
        `peak RSS ${(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MiB`,
    );
    const sec = (ms: number) => (ms / 1000).toFixed(1);
    console.log(`  phases (s from start, first–last): ${[...seen].map(([k, [a, b]]) => `${k} ${sec(a)}–${sec(b)}`).join('; ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const shop = JSON.parse(await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8')) as { orders: Record<string, unknown>[] };
const order = shop.orders[0]!;
const csvLines = iconv.decode(await readFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv')), 'windows-1250').split('\r\n');
const header = csvLines[0]!;
const rows = csvLines.slice(1).filter((l) => l.startsWith('FA/231/2026;'));

if (values.only !== 'csv') {
  await run('files', { id: 'shop', mapping: 'shop-json.json' }, async (inbox) => {
    for (let i = 0; i < N; i++) {
      const number = `SKLEP/B/${String(i + 1).padStart(6, '0')}`;
      await writeFile(join(inbox, `order-${i + 1}.json`), JSON.stringify({ ...shop, orders: [{ ...order, id: i + 1, invoice_number: number }] }));
    }
  });
}
if (values.only !== 'files') {
  await run('csv', { id: 'optima', mapping: 'optima-csv.json' }, async (inbox) => {
    const out = [header];
    for (let i = 0; i < N; i++) for (const r of rows) out.push(r.replace('FA/231/2026', `FA/B/${i + 1}/2026`));
    await writeFile(join(inbox, 'big.csv'), iconv.encode(out.join('\r\n') + '\r\n', 'windows-1250'));
  });
}
