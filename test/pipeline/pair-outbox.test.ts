import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../../src/core/errors.ts';
import { writePairErrorReport } from '../../src/pipeline/pair-outbox.ts';

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
