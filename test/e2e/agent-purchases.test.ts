import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { statusReport } from '../../src/cli/status.ts';
import { makeAgentEnv, listTree, DEMO_NIP } from '../helpers/agent-env.ts';

const DAY = 86_400_000;

test('once downloads the purchase invoices after the send work, and status reports the sync', async () => {
  const env = await makeAgentEnv({
    inboxes: [{ id: 'shop', mapping: 'shop-json.json', example: 'shop' }],
    extra: { purchases: { enabled: true, intervalMinutes: 15, roles: ['Subject2'], outputs: { metadata: true, csv: false, json: false } } },
  });
  try {
    const config = await loadConfig(env.configFile);
    const agent = new Agent(config, { env: env.env });
    await agent.open();
    let seeded: string[] = [];
    try {
      const now = Date.now();
      seeded = agent.simulator!.generateIncoming({ buyerNip: DEMO_NIP, count: 40, from: now - 20 * DAY, to: now - 2 * DAY });
      await agent.runOnce();
    } finally {
      await agent.close();
    }
    assert.equal(seeded.length, 40);
    const files = await listTree(join(env.outbox, 'purchases'));
    const xml = files.filter((f) => f.endsWith('.xml')).map((f) => f.split('/').pop()!.replace(/\.xml$/, '')).sort();
    assert.deepEqual(xml, [...seeded].sort(), 'every seeded purchase invoice exactly once');
    const meta = JSON.parse(await readFile(join(env.outbox, 'purchases', files.find((f) => f.endsWith('.json'))!), 'utf8')) as { ksefNumber?: string };
    assert.ok(seeded.includes(meta.ksefNumber!), 'metadata JSON beside each invoice names its KSeF number');
    // the send path was not disturbed: the shop orders went through as well
    assert.equal((await listTree(join(env.outbox, 'upo'))).length, 3);

    const lines = await statusReport(config);
    const line = lines.find((l) => l.startsWith('purchases acme:'));
    assert.ok(line, lines.join('\n'));
    assert.match(line!, /40 invoices downloaded/);
    assert.doesNotMatch(line!, /last success never/);
  } finally {
    await env.cleanup();
  }
});
