// Many companies in one agent process (issue 4): each with its own NIP, token, inbox, outbox and
// KSeF session; one company whose token KSeF refuses and one whose inbox folder vanished never
// stop the others, and the refused one goes through once its token is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { healthOf } from '../../src/agent/health-server.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { REPO, newToken, readJson } from '../helpers/agent-env.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Result { status: string; summary: { accepted: number }; invoices: { status: string; ksefNumber: string | null; sessionReferenceNumber: string | null }[] }

// fictional NIPs with valid check digits
const COMPANIES = [
  { id: 'north', nip: '1111111111' },
  { id: 'south', nip: '2222222222' },
  { id: 'east', nip: '3333333333' },
] as const;


interface Installation {
  readonly dir: string;
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly tokens: Record<string, string>;
  result(co: string, source: string): Promise<Result | undefined>;
}

/** Three companies against one simulator; north and east have tokens KSeF knows, south's is unknown to it for now. */
async function install(sim: RunningSimulator, send: Record<string, unknown>): Promise<Installation> {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-many-'));
  const tokens = Object.fromEntries(COMPANIES.map((c) => [c.id, newToken().replace('nip-9999999999', `nip-${c.nip}`)]));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const c of COMPANIES) env[`KSEF_TOKEN_${c.id.toUpperCase()}`] = tokens[c.id];
  const config = {
    environment: 'sim',
    root: './data',
    simulator: { url: sim.baseUrl },
    companies: COMPANIES.map((c) => ({
      id: c.id, nip: c.nip, name: `Spółka ${c.id} sp. z o.o.`,
      address: { country: 'PL', line1: 'ul. Testowa 1', line2: '00-001 Warszawa' },
      token: { env: `KSEF_TOKEN_${c.id.toUpperCase()}` }, schema: 'FA(3)',
      folders: { outbox: `${c.id}/outbox`, archive: `${c.id}/archive`, work: `${c.id}/work` },
      inboxes: [
        { id: 'csv', folder: `${c.id}/inbox/csv`, mapping: join(REPO, 'mappings', 'optima-csv.json') },
        { id: 'shop', folder: `${c.id}/inbox/shop`, mapping: join(REPO, 'mappings', 'shop-json.json') },
      ],
    })),
    send: { mode: 'online', statusPollIntervalMs: 100, ...send },
    watcher: { stabilityWindowMs: 0, scanIntervalMs: 100 },
    logging: { level: 'debug', console: false, dir: 'logs' },
  };
  const configFile = join(dir, 'agent.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  for (const c of COMPANIES) {
    await mkdir(join(dir, c.id, 'inbox', 'csv'), { recursive: true });
    await mkdir(join(dir, c.id, 'inbox', 'shop'), { recursive: true });
  }
  sim.registerToken('1111111111', tokens['north']);
  sim.registerToken('3333333333', tokens['east']);
  const result = (co: string, source: string) => readJson<Result>(join(dir, co, 'outbox', 'results', `${source}.result.json`)).catch(() => undefined);
  return { dir, configFile, env, tokens, result };
}

