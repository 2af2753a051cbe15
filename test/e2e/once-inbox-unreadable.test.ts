// `once` with an inbox that cannot be listed when it looks for files still waiting (a share gone
// away, the inbox path replaced): it must not finish as if the inbox were empty. The whole agent
// in-process against the in-process simulator, a real inbox folder moved away after the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { Agent } from '../../src/agent/agent.ts';
import { makeAgentEnv } from '../helpers/agent-env.ts';
import { onceVerdict } from '../../src/cli/once.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';

test('once: an inbox whose folder went away after the start is reported (INBOX_FOLDER_MISSING), not taken for empty', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'main', mapping: 'optima-csv.json' }] });
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, command: 'once' });
  try {
    await agent.open();
    await writeFile(join(env.inbox('main'), 'faktury.csv'), 'waits here\n');
    // the share is unmounted: its folder, with the file in it, is no longer at the inbox path
    await rename(env.inbox('main'), `${env.inbox('main')}-away`);
    const outcome = await agent.runOnce();
    assert.deepEqual(outcome.unreadInboxes?.map((p) => [p.companyId, p.inboxId, p.code]), [['acme', 'main', 'INBOX_FOLDER_MISSING']]);
    assert.match(outcome.unreadInboxes![0]!.message, /does not exist/);
    // the command's answer: exit 1 (not 0), one line naming the inbox, its folder and the code
    const verdict = onceVerdict(Object.assign(agent, { outcome }));
    assert.equal(verdict.exitCode, EXIT.notDone);
    assert.deepEqual(verdict.lines.length, 1);
    assert.match(verdict.lines[0]!, new RegExp(`^inbox acme/main was not read: inbox folder ${env.inbox('main')} does not exist .* \\[INBOX_FOLDER_MISSING\\]; files in it were not taken`));
  } finally {
    await agent.close();
    await env.cleanup();
  }
});

test('once: a readable inbox: nothing reported, exit 0, the file in it taken', async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'main', mapping: 'optima-csv.json' }] });
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env, command: 'once' });
  try {
    await agent.open();
    await writeFile(join(env.inbox('main'), 'faktury.csv'), 'not an optima export\n');
    const outcome = await agent.runOnce();
    assert.equal(outcome.unreadInboxes, undefined);
    assert.deepEqual(onceVerdict(Object.assign(agent, { outcome })), { exitCode: EXIT.ok, lines: [] });
    assert.deepEqual(await readdir(env.inbox('main')), [], 'the file was taken (to errors: not an export the mapping reads)');
  } finally {
    await agent.close();
    await env.cleanup();
  }
});
