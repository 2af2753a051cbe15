// After a crash, `status` reports everything the agent last published: held companies, KSeF
// trouble, and files it could not take in or claim (INTAKE_FAILED, INBOX_CLAIM_FAILED).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stoppedAgentReasons } from '../../src/agent/stopped-agent.ts';

test('a crashed agent: the files it could not take in or claim are reported as last known', () => {
  const reasons = stoppedAgentReasons('/srv/state/agent.lock', { pid: 4242, host: 'h', since: '2026-11-25T08:00:00.000Z', command: 'run' } as never, [{
    id: 'acme',
    intake: [{ sourceName: 'faktury.csv', code: 'PIPELINE_INTERNAL', message: 'acme: EEXIST mkdir work/xml', since: '2026-11-25T09:00:00.000Z', until: '2026-11-25T09:05:00.000Z', transient: false }],
    unclaimed: [{ inboxId: 'shop', name: 'orders.json', code: 'INBOX_CLAIM_FAILED', message: 'cannot claim orders.json (EIO)', since: '2026-11-25T09:10:00.000Z' }],
  }]);
  assert.deepEqual(reasons.map((r) => [r.level, r.code, r.companyId ?? '']), [['degraded', 'AGENT_CRASHED', ''], ['failing', 'INTAKE_FAILED', 'acme'], ['degraded', 'INBOX_CLAIM_FAILED', 'acme']]);
  assert.equal(reasons[1]!.message, 'company acme, when the agent stopped (last known): faktury.csv could not be taken in since 2026-11-25T09:00:00.000Z: EEXIST mkdir work/xml [PIPELINE_INTERNAL]; it stays claimed in the work area');
  assert.equal(reasons[2]!.message, 'company acme, when the agent stopped (last known): inbox shop: file orders.json cannot be taken since 2026-11-25T09:10:00.000Z: cannot claim orders.json (EIO) [INBOX_CLAIM_FAILED]');
});
