// Randomized crash proof (issue 9, "Proof"): a mixed workload — three inboxes with DIFFERENT
// mappings (two CSV inboxes whose VAT lookups disagree on "23%", and a JSON shop), online and
// batch sending (auto mode, low batch threshold) — against the simulator in a process of its own,
// while the real `run` process is SIGKILLed again and again at random moments (random delays and
// random KSEF_HOTFOLDER_CRASH_AT points), files being dropped all along. Then `once` until idle,
// and the invariants:
//   - no file lost: every dropped file is either archived with its result or in errors/ with its
//     report, exactly one of them (and here, where every file is good: archived, all accepted —
//     or, the one documented exception, quarantined as INTAKE_QUARANTINED because two of our
//     SIGKILLs hit it while it was being read, with nothing of it sent);
//   - no invoice accepted twice: per (seller NIP, number) one invoice in KSeF, one acceptance;
//   - every invoice in KSeF is exactly what ITS OWN inbox's mapping makes of its source file
//     (the preview code path), creation timestamp aside; outbox/sent/ holds the same bytes.
//
// The run is reproducible: the seed is printed; KSEF_CRASH_SEED=<n> replays it, KSEF_CRASH_KILLS
// changes the number of kills (default 21), KSEF_CRASH_KEEP=1 keeps the agent's folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { loadConfig } from '../../src/config/load-config.ts';
import { previewFile } from '../../src/pipeline/preview-file.ts';
import { companyProfile, localToday } from '../../src/pipeline/pipeline-context.ts';
import { makeAgentEnv, readJson, listTree, REPO, DEMO_NIP } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { spawnAgent } from '../helpers/agent-process.ts';
import { startSimProcess, invoicesInKsef } from '../helpers/sim-process.ts';

const SEED = Number(process.env['KSEF_CRASH_SEED'] ?? randomInt(2 ** 31));
const KILLS = Number(process.env['KSEF_CRASH_KILLS'] ?? 21);

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRASH_POINTS = ['after-claim', 'after-intent', 'after-send', 'after-batch-open', 'before-batch-close', 'after-batch-submit', 'while-outbox', 'before-archive'] as const;

/** Inbox order matters: a file whose inbox is forgotten falls back to the FIRST inbox (issue 9 item 1). */
const INBOXES = [
  { id: 'vat8', mapping: 'optima-csv.json' }, // rewritten below: its lookup reads "23%" as 8 %
  { id: 'vat23', mapping: 'optima-csv.json' },
  { id: 'shop', mapping: 'shop-json.json' },
] as const;
type InboxId = (typeof INBOXES)[number]['id'];

interface Dropped {
  readonly name: string;
  readonly inbox: InboxId;
  readonly numbers: readonly string[];
  /** a copy of the source as dropped, for the final comparison */
  readonly copy: string;
}