test('three companies in one process: a refused token and a vanished inbox stop only their own company', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { dir, configFile, env, tokens, result } = await install(sim, { refusedRetryMs: 300 });
  const agent = new Agent(await loadConfig(configFile), { env });
  const errors: { companyId?: string; code?: string; message: string }[] = [];
  agent.bus.on('agent.error', (e) => errors.push(e));
  agent.bus.on('inbox.error', (e) => errors.push({ companyId: e.companyId, code: e.code, message: e.message }));
  try {
    await agent.open();
    await agent.start();
    // east's shop inbox disappears (a share unmounted); its CSV inbox keeps working
    await rm(join(dir, 'east', 'inbox', 'shop'), { recursive: true });
    for (const c of COMPANIES) await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(dir, c.id, 'inbox', 'csv', 'faktury-2026-11.csv'));
    await cp(join(REPO, 'inbox-example/shop/orders-20261121.json'), join(dir, 'north', 'inbox', 'shop', 'orders.json'));

    await waitFor('north and east done', async () => (await result('north', 'faktury-2026-11.csv'))?.status === 'complete' && (await result('north', 'orders.json'))?.status === 'complete' && (await result('east', 'faktury-2026-11.csv'))?.status === 'complete', 30_000);
    await waitFor('south refused and east inbox error reported', async () => errors.some((e) => e.companyId === 'south') && errors.some((e) => e.companyId === 'east'), 30_000);
    // held, not hammered: over 1.5 s (15 poll intervals) south tries to log in a few times, not every step
    const loginsBefore = sim.counters().requests['POST /auth/ksef-token'] ?? 0;
    await new Promise((r) => setTimeout(r, 1500));
    const southLogins = (sim.counters().requests['POST /auth/ksef-token'] ?? 0) - loginsBefore;
    assert.ok(southLogins <= 3, `south logged in ${southLogins} times in 1.5 s while held (pauses 0.3, 0.6, 1.2 s…)`);
    assert.equal(errors.filter((e) => e.companyId === 'south').length, 1, 'the refusal is reported once');
    const southPending = await result('south', 'faktury-2026-11.csv');
    assert.equal(southPending?.status, 'pending', 'south waits, its file is not lost');
    const southError = errors.find((e) => e.companyId === 'south')!;
    assert.match(southError.message, /token|auth|uwierzyteln/i, southError.message);
    assert.ok(!JSON.stringify(errors).includes(tokens['south']!), 'no token in the errors');
    const eastErrors = errors.filter((e) => e.companyId === 'east');
    assert.deepEqual(eastErrors.map((e) => e.code), ['INBOX_FOLDER_MISSING'], 'the vanished inbox is reported once, with a stable code');
    assert.match(eastErrors[0]!.message, /east[\\/]inbox[\\/]shop does not exist/);
    assert.equal(southError.code, 'KSEF_AUTH_FAILED');

    const health = (await healthOf(agent)) as { companies: { id: string; held?: { code: string; nextTry: string } }[] };
    assert.deepEqual(health.companies.map((c) => [c.id, c.held?.code]), [['north', undefined], ['south', 'KSEF_AUTH_FAILED'], ['east', undefined]]);
    assert.ok(Date.parse(health.companies[1]!.held!.nextTry) > Date.now() - 60_000);

    // south's token becomes valid: its invoices go out without a restart
    sim.registerToken('2222222222', tokens['south']);
    await waitFor('south done', async () => (await result('south', 'faktury-2026-11.csv'))?.status === 'complete', 30_000);

    const sessionsByCompany = new Map<string, Set<string>>();
    for (const c of COMPANIES) {
      const r = (await result(c.id, 'faktury-2026-11.csv'))!;
      assert.equal(r.summary.accepted, 4, c.id);
      const refs = new Set<string>();
      for (const i of r.invoices) {
        assert.ok(i.ksefNumber?.startsWith(`${c.nip}-`), `${c.id}: KSeF number under its own NIP, got ${i.ksefNumber}`);
        refs.add(i.sessionReferenceNumber!);
        const upo = await readFile(join(dir, c.id, 'outbox', 'upo', `${i.ksefNumber}.xml`), 'utf8');
        assert.match(upo, new RegExp(c.nip));
      }
      sessionsByCompany.set(c.id, refs);
    }
    for (const [a, ra] of sessionsByCompany) for (const [b, rb] of sessionsByCompany) if (a !== b) for (const r of ra) assert.ok(!rb.has(r), `${a} and ${b} share session ${r}`);
    const c = sim.counters();
    assert.equal(c.totals.accepted, 4 * 3 + 3);
    assert.equal(c.totals.attempts, 4 * 3 + 3, 'every invoice sent once');
  } finally {
    await agent.stop();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('once with a company whose token KSeF refuses: the others finish, exit code 1 names the company, its file waits; the next once sends it', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const { dir, configFile, env, tokens, result } = await install(sim, {});
  try {
    for (const c of COMPANIES) await cp(join(REPO, 'inbox-example/optima/faktury-2026-11.csv'), join(dir, c.id, 'inbox', 'csv', 'faktury-2026-11.csv'));
    const first = await runAgentChild(['once', '--config', configFile], env);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /^once: company south was not sent: sending: KSeF refused the login for NIP 2222222222: .* \[KSEF_AUTH_FAILED\]; 1 file\(s\) wait in the work area and go out on the next run once this is fixed$/m);
    assert.doesNotMatch(first.stderr, /company (north|east)/);
    for (const t of Object.values(tokens)) assert.ok(!first.stderr.includes(t) && !first.stdout.includes(t), 'no token in the output');
    assert.equal((await result('north', 'faktury-2026-11.csv'))?.status, 'complete');
    assert.equal((await result('east', 'faktury-2026-11.csv'))?.status, 'complete');
    assert.equal((await result('south', 'faktury-2026-11.csv'))?.status, 'pending');
    assert.equal(sim.counters().sends.filter((r) => r.sellerNip === '2222222222').length, 0, 'nothing of south reached KSeF');

    sim.registerToken('2222222222', tokens['south']);
    const second = await runAgentChild(['once', '--config', configFile], env);
    assert.equal(second.code, 0, second.stderr);
    const south = (await result('south', 'faktury-2026-11.csv'))!;
    assert.equal(south.status, 'complete');
    assert.equal(south.summary.accepted, 4);
    assert.equal(sim.counters().totals.attempts, 12, 'every invoice sent once');
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});
