// Issue 10 item 6: GET /rate-limits in the newest public shape. API 2.7.0 (TEST build 2.7.0-te,
// July 2026) added the required group `collectiveIdentifier` (10/s, 60/min, 120/h) to
// EffectiveApiRateLimits, for the new /collective-identifiers endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';

const NIP = '5265877635';
const GROUPS_2_7 = [
  'batchSession', 'collectiveIdentifier', 'invoiceDownload', 'invoiceExport', 'invoiceExportStatus', 'invoiceMetadata', 'invoiceSend',
  'invoiceStatus', 'onlineSession', 'other', 'sessionInvoiceList', 'sessionList', 'sessionMisc',
];

test('GET /rate-limits has every 2.7.0 group, collectiveIdentifier included', async () => {
  const sim = await startSimulator({ rateLimits: 'prod' });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const r = await client.call('GET', '/rate-limits');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json).sort(), GROUPS_2_7);
    assert.deepEqual(r.json.collectiveIdentifier, { perSecond: 10, perMinute: 60, perHour: 120 });
    assert.deepEqual(r.json.invoiceSend, { perSecond: 10, perMinute: 30, perHour: 180 });
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