/** The example Optima CSV, its header and its rows grouped per invoice. */
async function optimaTemplate(): Promise<{ header: string; groups: string[][] }> {
  const lines = iconv.decode(await readFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv')), 'windows-1250').split('\r\n').filter((l) => l !== '');
  const groups = new Map<string, string[]>();
  for (const row of lines.slice(1)) {
    const n = row.slice(0, row.indexOf(';'));
    groups.set(n, [...(groups.get(n) ?? []), row]);
  }
  return { header: lines[0]!, groups: [...groups.values()] };
}

interface Workload {
  /** a new source file for `inbox`, with `count` invoices numbered after `seq` */
  make(inbox: InboxId, seq: number, count: number): { name: string; bytes: Buffer; numbers: string[] };
}

async function workload(): Promise<Workload> {
  const csv = await optimaTemplate();
  const shop = JSON.parse(await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8')) as { orders: Record<string, unknown>[] };
  return {
    make(inbox, seq, count) {
      const numbers: string[] = [];
      if (inbox === 'shop') {
        const orders = Array.from({ length: count }, (_, k) => {
          const number = `SKLEP/${seq}/${k + 1}`;
          numbers.push(number);
          return { ...shop.orders[k % shop.orders.length]!, id: seq * 100 + k, invoice_number: number };
        });
        return { name: `orders-${seq}.json`, bytes: Buffer.from(JSON.stringify({ ...shop, orders }, null, 2)), numbers };
      }
      const rows: string[] = [csv.header];
      for (let k = 0; k < count; k++) {
        const group = csv.groups[k % csv.groups.length]!;
        const number = `${inbox.toUpperCase()}/${seq}/${k + 1}/2026`;
        numbers.push(number);
        for (const row of group) rows.push(number + row.slice(row.indexOf(';')));
      }
      return { name: `${inbox}-${seq}.csv`, bytes: iconv.encode(rows.join('\r\n') + '\r\n', 'windows-1250'), numbers };
    },
  };
}

/** FA XML with its creation timestamp blanked: the only part that depends on when it was built. */
const business = (xml: string): string => xml.replace(/<DataWytworzeniaFa>[^<]*<\/DataWytworzeniaFa>/, '<DataWytworzeniaFa/>');

/** The first line where two texts differ, for a readable failure. */
function firstDifference(a: string, b: string): string {
  const la = a.split(/(?=<)/);
  const lb = b.split(/(?=<)/);
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return `KSeF has ${JSON.stringify(la[i])}, its own mapping gives ${JSON.stringify(lb[i])}`;
  return 'identical';
}

test(`random SIGKILLs over a mixed workload (seed ${SEED}): no file lost, no invoice twice, every invoice as its own inbox maps it`, { timeout: 420_000 }, async (t) => {
  t.diagnostic(`crash-random seed ${SEED}, ${KILLS} kills (replay: KSEF_CRASH_SEED=${SEED})`);
  process.stderr.write(`crash-random: seed ${SEED} (replay with KSEF_CRASH_SEED=${SEED})\n`);
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const started = new Date();
  const env = await makeAgentEnv({
    inboxes: INBOXES,
    simUrl: 'http://127.0.0.1:9/v2', // replaced below, once the simulator runs
    send: { mode: 'auto', batchThreshold: 10, statusPollIntervalMs: 100 },
    watcher: { stabilityWindowMs: 0, scanIntervalMs: 200 },
  });
  const sim = await startSimProcess(['--rate-limits', 'off', '--processing-delay', '50', '--token', `${DEMO_NIP}=${env.token}`]);
  try {
    // the first inbox's mapping reads "23%" as 8 %: a visible difference between the two CSV inboxes
    const vat8 = JSON.parse(await readFile(join(REPO, 'mappings/optima-csv.json'), 'utf8')) as { $schema?: string; lookups: { vat: { values: Record<string, string> } } };
    delete vat8.$schema;
    vat8.lookups.vat.values['23%'] = '8';
    await mkdir(join(env.dir, 'mappings'));
    await writeFile(join(env.dir, 'mappings/optima-vat8.json'), JSON.stringify(vat8, null, 2));
    const config = await readJson<{ simulator: { url: string }; companies: { inboxes: { id: string; mapping: string }[] }[] }>(env.configFile);
    config.simulator.url = sim.baseUrl;
    config.companies[0]!.inboxes[0]!.mapping = join(env.dir, 'mappings/optima-vat8.json');
    await writeFile(env.configFile, JSON.stringify(config, null, 2));

    const work = await workload();
    const dropped: Dropped[] = [];
    let seq = 0;
    const drop = async (count?: number): Promise<void> => {
      const inbox = pick(INBOXES).id;
      const n = count ?? (inbox === 'shop' ? 1 + Math.floor(rnd() * 3) : rnd() < 0.2 ? 12 : 1 + Math.floor(rnd() * 4));
      const f = work.make(inbox, ++seq, n);
      const copy = join(env.dir, 'sources', inbox, f.name);
      await mkdir(join(env.dir, 'sources', inbox), { recursive: true });
      await writeFile(copy, f.bytes);
      // written under a hidden name and renamed: the agent never sees it half-written
      const staged = join(env.inbox(inbox), `.${f.name}.part`);
      await writeFile(staged, f.bytes);
      await rename(staged, join(env.inbox(inbox), f.name));
      dropped.push({ name: f.name, inbox, numbers: f.numbers, copy });
    };
    // first a few small files (online: fewer invoices than the batch threshold); the backlog
    // (batch) comes once an online session was seen, then a trickle during the crashes
    await drop(2);
    await drop(3);

    const logBytes = async (): Promise<number> => (await stat(join(env.dir, 'logs', 'agent.log')).catch(() => undefined))?.size ?? 0;
    const log: string[] = [];
    const selfExits: string[] = [];
    let kills = 0;
    for (let cycle = 0; cycle < KILLS; cycle++) {
      if (rnd() < 0.6) await drop();
      const crashAt = rnd() < 0.45 && cycle > 0 ? `${pick(CRASH_POINTS)}${rnd() < 0.5 ? '' : `@${2 + Math.floor(rnd() * 3)}`}` : undefined;
      // mostly a random moment of real work (after the agent's first log line), sometimes during start-up
      const duringStartup = rnd() < 0.15;
      const delay = Math.round(duringStartup ? rnd() * 3_000 : 150 + rnd() * 2_000);
      const midDrop = rnd() < 0.4 ? Math.round(rnd() * delay) : undefined;
      const logSize = await logBytes();
      const agent = spawnAgent(['run', '--config', env.configFile], { ...env.env, ...(crashAt ? { KSEF_HOTFOLDER_CRASH_AT: crashAt } : {}) });
      if (cycle === 0) {
        // the first kill comes at a random moment after online sending began, so the run surely
        // crashes an online phase too (under load the backlog could otherwise take everything)
        const until = Date.now() + 60_000;
        while (agent.alive() && Date.now() < until && (await sim.counters()).sessions.online === 0) await sleep(50);
      } else if (!duringStartup) {
        const until = Date.now() + 30_000;
        while (agent.alive() && Date.now() < until && (await logBytes()) === logSize) await sleep(50);
      }
      const t0 = Date.now();
      if (midDrop !== undefined) {
        await Promise.race([agent.exited, sleep(midDrop)]);
        await drop();
      }
      await Promise.race([agent.exited, sleep(Math.max(0, delay - (Date.now() - t0)))]);
      const selfKilled = !agent.alive();
      const end = await agent.kill();
      if (end.signal === 'SIGKILL') kills++;
      else selfExits.push(`cycle ${cycle}: the agent exited by itself (code ${end.code}, signal ${end.signal}): ${agent.output().slice(-400)}`);
      log.push(`cycle ${cycle}: ${crashAt ? `crash point ${crashAt}, ` : ''}${selfKilled ? 'died by itself' : `SIGKILL ${delay} ms after ${duringStartup ? 'spawn' : 'its first log line'}`}`);
      // KSeF would end what the dead process left open after its upload window; here at once
      await sim.expireSessions();
      if (cycle === 0) {
        await drop(12);
        for (let i = 0; i < 4; i++) await drop();
      }
    }
    for (const line of log) t.diagnostic(line);
    assert.deepEqual(selfExits, [], 'the agent never exits by itself (only crash points and our SIGKILLs end it)');
    assert.ok(kills >= Math.min(20, KILLS), `at least 20 SIGKILLs (got ${kills})`);

    // the end: everything settles
    const last = await runAgentChild(['once', '--config', env.configFile], env.env, 120_000);
    assert.equal(last.code, 0, `once until idle: code ${last.code} signal ${last.signal}: ${last.stderr.slice(-2000)}`);

    // --- no file lost: archived with a result, or in errors with a report, exactly one of them
    const tree = await listTree(env.dir);
    const problems: string[] = [];
    const quarantined = new Set<Dropped>();
    for (const d of dropped) {
      const archived = tree.filter((p) => p.startsWith('archive/') && p.endsWith(`/${d.name}`)).length;
      const inErrors = tree.filter((p) => p === `outbox/errors/${d.name}`).length;
      const report = tree.includes(`outbox/errors/${d.name}.error.json`);
      const result = tree.includes(`outbox/results/${d.name}.result.json`);
      if (archived + inErrors !== 1) problems.push(`${d.inbox}/${d.name}: archived ${archived}×, in errors ${inErrors}× (want exactly one place)`);
      if (inErrors === 1) {
        const errors = report ? (await readJson<{ errors?: { code: string; message: string }[] }>(join(env.outbox, 'errors', `${d.name}.error.json`))).errors ?? [] : [];
        // the one documented way for a good file to end in errors here: it was being read when the
        // agent died twice (two of our SIGKILLs) and is quarantined, nothing of it sent (checked below)
        if (errors.length === 1 && errors[0]!.code === 'INTAKE_QUARANTINED') quarantined.add(d);
        else problems.push(`${d.inbox}/${d.name}: a good file ended in errors (${errors.length ? errors.map((e) => `${e.code}: ${e.message}`).slice(0, 3).join('; ') : 'no report'})`);
      }
      if (archived === 1) {
        if (!result) problems.push(`${d.inbox}/${d.name}: archived without a result file`);
        else {
          const r = await readJson<{ status: string; invoices: { invoiceNumber: string; status: string }[] }>(join(env.outbox, 'results', `${d.name}.result.json`));
          if (r.status !== 'complete') problems.push(`${d.inbox}/${d.name}: result status ${r.status}`);
          const notAccepted = r.invoices.filter((i) => i.status !== 'accepted').map((i) => `${i.invoiceNumber} ${i.status}`);
          if (notAccepted.length) problems.push(`${d.inbox}/${d.name}: not accepted: ${notAccepted.join(', ')}`);
        }
      }
    }
    for (const id of INBOXES.map((b) => b.id)) {
      const left = (await readdir(env.inbox(id))).filter((n) => !n.startsWith('.'));
      if (left.length) problems.push(`inbox ${id} still holds ${left.join(', ')}`);
    }
    const claimed = tree.filter((p) => p.startsWith('work/claimed/'));
    if (claimed.length) problems.push(`still claimed: ${claimed.join(', ')}`);

    // --- no invoice accepted twice (KSeF's own view), and each of ours accepted once
    const ours = new Map<string, Dropped>();
    for (const d of dropped) for (const n of d.numbers) ours.set(n, d);
    const counters = await sim.counters();
    for (const row of counters.sends) {
      if (row.accepted > 1) problems.push(`${row.sellerNip} ${row.invoiceNumber}: accepted ${row.accepted} times (${row.attempts} attempts)`);
      if (!ours.has(row.invoiceNumber)) problems.push(`${row.invoiceNumber}: sent but never dropped`);
    }
    for (const [n, d] of ours) {
      const accepted = counters.sends.some((r) => r.invoiceNumber === n && r.accepted === 1);
      if (quarantined.has(d)) {
        if (counters.sends.some((r) => r.invoiceNumber === n)) problems.push(`${n}: its file ${d.name} is quarantined, yet it was sent to KSeF`);
      } else if (!accepted) problems.push(`${n}: not accepted by KSeF`);
    }
    const inKsef = await invoicesInKsef(sim.baseUrl, DEMO_NIP, env.token, started);
    const seen = new Map<string, number>();
    for (const i of inKsef) seen.set(`${i.sellerNip}|${i.invoiceNumber}`, (seen.get(`${i.sellerNip}|${i.invoiceNumber}`) ?? 0) + 1);
    for (const [k, n] of seen) if (n > 1) problems.push(`${k}: ${n} invoices in KSeF`);

    // --- every invoice in KSeF equals what its own inbox's mapping makes of its source
    const cfg = await loadConfig(env.configFile);
    const company = cfg.companies[0]!;
    const expected = new Map<string, string>();
    for (const d of dropped) {
      const inbox = company.inboxes.find((b) => b.id === d.inbox)!;
      const p = await previewFile(d.copy, { mapping: inbox.mapping, schema: company.schema, company: companyProfile(company), today: localToday(), displayName: d.name });
      assert.ok(p.ok, `${d.name} previews cleanly with its own mapping: ${JSON.stringify(p.errors)}`);
      for (const inv of p.invoices) expected.set(inv.number!, inv.xml!.xml.toString("utf8"));
    }
    let compared = 0;
    for (const i of inKsef) {
      const want = expected.get(i.invoiceNumber);
      const from = ours.get(i.invoiceNumber);
      if (want === undefined || !from) continue;
      compared++;
      if (business(i.xml) !== business(want)) problems.push(`${i.invoiceNumber} (${i.ksefNumber}) from inbox ${from.inbox}, ${from.name}: the XML in KSeF is not what inbox ${from.inbox}'s mapping produces: ${firstDifference(business(i.xml), business(want))}`);
      const sent = await readFile(join(env.outbox, 'sent', `${i.ksefNumber}.xml`), 'utf8').catch(() => undefined);
      if (sent === undefined) problems.push(`${i.invoiceNumber}: no outbox/sent/${i.ksefNumber}.xml`);
      else if (sent !== i.xml) problems.push(`${i.invoiceNumber}: outbox/sent/${i.ksefNumber}.xml differs from what KSeF keeps`);
    }
    const batches = counters.sessions.batch;
    t.diagnostic(`${dropped.length} files (${quarantined.size} quarantined after two deaths while being read), ${ours.size} invoices, ${inKsef.length} in KSeF (${compared} compared), sessions online ${counters.sessions.online} / batch ${batches}, ${kills} SIGKILLs`);
    assert.deepEqual(problems, [], `seed ${SEED}: ${problems.length} problem(s)`);
    // each quarantine needs two deaths while that file was read: never more files than kills / 2
    assert.ok(quarantined.size <= Math.floor(kills / 2), `${quarantined.size} files quarantined after ${kills} kills`);
    assert.ok(counters.sessions.online > 0 && batches > 0, `both online and batch sessions were used (online ${counters.sessions.online}, batch ${batches})`);
  } finally {
    await sim.close();
    if (process.env['KSEF_CRASH_KEEP']) process.stderr.write(`crash-random: folders kept in ${env.dir}\n`);
    else await env.cleanup();
  }
});
