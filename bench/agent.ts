/**
 * Agent benchmark (DESIGN.md §7, issue 4): N invoices dropped at once — as N one-order JSON files
 * and as one large Windows-1250 CSV — through the whole agent (`once`: claim → map → FA XML → XSD →
 * store → send → status → UPO → results → archive) against the simulator with the PROD rate
 * limits and no processing delay.
 *
 * Each run (files, csv) goes in a child process of its own, so one run's peak memory is not the
 * other's. By default the simulator is a separate process too (the real
 * `node bin/ksef-hotfolder.js sim` command, agent config `simulator.url` pointing at it), so the
 * agent's memory and the simulator's are measured apart; `--sim inline` runs it inside the agent
 * as before. Printed per run: time until every result is final, KSeF acceptances and attempts and
 * the sessions of each kind (the simulator's admin counters, over HTTP), the agent's peak RSS
 * (VmHWM on Linux, reset after the inbox is generated), its V8 heap peak (heapUsed sampled every
 * 50 ms), the simulator's peak RSS (its VmHWM), and when each phase was first and last seen.
 *
 * Run: npm run bench:agent [-- --invoices N] [--only files|csv] [--sim child|inline] [--trace]
 *   --trace   also print the agent's memory (rss / heapUsed / external+arrayBuffers) every 5 s
 *   --snapshot-on <event>[@<n>]   write a V8 heap snapshot of the agent (into the current folder)
 *             when the event (inbox.claimed, ksef.sent, ksef.accepted, file.done) is seen for the
 *             n-th time (default 1); for finding where the memory goes
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';

const REPO = resolve(import.meta.dirname, '..');
const NIP = '9999999999';
const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '10000' },
    only: { type: 'string' },
    sim: { type: 'string', default: 'child' },
    run: { type: 'string' },
    trace: { type: 'boolean', default: false },
    'snapshot-on': { type: 'string' },
  },
});
const N = Number(values.invoices);
const SIM = values.sim === 'inline' ? 'inline' : 'child';
const MiB = 2 ** 20;

interface RunReport {
  readonly name: string;
  readonly invoices: number;
  readonly sim: 'child' | 'inline';
  readonly seconds: number;
  readonly accepted: number;
  readonly attempts: number;
  readonly sessions: { online: number; batch: number };
  readonly agentPeakRssMiB: number;
  readonly agentPeakHeapMiB: number;
  readonly simPeakRssMiB?: number;
  readonly phases: Record<string, [number, number]>;
}

/** Peak resident set of a process since start (or since its last clear_refs 5), in bytes; Linux only. */
function vmHwm(pid: number | 'self'): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the peak-RSS count afresh (Linux ≥ 4.0); false when not possible. */
function resetHwm(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function configFor(inbox: { id: string; mapping: string }, simUrl: string | undefined): Record<string, unknown> {
  return {
    environment: 'sim',
    root: './data',
    simulator: { rateLimits: 'prod', processingDelayMs: 0, ...(simUrl ? { url: simUrl } : {}) },
    companies: [{
      id: 'bench', nip: NIP, name: 'Przykładowa Spółka Demo sp. z o.o.',
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

/** The real `sim` command in a process of its own; resolves with its base URL (its first output line). */
function startSimProcess(token: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/ksef-hotfolder.js'), 'sim', '--port', '0', '--rate-limits', 'prod', '--token', `${NIP}=${token}`], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    const onData = (b: Buffer): void => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const m = /https?:\/\/\S+/.exec(out.slice(0, nl));
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      if (m) resolveUrl({ child, baseUrl: m[0] });
      else reject(new Error(`simulator: unexpected first line: ${out.slice(0, nl)}`));
    };
    child.stdout!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator exited (${code}) before printing its URL`)));
  });
}

async function fillFiles(inbox: string): Promise<void> {
  const shop = JSON.parse(await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8')) as { orders: Record<string, unknown>[] };
  const order = shop.orders[0]!;
  for (let i = 0; i < N; i++) {
    const number = `SKLEP/B/${String(i + 1).padStart(6, '0')}`;
    await writeFile(join(inbox, `order-${i + 1}.json`), JSON.stringify({ ...shop, orders: [{ ...order, id: i + 1, invoice_number: number }] }));
  }
}

async function fillCsv(inbox: string): Promise<void> {
  const lines = iconv.decode(await readFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv')), 'windows-1250').split('\r\n');
  const rows = lines.slice(1).filter((l) => l.startsWith('FA/231/2026;'));
  const out = [lines[0]!];
  for (let i = 0; i < N; i++) for (const r of rows) out.push(r.replace('FA/231/2026', `FA/B/${i + 1}/2026`));
  await writeFile(join(inbox, 'big.csv'), iconv.encode(out.join('\r\n') + '\r\n', 'windows-1250'));
}

const RUNS = {
  files: { inbox: { id: 'shop', mapping: 'shop-json.json' }, fill: fillFiles },
  csv: { inbox: { id: 'optima', mapping: 'optima-csv.json' }, fill: fillCsv },
} as const;

/** Child mode: one run, human lines on stderr, the report as JSON on the last stdout line. */
async function runOne(name: keyof typeof RUNS): Promise<void> {
  const { checkConfig } = await import('../src/config/check-config.ts');
  const { Agent } = await import('../src/agent/agent.ts');
  const dir = await mkdtemp(join(tmpdir(), `ksef-bench-agent-${name}-`));
  const token = `bench-${Date.now()}-token-value`;
  let sim: { child: ChildProcess; baseUrl: string } | undefined;
  try {
    await mkdir(join(dir, 'inbox'), { recursive: true });
    await RUNS[name].fill(join(dir, 'inbox'));
    if (SIM === 'child') sim = await startSimProcess(token);
    const agent = new Agent(checkConfig(configFor(RUNS[name].inbox, sim?.baseUrl), join(dir, 'agent.json')), { env: { ...process.env, KSEF_BENCH_TOKEN: token } });
    const hwmReset = resetHwm();
    let peakRss = process.memoryUsage().rss;
    let peakHeap = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    let lastTrace = -Infinity;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      const t = performance.now() - t0;
      if (values.trace && t - lastTrace >= 5000) {
        lastTrace = t;
        process.stderr.write(`  ${(t / 1000).toFixed(0).padStart(4)} s: rss ${(m.rss / MiB).toFixed(0)} MiB, heap ${(m.heapUsed / MiB).toFixed(0)} MiB, external ${(m.external / MiB).toFixed(0)} MiB (array buffers ${(m.arrayBuffers / MiB).toFixed(0)})\n`);
      }
    }, 50);
    // when each phase was first and last seen (ms since start)
    const seen: Record<string, [number, number]> = {};
    const mark = (what: string): void => {
      const t = performance.now() - t0;
      const r = seen[what];
      if (r) r[1] = t;
      else seen[what] = [t, t];
    };
    const [snapEvent, snapAt] = (values['snapshot-on'] ?? '').split('@');
    let snapCount = 0;
    for (const ev of ['inbox.claimed', 'ksef.sent', 'ksef.accepted', 'file.done'] as const) {
      agent.bus.on(ev, () => {
        mark(ev);
        if (ev === snapEvent && ++snapCount === Number(snapAt ?? 1)) {
          // after the event's own synchronous work: what is still held then is what matters
          setImmediate(() => process.stderr.write(`  heap snapshot at ${ev} #${snapCount}: ${writeHeapSnapshot()}\n`));
        }
      });
    }
    await agent.open();
    await agent.runOnce();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const c = sim
      ? ((await (await fetch(`${sim.baseUrl.replace(/\/v2\/?$/, '')}/_sim/counters`)).json()) as { totals: { accepted: number; attempts: number }; sessions: { online: number; batch: number } })
      : agent.simulator!.counters();
    const agentPeak = Math.max(peakRss, hwmReset ? (vmHwm('self') ?? 0) : 0);
    const simPeak = sim ? vmHwm(sim.child.pid!) : undefined;
    await agent.close();
    const report: RunReport = {
      name, invoices: N, sim: SIM, seconds,
      accepted: c.totals.accepted, attempts: c.totals.attempts, sessions: c.sessions,
      agentPeakRssMiB: agentPeak / MiB, agentPeakHeapMiB: peakHeap / MiB,
      ...(simPeak !== undefined ? { simPeakRssMiB: simPeak / MiB } : {}),
      phases: Object.fromEntries(Object.entries(seen).map(([k, [a, b]]) => [k, [a / 1000, b / 1000]])),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    if (sim && sim.child.exitCode === null) {
      sim.child.removeAllListeners('exit');
      const gone = new Promise((r) => sim!.child.once('exit', r));
      sim.child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(name: string): Promise<RunReport> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--run', name, '--invoices', String(N), '--sim', SIM, ...(values.trace ? ['--trace'] : []), ...(values['snapshot-on'] ? ['--snapshot-on', values['snapshot-on']] : [])];
  return new Promise((resolveReport, reject) => {
    const c = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolveReport(JSON.parse(last) as RunReport);
      else reject(new Error(`run ${name} failed (exit ${code}): ${out}`));
    });
  });
}

