import type { SourceRecord } from '../core/records.ts';
import type { InputOptions } from '../core/input-options.ts';
import { readers } from './registry.ts';
import type { OptionsOf, Reader } from './registry.ts';

/** Streams the records of one file as the mapping's `input` section describes. */
export function readRecords(path: string, input: InputOptions, displayName: string): AsyncIterable<SourceRecord> {
  const reader = readers[input.format] as Reader<OptionsOf<typeof input.format>>;
  return reader.read(path, input, displayName);
}

export { readers } from './registry.ts';
export type { OptionsOf, Reader } from './registry.ts';
export { decodeFile, decodeFileToString, resolveEncoding } from './decode.ts';
export type { ConcreteEncoding, ResolvedEncoding, DecodeRequest } from './decode.ts';
