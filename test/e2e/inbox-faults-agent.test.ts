// One bad file never stops the agent or its start, and crash leftovers are swept everywhere. Real
// child processes of the binary; the unreadable file is really unreadable: the agent runs as the
// unprivileged user `nobody` (root reads everything, so chmod 000 alone proves nothing as root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, readJson, listTree, REPO } from '../helpers/agent-env.ts';
import { runAgentChild } from '../helpers/agent-child.ts';
import type { ChildResult } from '../helpers/agent-child.ts';

const NOBODY = 65534;
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The binary as user `nobody` (like runAgentChild, with uid/gid). */
function runAsNobody(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), ...args], { env: { ...env, HOME: '/tmp' }, cwd: REPO, uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function chownTree(dir: string): Promise<void> {
  await chown(dir, NOBODY, NOBODY);
  for (const e of await readdir(dir, { recursive: true })) await chown(join(dir, e), NOBODY, NOBODY);
}

test('an unreadable file (claimed, then a SIGKILL): the restart exits 0, the file goes to errors with a report, the good file is accepted', { skip: !asRoot && 'needs root to run the agent as another user' }, async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl, send: { mode: 'online' } });
  try {
    sim.registerToken('9999999999', env.token);
    const inbox = env.inbox('optima');
    await cp(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(inbox, 'good.csv'));
    await writeFile(join(inbox, 'secret.csv'), await readFile(join(inbox, 'good.csv')));
    await chownTree(env.dir);
    await chmod(join(inbox, 'secret.csv'), 0o000);
    // the unreadable file is the older one: it is claimed first, and the crash comes right after
    await utimes(join(inbox, 'secret.csv'), new Date(2026, 0, 1), new Date(2026, 0, 1));
    const first = await runAsNobody(['once', '--config', env.configFile], { ...env.env, KSEF_HOTFOLDER_CRASH_AT: 'after-claim' });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const second = await runAsNobody(['once', '--config', env.configFile], env.env);
    assert.equal(second.code, 0, `the start must not fail on one file: ${second.stderr}`);
    const report = await readJson<{ errors: { code: string; message: string }[] }>(join(env.outbox, 'errors', 'secret.csv.error.json'));
    assert.deepEqual(report.errors.map((e) => e.code), ['INBOX_FILE_UNREADABLE']);
    assert.match(report.errors[0]!.message, /the file cannot be read \(EACCES\)/);
    const good = await readJson<{ status: string; summary: { accepted: number } }>(join(env.outbox, 'results', 'good.csv.result.json'));
    assert.equal(good.summary.accepted, 4);
    const bad = await readJson<{ invoices: { status: string; errors: { code: string }[] }[] }>(join(env.outbox, 'results', 'secret.csv.result.json'));
    assert.deepEqual(bad.invoices.map((i) => [i.status, i.errors[0]!.code]), [['rejected', 'INBOX_FILE_UNREADABLE']]);
    const third = await runAsNobody(['once', '--config', env.configFile], env.env);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual((await listTree(env.dir)).filter((p) => p.startsWith('work/claimed/')), []);
  } finally {
    await sim.close();
    await env.cleanup();
  }
});

test('temp files of interrupted atomic writes are swept at start everywhere the agent writes: errors, results, archive, work area', async () => {
  const sim = await startSimulator({ rateLimits: 'off', processingDelayMs: 0 });
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: sim.baseUrl });
  try {
    sim.registerToken('9999999999', env.token);
    const leftovers = [
      'outbox/errors/.bad.csv.error.json.0a1b2c3d.tmp',
      'outbox/errors/.bad.csv.error.txt.0a1b2c3e.tmp',
      'outbox/results/.x.csv.result.json.12345678.tmp',
      'outbox/upo/.KSEF-1.xml.abcdef01.tmp',
      'outbox/purchases/2026-11/.P-1.xml.abcdef02.tmp',
      'archive/2026-11-21/.x.csv.abcdef03.tmp',
      'work/xml/.c_1.xml.abcdef04.tmp',
      'work/mappings/.0123.json.abcdef05.tmp',
      'work/claimed/optima/0123/.20261121101010123-abcdef__x.csv.source.abcdef06.tmp',
    ];
    const kept = ['outbox/errors/old.csv', 'outbox/errors/.not-ours.tmp', 'archive/2026-11-21/x.csv'];
    for (const p of [...leftovers, ...kept]) {
      await mkdir(join(env.dir, p, '..'), { recursive: true });
      await writeFile(join(env.dir, p), 'half');
    }
    const run = await runAgentChild(['once', '--config', env.configFile], env.env);
    assert.equal(run.code, 0, run.stderr);
    const tree = await listTree(env.dir);
    assert.deepEqual(leftovers.filter((p) => tree.includes(p)), [], 'every leftover swept');
    assert.deepEqual(kept.filter((p) => !tree.includes(p)), [], 'nothing else touched');
  } finally {
    await sim.close();
    await env.cleanup();
  }
});
