// KSeF's Offline classification is never hidden: an invoice issued before the sending day is
// recorded by KSeF (the simulator over HTTP) as Offline; its result (JSON and CSV) carries the
// warnings, the invoicingMode KSeF reported and what Offline means for the buyer and the dates,
// and the log says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { makeAgentEnv, readJson, REPO } from '../helpers/agent-env.ts';
import { localDay } from '../../src/core/local-day.ts';
import { offlineNote } from '../../src/outbox/offline-note.ts';
import { nextWorkingDay } from '../../src/core/polish-holidays.ts';

const dayShift = (day: string, n: number): string => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

test('next working day and the offline note', () => {
  assert.equal(nextWorkingDay('2026-11-19'), '2026-11-20'); // Thu → Fri
  assert.equal(nextWorkingDay('2026-11-20'), '2026-11-23'); // Fri → Mon
  assert.equal(nextWorkingDay('2026-11-21'), '2026-11-23'); // Sat → Mon
  const n = offlineNote('2026-11-20', '2026-11-24T10:00:00+01:00');
  assert.deepEqual({ ...n, note: undefined }, { issueDate: '2026-11-20', receivedInKsef: '2026-11-24', sendBy: '2026-11-23', late: true, note: undefined });
  assert.match(n.note, /^KSeF recorded this invoice as issued offline \(TrybWysylki Offline\): its issue date 2026-11-20 is before the day KSeF received it, 2026-11-24\. Its date of issue is the date on the invoice \(2026-11-20\), not the KSeF acquisition date; the buyer receives it in KSeF on the day it got its KSeF number \(2026-11-24\)\. A copy given to the buyer outside KSeF before that must show both QR codes \(KOD I and KOD II\)\. In offline24 mode it had to reach KSeF by 2026-11-23, the next working day after the issue date; it reached KSeF later, on 2026-11-24\.$/);
  assert.equal(offlineNote('2026-11-20', '2026-11-23T10:00:00+01:00').late, false);
});

test('run/once: an invoice KSeF records as Offline has its warnings, invoicingMode and the offline meaning in the result JSON, the CSV and the log', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'shop', mapping: 'shop-json.json' }], send: { mode: 'online' } });
  try {
    const shop = JSON.parse(await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8')) as { orders: Record<string, unknown>[] };
    const today = localDay(Date.now());
    const past = dayShift(today, -3);
    const order = shop.orders[0]!;
    const orders = [
      { ...order, id: 1, invoice_number: 'SKLEP/OFF/1', created_at: `${past}T12:00:00+01:00`, paid_at: `${past}T12:05:00+01:00` },
      { ...order, id: 2, invoice_number: 'SKLEP/ON/2', created_at: `${today}T00:30:00+01:00`, paid_at: `${today}T00:35:00+01:00` },
    ];
    await writeFile(join(env.inbox('shop'), 'orders.json'), JSON.stringify({ ...shop, orders }));
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    try {
      await agent.open();
      await agent.runOnce();
    } finally {
      await agent.close();
    }
    type Inv = { invoiceNumber: string; status: string; invoicingMode: string | null; warnings: { code: string; message: string; where?: Record<string, unknown> }[]; offline: Record<string, unknown> | null; acquisitionDate: string };
    const r = await readJson<{ status: string; invoices: Inv[] }>(join(env.outbox, 'results', 'orders.json.result.json'));
    assert.equal(r.status, 'complete');
    const [off, on] = r.invoices as [Inv, Inv];
    assert.equal(off.status, 'accepted');
    assert.equal(off.invoicingMode, 'Offline');
    assert.deepEqual(off.warnings.map((w) => w.code), ['FA_ISSUE_DATE_PAST', 'KSEF_OFFLINE']);
    assert.match(off.warnings[0]!.message, new RegExp(`issue date ${past} is before the sending day ${today}: KSeF will classify the invoice as offline`));
    assert.equal(off.warnings[0]!.where?.['invoice'], 'SKLEP/OFF/1');
    assert.equal(off.warnings[0]!.where?.['file'], 'orders.json');
    const received = localDay(off.acquisitionDate);
    assert.deepEqual(off.offline, {
      issueDate: past, receivedInKsef: received, sendBy: nextWorkingDay(past), late: received > nextWorkingDay(past),
      note: offlineNote(past, off.acquisitionDate).note,
    });
    assert.match(off.warnings[1]!.message, new RegExp(`^KSeF recorded this invoice as issued offline .*date of issue is the date on the invoice \\(${past}\\)`));

    assert.equal(on.status, 'accepted');
    assert.equal(on.invoicingMode, 'Online');
    assert.deepEqual(on.warnings, []);
    assert.equal(on.offline, null);

    // the CSV (default columns) carries the mode and the warnings
    const csv = (await readFile(join(env.outbox, 'results', 'orders.json.result.csv'), 'utf8')).replace(/^\ufeff/, '');
    const [head, row1, row2] = csv.trimEnd().split('\r\n').map((l) => l.split(';')) as [string[], string[], string[]];
    const col = (row: string[], name: string): string => row[head.indexOf(name)]!;
    assert.deepEqual(head.slice(-3), ['invoicingMode', 'warningCode', 'warningMessage']);
    assert.equal(col(row1, 'invoicingMode'), 'Offline');
    assert.equal(col(row1, 'warningCode'), 'FA_ISSUE_DATE_PAST KSEF_OFFLINE');
    assert.match(col(row1, 'warningMessage'), /KSeF will classify the invoice as offline \| KSeF recorded this invoice as issued offline/);
    assert.equal(col(row2, 'invoicingMode'), 'Online');
    assert.equal(col(row2, 'warningCode'), '');

    // the log: one warn line for the file's warnings, and the acceptance says Offline
    const log = (await readFile(join(env.dir, 'logs', 'agent.log'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { level: string; event?: string; message: string });
    const warned = log.filter((l) => l.event === 'file.warnings');
    assert.equal(warned.length, 1);
    assert.equal(warned[0]!.level, 'warn');
    assert.match(warned[0]!.message, /^file\.warnings: orders\.json: 1 invoice\(s\) with a warning \[FA_ISSUE_DATE_PAST\], sent all the same: SKLEP\/OFF\/1; e\.g\. issue date/);
    const accepted = log.filter((l) => l.event === 'ksef.accepted');
    assert.match(accepted.find((l) => l.message.includes('SKLEP/OFF/1'))!.message, /; KSeF recorded it as Offline: its date of issue is the date on the invoice/);
    assert.doesNotMatch(accepted.find((l) => l.message.includes('SKLEP/ON/2'))!.message, /Offline/);
  } finally {
    await env.cleanup();
  }
});
