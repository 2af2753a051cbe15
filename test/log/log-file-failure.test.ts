// Logging survives its own failures: a log file that cannot be written (disk full) sends the
// lines to stderr with one notice, the console keeps going, the file is retried and resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { closeLogger, createLogger } from '../../src/log/create-logger.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms).unref())]);

test('log file on a full disk (/dev/full): console keeps going, lines go to stderr with one notice, the file resumes, the logger closes', { skip: process.platform !== 'linux' }, async () => {
  await withTempDir('log-full-', async (dir) => {
    await symlink('/dev/full', join(dir, 'agent.log'));
    let now = 1_000_000;
    const console = capture();
    const fallback = capture();
    const logger = createLogger({
      level: 'info', dir, maxSize: 1_000_000, maxFiles: 2, console: true, redactor: new Redactor(),
      consoleStream: console.stream, fileFallback: fallback.stream, fileRetryMs: 30_000, now: () => now,
    } as never);
    logger.info('first line');
    logger.warn('second line');
    now += 10_000; // not yet time to try the file again
    logger.info('third line');
    assert.deepEqual(console.text().trimEnd().split('\n').map((l) => l.slice(13)), ['info  first line', 'warn  second line', 'info  third line']);
    const notices = fallback.text().split('\n').filter((l) => l.startsWith('ksef-hotfolder:'));
    assert.equal(notices.length, 1, fallback.text());
    assert.match(notices[0]!, /cannot write the log file .*agent\.log \(ENOSPC: no space left on device\); log lines go to stderr until it can be written again/);
    const diverted = fallback.text().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message: string });
    assert.deepEqual(diverted.map((l) => l.message), ['first line', 'second line', 'third line']);

    // space again: the file is tried once the retry time has passed
    await unlink(join(dir, 'agent.log'));
    now += 20_000;
    logger.info('fourth line');
    logger.info('fifth line');
    await within(closeLogger(logger), 5_000, 'closing the logger');
    const file = await readFile(join(dir, 'agent.log'), 'utf8');
    assert.deepEqual(file.trimEnd().split('\n').map((l) => (JSON.parse(l) as { message: string }).message), ['fourth line', 'fifth line']);
    const resumed = fallback.text().split('\n').filter((l) => l.includes('logging to it resumes'));
    assert.equal(resumed.length, 1, fallback.text());
    assert.match(resumed[0]!, /logging to it resumes \(3 line\(s\) went to stderr meanwhile\)/);
    assert.match(console.text(), /fifth line/);
  });
});

test('a log folder that cannot even be created: the logger starts, says why once, and the console works', async () => {
  await withTempDir('log-nodir-', async (dir) => {
    const blocker = join(dir, 'not-a-folder');
    await (await import('node:fs/promises')).writeFile(blocker, 'x');
    const console = capture();
    const fallback = capture();
    const logger = createLogger({
      level: 'info', dir: join(blocker, 'logs'), maxSize: 1000, maxFiles: 2, console: true, redactor: new Redactor(),
      consoleStream: console.stream, fileFallback: fallback.stream,
    } as never);
    logger.info('hello');
    logger.info('again');
    await within(closeLogger(logger), 5_000, 'closing the logger');
    assert.match(console.text(), /hello[\s\S]*again/);
    const notices = fallback.text().split('\n').filter((l) => l.startsWith('ksef-hotfolder:'));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /cannot write the log file .*\((ENOTDIR|EEXIST): /);
  });
});
