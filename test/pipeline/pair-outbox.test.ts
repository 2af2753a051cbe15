import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../../src/core/errors.ts';
import { writePairErrorReport } from '../../src/pipeline/pair-outbox.ts';
import { pairDescription } from '../../src/inbox/claimed-companion.ts';
import { sha256File } from '../../src/inbox/claim-file.ts';

test('a failed pair whose lines file name is taken in errors/: the report names the lines file as it was placed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pair-outbox-'));
  try {
    const claimed = join(dir, 'work', 'claimed');
    await mkdir(claimed, { recursive: true });
    const outbox = join(dir, 'outbox');
    const drop = async (claim: string, body: string) => {
      await writeFile(join(claimed, claim), `header ${body}`);
      await writeFile(join(claimed, `.${claim}.companion`), `lines ${body}`);
      await writeFile(join(claimed, `.${claim}.companion.name`), 'naglowki-linie.csv');
      return writePairErrorReport(outbox, join(claimed, claim), 'naglowki.csv', [new AgentError('X', 'bad')], { claimId: claim, companyId: 'c', inboxId: 'i', sha256: body, at: '2026-11-21T09:00:00.000Z' });
    };
    await drop('c1', 'ONE');
    await drop('c2', 'TWO');
    const errors = join(outbox, 'errors');
    const first = JSON.parse(await readFile(join(errors, 'naglowki.csv.error.json'), 'utf8')) as { companion: string };
    const second = JSON.parse(await readFile(join(errors, 'naglowki (2).csv.error.json'), 'utf8')) as { companion: string };
    assert.equal(first.companion, 'naglowki-linie.csv');
    assert.equal(second.companion, 'naglowki-linie (2).csv');
    assert.equal(await readFile(join(errors, second.companion), 'utf8'), 'lines TWO');
    assert.equal((await readdir(errors)).length, 8);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed pair retried after a crash that followed the lines file\'s move: the report still names it as placed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pair-outbox-'));
  try {
    const claimed = join(dir, 'work', 'claimed');
    await mkdir(claimed, { recursive: true });
    const outbox = join(dir, 'outbox');
    const errors = join(outbox, 'errors');
    const put = async (claim: string, body: string) => {
      await writeFile(join(claimed, claim), `header ${body}`);
      await writeFile(join(claimed, `.${claim}.companion`), `lines ${body}`);
      await writeFile(join(claimed, `.${claim}.companion.name`), 'naglowki-linie.csv');
      const { sha256 } = await pairDescription(join(claimed, claim), { size: 0, sha256: await sha256File(join(claimed, claim)) }, sha256File);
      return { claimId: claim, companyId: 'c', inboxId: 'i', sha256, at: '2026-11-21T09:00:00.000Z' };
    };
    const report = (claim: string, meta: Awaited<ReturnType<typeof put>>) =>
      writePairErrorReport(outbox, join(claimed, claim), 'naglowki.csv', [new AgentError('X', 'bad')], meta);
    await report('c1', await put('c1', 'ONE'));
    await writeFile(join(errors, 'naglowki-linie (2).csv'), 'lines of someone else');
    const meta = await put('c2', 'TWO');
    // the crash: the lines file was placed, the report not yet written
    await rename(join(claimed, '.c2.companion'), join(errors, 'naglowki-linie (3).csv'));
    await report('c2', meta);
    const second = JSON.parse(await readFile(join(errors, 'naglowki (2).csv.error.json'), 'utf8')) as { companion: string };
    assert.equal(second.companion, 'naglowki-linie (3).csv');
    assert.equal(await readFile(join(errors, second.companion), 'utf8'), 'lines TWO');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
