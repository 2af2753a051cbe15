// Issue 10 item 6 (agent side of the permission model): an accounting office logs in with its own
// credential (its NIP is the context) and sends invoices whose seller is a client listed in its
// `actsFor`. A seller outside its NIP and `actsFor` goes to errors before anything is sent; a client
// listed but without the InvoiceWrite grant in KSeF (status 410) holds the company with wording
// naming the permission and the NIPs, its invoice waits unsent and goes out after the grant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { AgentError } from '../../src/core/errors.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import { newToken, readJson } from '../helpers/agent-env.ts';
import { GRANTED, OFFICE, OFFICE_MAPPING as MAPPING, STRANGER, UNGRANTED, invoiceFile, type OfficeResult as Result } from '../helpers/office-clients.ts';

interface Installation { dir: string; configFile: string; env: NodeJS.ProcessEnv; token: string; inbox: string; outbox: string; result(source: string): Promise<Result | undefined> }

async function install(sim: RunningSimulator, actsFor: readonly string[] | undefined): Promise<Installation> {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-perms-'));
  const token = newToken().replace('nip-9999999999', `nip-${OFFICE}`);
  const env: NodeJS.ProcessEnv = { ...process.env, KSEF_TOKEN_OFFICE: token };
  await writeFile(join(dir, 'office-mapping.json'), JSON.stringify(MAPPING, null, 2));
  await mkdir(join(dir, 'inbox'), { recursive: true });
  const config = {
    environment: 'sim',
    root: './data',
    simulator: { url: sim.baseUrl },
    companies: [{
      id: 'office', nip: OFFICE, name: 'Biuro Rachunkowe sp. z o.o.',
      address: { country: 'PL', line1: 'ul. Biurowa 1', line2: '00-001 Warszawa' },
      token: { env: 'KSEF_TOKEN_OFFICE' }, schema: 'FA(3)',
      ...(actsFor ? { actsFor } : {}),
      folders: { outbox: 'outbox', archive: 'archive', work: 'work' },
      inboxes: [{ id: 'clients', folder: 'inbox', mapping: 'office-mapping.json' }],
    }],
    send: { mode: 'online', statusPollIntervalMs: 100, refusedRetryMs: 100 },
    watcher: { stabilityWindowMs: 0, scanIntervalMs: 100 },
    logging: { level: 'debug', console: false, dir: 'logs' },
  };
  const configFile = join(dir, 'agent.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  sim.registerToken(OFFICE, token);
  const outbox = join(dir, 'outbox');
  const result = (source: string) => readJson<Result>(join(outbox, 'results', `${source}.result.json`)).catch(() => undefined);
  return { dir, configFile, env, token, inbox: join(dir, 'inbox'), outbox, result };
}

test('office with actsFor: three granted clients go through; a listed client without InvoiceWrite holds the company naming it; after the grant the next once sends it', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const inst = await install(sim, [...GRANTED, UNGRANTED]);
  try {
    for (const c of GRANTED) sim.grantPermissions({ subjectNip: OFFICE, contextNip: c, permissions: ['InvoiceWrite'] });
    for (const c of [...GRANTED, UNGRANTED]) await writeFile(join(inst.inbox, `client-${c}.json`), invoiceFile(c));

    const first = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, new RegExp(`company office was not sent: .*KSeF says company office \\(NIP ${OFFICE}\\) has no InvoiceWrite permission for seller NIP ${UNGRANTED}.*grant.* \\[KSEF_PERMISSION_MISSING\\]`), first.stderr);
    assert.ok(!first.stderr.includes(inst.token) && !first.stdout.includes(inst.token), 'no token in the output');
    for (const c of GRANTED) {
      const r = (await inst.result(`client-${c}.json`))!;
      assert.equal(r?.status, 'complete', c);
      assert.ok(r.invoices[0]!.ksefNumber!.startsWith(`${c}-`), `KSeF number under the client's NIP: ${r.invoices[0]!.ksefNumber}`);
    }
    const waiting = await inst.result(`client-${UNGRANTED}.json`);
    assert.equal(waiting?.status, 'pending', 'the refused client file waits, not rejected');
    assert.deepEqual(await readdir(join(inst.outbox, 'errors')).catch(() => []), [], 'nothing in errors');
    const refused = sim.counters().sends.find((s) => s.sellerNip === UNGRANTED)!;
    assert.equal(refused.accepted, 0);

    sim.grantPermissions({ subjectNip: OFFICE, contextNip: UNGRANTED, permissions: ['InvoiceWrite'] });
    const second = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    assert.equal(second.code, 0, second.stderr);
    const done = (await inst.result(`client-${UNGRANTED}.json`))!;
    assert.equal(done.status, 'complete');
    assert.ok(done.invoices[0]!.ksefNumber!.startsWith(`${UNGRANTED}-`));
    const c = sim.counters();
    assert.equal(c.totals.accepted, 4, 'every invoice accepted once');
    for (const s of c.sends) assert.equal(s.accepted, 1, `${s.sellerNip} accepted once`);
    assert.equal(c.sends.find((s) => s.sellerNip === UNGRANTED)!.accepted, 1);
  } finally {
    await sim.close();
    await rm(inst.dir, { recursive: true, force: true });
  }
});

