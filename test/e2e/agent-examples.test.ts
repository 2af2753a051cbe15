// Every example export through the whole agent (`once`) and the in-process simulator over HTTP:
// result file with KSeF numbers, UPO and sent XML for every invoice, source archived, CSV result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { isValidKsefNumber } from '../../src/simulator/index.ts';
import { listTree, makeAgentEnv, readJson } from '../helpers/agent-env.ts';

const EXAMPLES = [
  { id: 'optima', mapping: 'optima-csv.json', example: 'optima', source: 'faktury-2026-11.csv', count: 4 },
  { id: 'dos', mapping: 'dos-fixed.json', example: 'dos', source: 'FAKT1121.TXT', count: 3 },
  { id: 'excel', mapping: 'excel-sales.json', example: 'excel', source: 'sprzedaz-listopad.xlsx', count: 3 },
  { id: 'erp-xml', mapping: 'erp-xml.json', example: 'erp-xml', source: 'export-20261121.xml', count: 3 },
  { id: 'shop', mapping: 'shop-json.json', example: 'shop', source: 'orders-20261121.json', count: 3 },
] as const;

interface Result {
  status: string;
  source: string;
  summary: { accepted: number; pending: number; rejected: number };
  invoices: { invoiceNumber: string; status: string; ksefNumber: string; upoFile: string; sessionReferenceNumber: string; acquisitionDate: string }[];
}

test('every example format: dropped file → accepted invoices, result, UPO, sent XML, archived source', async () => {
  const env = await makeAgentEnv({ inboxes: EXAMPLES.map((e) => ({ id: e.id, mapping: e.mapping, example: e.example })) });
  try {
    const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
    await agent.open();
    try {
      await agent.runOnce();
      const counters = agent.simulator!.counters();
      const total = EXAMPLES.reduce((a, e) => a + e.count, 0);
      assert.equal(counters.totals.accepted, total);
      assert.equal(counters.totals.attempts, total, 'each invoice sent exactly once');
    } finally {
      await agent.close();
    }
    const tree = await listTree(env.dir);
    for (const e of EXAMPLES) {
      const r = await readJson<Result>(join(env.outbox, 'results', `${e.source}.result.json`));
      assert.equal(r.status, 'complete', e.source);
      assert.equal(r.summary.accepted, e.count, e.source);
      assert.equal(r.invoices.length, e.count);
      for (const i of r.invoices) {
        assert.equal(i.status, 'accepted', `${e.source} ${i.invoiceNumber}`);
        assert.ok(isValidKsefNumber(i.ksefNumber), i.ksefNumber);
        assert.ok(i.sessionReferenceNumber);
        assert.ok(i.acquisitionDate);
        assert.equal(i.upoFile, `${i.ksefNumber}.xml`);
        const upo = await readFile(join(env.outbox, 'upo', i.upoFile), 'utf8');
        assert.match(upo, new RegExp(i.ksefNumber));
        const sent = await readFile(join(env.outbox, 'sent', `${i.ksefNumber}.xml`), 'utf8');
        assert.match(sent, new RegExp(`<P_2>${i.invoiceNumber.replace(/\//g, '\\/')}</P_2>`));
      }
      assert.ok(tree.some((p) => p.startsWith('archive/') && p.endsWith(`/${e.source}`)), `${e.source} archived`);
      assert.ok(!tree.includes(`inbox/${e.id}/${e.source}`), 'inbox emptied');
      const csv = await readFile(join(env.outbox, 'results', `${e.source}.result.csv`), 'utf8');
      assert.equal(csv.trim().split('\r\n').length, e.count + 1);
    }
    assert.equal(tree.filter((p) => p.startsWith('work/xml/') || p.startsWith('work/claimed/')).length, 0, 'work area empty');
    assert.equal(tree.filter((p) => p.startsWith('outbox/errors/')).length, 0);
  } finally {
    await env.cleanup();
  }
});
