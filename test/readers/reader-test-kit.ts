import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { AgentError } from '../../src/core/errors.ts';
import type { SourceRecord } from '../../src/core/records.ts';
import type { InputOptions, DecodeOptions, CsvOptions } from '../../src/core/input-options.ts';
import { readRecords } from '../../src/readers/index.ts';

/** A fresh temp directory for this test, removed afterwards. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ksef-readers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `name` in a fresh temp dir and returns its path. */
export async function fixtureFile(t: TestContext, name: string, content: string | Uint8Array): Promise<string> {
  const path = join(await tempDir(t), name);
  await writeFile(path, content);
  return path;
}

export async function collect(path: string, input: InputOptions, displayName = 'in.dat'): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readRecords(path, input, displayName)) out.push(r);
  return out;
}

/** Reads to the end and returns the AgentError it must fail with. */
export async function failure(path: string, input: InputOptions, displayName = 'in.dat'): Promise<AgentError> {
  try {
    await collect(path, input, displayName);
  } catch (e) {
    assert.ok(e instanceof AgentError, `expected an AgentError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the reader to fail');
}

export const utf8: DecodeOptions = { encoding: 'utf-8' };

export const csvDefaults: CsvOptions = {
  delimiter: ';',
  quote: '"',
  header: true,
  skipLines: 0,
  skipTrailingLines: 0,
  skipEmptyRows: true,
};

export const csvInput = (csv: Partial<CsvOptions> = {}, decode: DecodeOptions = utf8): InputOptions => ({
  format: 'csv',
  decode,
  csv: { ...csvDefaults, ...csv },
});