test('a seller that is neither the company NIP nor in actsFor: the file goes to errors with INVOICE_SELLER_NOT_ALLOWED, nothing is sent', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const inst = await install(sim, GRANTED);
  try {
    // the stranger even granted the permission in KSeF: still not sent, actsFor does not list it
    sim.grantPermissions({ subjectNip: OFFICE, contextNip: STRANGER, permissions: ['InvoiceWrite'] });
    await writeFile(join(inst.inbox, 'stranger.json'), invoiceFile(STRANGER));
    const run = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    const r = (await inst.result('stranger.json')) as unknown as { summary: { rejected: number }; invoices: { status: string; errors: { code: string }[] }[] };
    assert.deepEqual(r?.invoices.map((i) => [i.status, i.errors.map((e) => e.code)]), [['rejected', ['INVOICE_SELLER_NOT_ALLOWED']]], run.stderr + JSON.stringify(r));
    const errors = await readdir(join(inst.outbox, 'errors'));
    const report = errors.find((n) => n.startsWith('stranger.json') && n !== 'stranger.json');
    assert.ok(report, `an error report among ${errors.join(', ')}`);
    const text = await readFile(join(inst.outbox, 'errors', report), 'utf8');
    assert.match(text, /INVOICE_SELLER_NOT_ALLOWED/);
    assert.match(text, new RegExp(`FV/${STRANGER}/1`));
    assert.match(text, new RegExp(`seller NIP ${STRANGER} is neither the NIP of company office \\(${OFFICE}\\)`));
    assert.match(text, /actsFor/);
    assert.equal(sim.counters().totals.attempts, 0, 'nothing reached KSeF');
  } finally {
    await sim.close();
    await rm(inst.dir, { recursive: true, force: true });
  }
});

test('a KSeF token generated with InvoiceRead only: KSeF refuses the session (403); the company is held with wording naming InvoiceWrite and what the token holds; with a full token the file goes out', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const inst = await install(sim, undefined);
  try {
    sim.registerToken(OFFICE, inst.token, { permissions: ['InvoiceRead'] });
    await writeFile(join(inst.inbox, 'own.json'), invoiceFile(OFFICE));
    const first = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /company office was not sent: .*POST \/sessions\/online: HTTP 403: this login lacks the KSeF permission for it: it needs one of InvoiceWrite, PefInvoiceWrite, EnforcementOperations and holds InvoiceRead; grant one of them in KSeF .*\(KSeF: Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście\.\) \[KSEF_FORBIDDEN\]/, first.stderr);
    assert.ok(!first.stderr.includes(inst.token) && !first.stdout.includes(inst.token), 'no token in the output');
    assert.equal((await inst.result('own.json'))?.status, 'pending', 'the file waits, not rejected');
    assert.equal(sim.counters().totals.attempts, 0, 'nothing reached KSeF');

    sim.registerToken(OFFICE, inst.token);
    const second = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((await inst.result('own.json'))?.status, 'complete');
    assert.equal(sim.counters().totals.accepted, 1);
  } finally {
    await sim.close();
    await rm(inst.dir, { recursive: true, force: true });
  }
});

test('a KSeF token generated with InvoiceWrite only: invoices go out, the purchase download is refused (403) with wording naming InvoiceRead', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const inst = await install(sim, undefined);
  try {
    const raw = JSON.parse(await readFile(inst.configFile, 'utf8'));
    raw.purchases = { enabled: true, intervalMinutes: 15, roles: ['Subject2'], outputs: { metadata: true, csv: false, json: false } };
    await writeFile(inst.configFile, JSON.stringify(raw));
    sim.registerToken(OFFICE, inst.token, { permissions: ['InvoiceWrite'] });
    await writeFile(join(inst.inbox, 'own.json'), invoiceFile(OFFICE));
    const run = await runAgentChild(['once', '--config', inst.configFile], inst.env);
    assert.equal((await inst.result('own.json'))?.status, 'complete', run.stderr);
    assert.equal(run.code, 1, 'the refused download is not "ok"');
    assert.match(run.stderr, /once: company office: purchase invoices were not downloaded: POST \/invoices\/exports: HTTP 403: this login lacks the KSeF permission for it: it needs one of InvoiceRead and holds InvoiceWrite/, run.stderr);
    assert.ok(!run.stderr.includes(inst.token) && !run.stdout.includes(inst.token), 'no token in the output');
  } finally {
    await sim.close();
    await rm(inst.dir, { recursive: true, force: true });
  }
});

test('actsFor: client NIPs are checksummed at load and kept in the company configuration', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  const inst = await install(sim, ['1111111111', '1234567890']);
  try {
    const e = await loadConfig(inst.configFile).then(() => undefined, (x: AgentError) => x);
    assert.equal(e?.code, 'CFG_INVALID');
    assert.ok((e!.details ?? []).includes('$.companies[0].actsFor[1]: not a valid NIP: the checksum digit does not match (got "1234567890")'), (e!.details ?? []).join('\n'));
    const raw = JSON.parse(await readFile(inst.configFile, 'utf8'));
    raw.companies[0].actsFor = GRANTED;
    await writeFile(inst.configFile, JSON.stringify(raw));
    assert.deepEqual((await loadConfig(inst.configFile)).companies[0]!.actsFor, GRANTED);
  } finally {
    await sim.close();
    await rm(inst.dir, { recursive: true, force: true });
  }
});
