// The real binary with its log file on a full disk (agent.log → /dev/full): the console keeps
// logging, stderr says once why the file is not written, and a clean stop (SIGTERM) exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';
import { waitFor } from '../helpers/wait-for.ts';

test('run with the log file on a full disk: console lines keep coming, one notice on stderr, SIGTERM exits 0', { skip: process.platform !== 'linux', timeout: 60_000 }, async () => {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json', example: 'optima' }] });
  try {
    // console on, file logging in <dir>/logs whose agent.log is the full device
    const config = JSON.parse(await readFile(env.configFile, 'utf8')) as Record<string, any>;
    config['logging'] = { level: 'info', console: true, dir: 'logs' };
    await writeFile(env.configFile, JSON.stringify(config, null, 2));
    await mkdir(join(env.dir, 'logs'), { recursive: true });
    await symlink('/dev/full', join(env.dir, 'logs', 'agent.log'));

    const child = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'run', '--config', env.configFile], { env: env.env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    try {
      // the file fails on the very first line; everything after it must still reach the console
      await waitFor('the first file to be done (console)', async () => stdout.includes('file.done: faktury-2026-11.csv done: 4 accepted'), 40_000);
      child.kill('SIGTERM');
      const end = await exited;
      assert.deepEqual(end, { code: 0, signal: null }, `exit after SIGTERM\nstderr:\n${stderr.slice(-2000)}`);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    const notices = stderr.split('\n').filter((l) => l.startsWith('ksef-hotfolder: cannot write the log file'));
    assert.equal(notices.length, 1, stderr.slice(0, 2000));
    assert.match(notices[0]!, /agent\.log \(ENOSPC: no space left on device\)/);
    assert.ok(stdout.split('\n').filter((l) => l.includes('ksef.accepted')).length === 4, stdout);
    // the file lines went to stderr instead of being lost
    assert.ok(stderr.split('\n').some((l) => l.startsWith('{') && l.includes('"event":"file.done"')), 'the JSON line of file.done is on stderr');
  } finally {
    await env.cleanup();
  }
});