if (values.run) {
  if (!(values.run in RUNS)) throw new Error(`--run files|csv, not ${values.run}`);
  await runOne(values.run as keyof typeof RUNS);
} else {
  const mib = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(0)} MiB`);
  console.log(`bench:agent — ${N} invoices, simulator ${SIM === 'child' ? 'in a separate process' : 'inside the agent process'}, PROD rate limits, Node ${process.version}`);
  const rows: string[] = [];
  for (const name of ['files', 'csv'] as const) {
    if (values.only && values.only !== name) continue;
    const r = await runChild(name);
    console.log(
      `${name}: ${N} invoices final in ${r.seconds.toFixed(1)} s (${(N / r.seconds).toFixed(0)}/s); ` +
        `KSeF accepted ${r.accepted}, attempts ${r.attempts}; sessions online ${r.sessions.online}, batch ${r.sessions.batch}; ` +
        `agent peak RSS ${mib(r.agentPeakRssMiB)}, heap peak ${mib(r.agentPeakHeapMiB)}; simulator peak RSS ${SIM === 'child' ? mib(r.simPeakRssMiB) : '(inside the agent)'}`,
    );
    console.log(`  phases (s from start, first–last): ${Object.entries(r.phases).map(([k, [a, b]]) => `${k} ${a.toFixed(1)}–${b.toFixed(1)}`).join('; ')}`);
    rows.push(`| ${name} | ${N} | ${r.seconds.toFixed(1)} s | ${r.sessions.batch} batch, ${r.sessions.online} online | ${r.accepted} / ${r.attempts} | ${mib(r.agentPeakRssMiB)} | ${mib(r.agentPeakHeapMiB)} | ${SIM === 'child' ? mib(r.simPeakRssMiB) : 'inline'} |`);
  }
  console.log('\n| Run | Invoices | Time to all final | Sessions | Accepted / attempts | Agent peak RSS | Agent heap peak | Simulator peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
