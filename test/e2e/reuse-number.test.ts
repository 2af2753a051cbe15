// Issue 9 item 5: "already accepted" only for the same invoice. Through the whole agent (`once`)
// and the in-process simulator over HTTP, with the Optima example (windows-1250 CSV):
// - a later file reusing an accepted number with another price is an error naming the earlier
//   KSeF number, the earlier file and the differences (advising a correction), and nothing is sent;
// - the same invoice in a differently written file is "already accepted" as before;
// - the same number twice in one file is an error naming both rows;
// - two files with the same number sent together: KSeF's 440 for the second counts as ours only
//   when its content is the same as the original's, otherwise it is rejected as a reused number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import type { AgentEnv } from '../helpers/agent-env.ts';

interface Err { code: string; message: string; where?: Record<string, unknown> }
interface Result { status: string; invoices: { invoiceNumber: string; status: string; ksefNumber?: string | null; errors: Err[] }[] }

const OPTIMA = join(REPO, 'inbox-example/optima/faktury-2026-11.csv');
const text = iconv.decode(await readFile(OPTIMA), 'windows-1250');
const [header, ...rows] = text.split('\r\n').filter((l) => l !== '');
/** A CSV of the Optima example's header and the given rows, in its encoding. */
const csv = (lines: readonly string[], eol = '\r\n'): Buffer => iconv.encode([header!, ...lines].join(eol) + eol, 'windows-1250');
const fa231 = rows.filter((r) => r.startsWith('FA/231/2026;'));
const fa231Dearer = fa231.map((r) => r.replace(';12;szt.;64,90;23%;778,80;', ';12;szt.;70,00;23%;840,00;'));

/** One agent (and its in-process simulator, whose memory is KSeF's) for the whole test. */
async function withAgent(env: AgentEnv, body: (once: () => Promise<{ attempts: number; accepted: number }>) => Promise<void>): Promise<void> {
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  await agent.open();
  try {
    await body(async () => {
      await agent.runOnce();
      const t = agent.simulator!.counters().totals;
      return { attempts: t.attempts, accepted: t.accepted };
    });
  } finally {
    await agent.close();
  }
}
const result = (env: AgentEnv, name: string) => readJson<Result>(join(env.outbox, 'results', `${name}.result.json`));
const errorReport = (env: AgentEnv, name: string) => readJson<{ errors: Err[] }>(join(env.outbox, 'errors', `${name}.error.json`));

test('a reused number with another price is an error naming the earlier KSeF number, file and differences; the same invoice rewritten is already accepted', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }] });
  try {
    await withAgent(env, async (once) => {
    await writeFile(join(env.inbox('optima'), 'faktury.csv'), csv(rows));
    await once();
    const first = await result(env, 'faktury.csv');
    const original = first.invoices.find((i) => i.invoiceNumber === 'FA/231/2026')!;
    assert.equal(original.status, 'accepted');
    const ksef = original.ksefNumber!;

    await writeFile(join(env.inbox('optima'), 'nowa-cena.csv'), csv(fa231Dearer));
    await writeFile(join(env.inbox('optima'), 'ponownie.csv'), csv(fa231, '\n'));
    const counts = await once();
    assert.equal(counts.attempts, 4, 'nothing sent after the first file');

    // changed content under the accepted number: errors/, never sent, never "accepted"
    assert.ok((await readdir(join(env.outbox, 'errors'))).includes('nowa-cena.csv'));
    const report = await errorReport(env, 'nowa-cena.csv');
    const reused = report.errors.filter((e) => e.code === 'INVOICE_NUMBER_REUSED');
    assert.equal(reused.length, 1, JSON.stringify(report.errors));
    const m = reused[0]!.message;
    assert.match(m, new RegExp(ksef));
    assert.match(m, /faktury\.csv/);
    assert.match(m, /correction invoice \(faktura korygująca, kind KOR\) that refers to /);
    assert.match(m, /line 1 unit net price \(P_9A\): 64\.9 → 70/);
    assert.match(m, /line 1 net value \(P_11\): 778\.80 → 840\.00/);
    assert.match(m, /gross total \(P_15\): 1536\.41 → 1611\.69/);
    assert.equal(reused[0]!.where?.['invoice'], 'FA/231/2026');
    const dear = await result(env, 'nowa-cena.csv').catch(() => undefined);
    assert.ok(!dear?.invoices.some((i) => i.status === 'accepted'), 'not reported accepted');

    // the same business content in a file written differently (LF line ends): already accepted
    const again = await result(env, 'ponownie.csv');
    assert.deepEqual(again.invoices.map((i) => [i.invoiceNumber, i.status, i.ksefNumber]), [['FA/231/2026', 'accepted', ksef]]);
    assert.ok(again.invoices[0]!.errors.some((e) => e.code === 'PIPELINE_ALREADY_ACCEPTED'));
    });
  } finally {
    await env.cleanup();
  }
});

