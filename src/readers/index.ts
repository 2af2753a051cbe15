import type { SourceRecord } from '../core/records.ts';
import type { InputOptions } from '../core/input-options.ts';
import { DEFAULT_LIMITS } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { readers } from './registry.ts';
import type { OptionsOf, Reader } from './registry.ts';
import { checkFileSize, countRecords } from './read-limits.ts';

/**
 * Streams the records of one file as the mapping's `input` section describes, within `limits`:
 * the file's size is checked before it is opened, and reading stops at the first record over
 * the limit (LIMIT_* errors).
 */
export async function* readRecords(path: string, input: InputOptions, displayName: string, limits: Limits = DEFAULT_LIMITS): AsyncGenerator<SourceRecord> {
  await checkFileSize(path, input.format, displayName, limits);
  const reader = readers[input.format] as Reader<OptionsOf<typeof input.format>>;
  yield* countRecords(reader.read(path, input, displayName, limits), limits);
}

export { readers } from './registry.ts';
export type { OptionsOf, Reader } from './registry.ts';
export { decodeFile, decodeFileToString, describeEncoding, resolveEncoding } from './decode.ts';
export type { ConcreteEncoding, ResolvedEncoding, DecodeRequest } from './decode.ts';
