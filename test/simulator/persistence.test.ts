import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

test('a restarted simulator with the same stateDir continues: keys, tokens, sessions, invoices, duplicates, counters', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-sim-state-'));
  try {
    const first = await startSimulator({ rateLimits: 'off', stateDir: dir, tokens: [{ nip: NIP, token: 'fixed-token-for-test' }] });
    const client = new SimTestClient(first.baseUrl);
    await client.login(NIP, 'fixed-token-for-test');
    const keys = first.publicKeys().map((k) => k.publicKeyId).sort();
    const s = await client.openOnline();
    const sent = await client.send(s, fa3Invoice({ sellerNip: NIP, number: 'P/1' }));
    const before = await client.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}`);
    await first.close();
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);

    const second = await startSimulator({ rateLimits: 'off', stateDir: dir });
    try {
      assert.deepEqual(second.publicKeys().map((k) => k.publicKeyId).sort(), keys);
      const again = new SimTestClient(second.baseUrl);
      again.accessToken = client.accessToken; // issued by the first process, still valid
      const after = await again.call('GET', `/sessions/${s.ref}/invoices/${sent.json.referenceNumber}`);
      assert.equal(after.status, 200);
      assert.equal(after.json.ksefNumber, before.json.ksefNumber);
      const dup = await again.send(s, fa3Invoice({ sellerNip: NIP, number: 'P/1' }));
      const dupSt = await again.call('GET', `/sessions/${s.ref}/invoices/${dup.json.referenceNumber}`);
      assert.equal(dupSt.json.status.code, 440);
      assert.equal(dupSt.json.status.extensions.originalKsefNumber, before.json.ksefNumber);
      const row = second.counters().sends.find((r) => r.invoiceNumber === 'P/1')!;
      assert.deepEqual([row.attempts, row.accepted, row.duplicates], [2, 1, 1]);
      // The token registered by the first run still logs in.
      const fresh = new SimTestClient(second.baseUrl);
      await fresh.login(NIP, 'fixed-token-for-test');
      assert.deepEqual([...client.violations, ...again.violations, ...fresh.violations], []);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