test('the same invoice number twice in one file is an error naming both places', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }] });
  try {
    // the shop export with its second order numbered like the first
    const shop = await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8');
    const twice = shop.replace('"invoice_number": "SKLEP/2026/11/0458"', '"invoice_number": "SKLEP/2026/11/0457"');
    assert.notEqual(twice, shop);
    await writeFile(join(env.inbox('shop'), 'dwa-razy.json'), twice);
    await withAgent(env, async (once) => {
      assert.equal((await once()).attempts, 0, 'nothing sent');
    });
    const report = await errorReport(env, 'dwa-razy.json');
    const hits = report.errors.filter((e) => e.code === 'INVOICE_NUMBER_TWICE_IN_FILE');
    assert.equal(hits.length, 1, JSON.stringify(report.errors));
    assert.match(hits[0]!.message, /SKLEP\/2026\/11\/0457/);
    assert.match(hits[0]!.message, /first at line 5, at \$\.orders\[0\]; again at line 62, at \$\.orders\[1\]/);
    assert.equal(hits[0]!.where?.['path'], '$.orders[1]');
    assert.equal(hits[0]!.where?.['invoice'], 'SKLEP/2026/11/0457');
    assert.ok(report.errors.some((e) => e.code === 'PIPELINE_NOT_SENT' && e.where?.['invoice'] === 'SKLEP/2026/11/0459'));
  } finally {
    await env.cleanup();
  }
});

test('two files with one number sent together: the 440 is ours only for the same content', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], send: { mode: 'online' } });
  try {
    await writeFile(join(env.inbox('optima'), 'a.csv'), csv(fa231));
    await writeFile(join(env.inbox('optima'), 'b.csv'), csv(fa231Dearer));
    await writeFile(join(env.inbox('optima'), 'c.csv'), csv(fa231, '\n'));
    await withAgent(env, async (once) => {
      assert.equal((await once()).accepted, 1, 'KSeF holds one FA/231/2026');
    });
    const res = await Promise.all(['a.csv', 'b.csv', 'c.csv'].map((n) => result(env, n)));
    const [a, b, c] = res.map((r) => r.invoices[0]!);
    // a and c carry the same invoice: both accepted under one KSeF number, whichever went first
    assert.equal(a!.status, 'accepted');
    assert.equal(c!.status, 'accepted');
    assert.equal(a!.ksefNumber, c!.ksefNumber);
    // b has another price under that number: rejected, naming the original
    assert.equal(b!.status, 'rejected');
    assert.ok(!b!.ksefNumber);
    const e = b!.errors.find((x) => x.code === 'INVOICE_NUMBER_REUSED');
    assert.ok(e, JSON.stringify(b!.errors));
    assert.match(e.message, new RegExp(a!.ksefNumber!));
    assert.match(e.message, /correction invoice/);
  } finally {
    await env.cleanup();
  }
});
