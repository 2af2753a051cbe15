// "Files in progress" of a company is one fact: status and /health (companyFacts) and the lines
// `once` prints when it stops with work left (a company refused by KSeF, out of patience) count
// the same files — claimed or mapped, not those already in errors/ or recognised as duplicates.
// A real lowdb store in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LowdbStateStore } from '../../src/store/lowdb-state-store.ts';
import { companyFacts, filesInProgress } from '../../src/agent/health-facts.ts';
import { heldCompanies, waitingCompanies } from '../../src/cli/once.ts';
import type { Agent } from '../../src/agent/agent.ts';
import type { AgentConfig } from '../../src/config/agent-config.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const file = (companyId: string, name: string) => ({
  companyId, inboxId: 'main', sourceName: name, path: `/work/claimed/${name}`, size: 1, sha256: name.padEnd(64, '0'), claimedAt: '2026-11-25T10:00:00.000Z',
});

test('status, /health and once report the same number of files in progress for the same state', async () => {
  await withTempDir('in-progress-', async (dir) => {
    const store = new LowdbStateStore({ dir: join(dir, 'state') });
    await store.open();
    try {
      const claimed = await store.recordClaim(file('acme', 'a.csv'));
      const mapped = await store.recordClaim(file('acme', 'b.csv'));
      await store.planInvoices(mapped.id, []);
      const failed = await store.recordClaim(file('acme', 'c.csv'));
      await store.failFile(failed.id, [{ code: 'CSV_BAD_ROW', message: 'bad row' }]);
      const dup = await store.recordClaim(file('acme', 'd.csv'));
      await store.markDuplicateFile(dup.id, claimed.id);
      await store.recordClaim(file('other', 'e.csv'));
      assert.deepEqual(store.activeFiles().filter((f) => f.companyId === 'acme').map((f) => f.state).sort(), ['claimed', 'duplicate', 'failed', 'mapped']);

      assert.equal(filesInProgress(store.activeFiles(), 'acme'), 2);
      const config = { companies: [{ id: 'acme' }, { id: 'other' }] } as unknown as AgentConfig;
      // status and /health both take this from companyFacts
      assert.deepEqual(companyFacts(config, store, []).map((c) => [c.id, c.activeFiles]), [['acme', 2], ['other', 1]]);
      const held = { code: 'KSEF_AUTH_REFUSED', message: 'acme: KSeF refused the login', since: '2026-11-25T10:00:00.000Z', until: '2026-11-25T10:05:00.000Z', pauseMs: 300_000 };
      const agent = { store, pipelines: [{ companyId: 'acme', held, trouble: undefined, intakeTrouble: [] }], baseUrl: 'http://sim', config } as unknown as Agent;
      const [heldLine] = heldCompanies(agent);
      assert.match(heldLine!, /; 2 file\(s\) wait in the work area/);
      const [waitLine] = waitingCompanies(agent);
      assert.match(waitLine!, /^company acme: 2 file\(s\), 0 invoice\(s\) wait/);
    } finally {
      await store.close();
    }
  });
});
