import type { SourceRecord } from '../core/records.ts';
import type { InputFormat, InputOptions } from '../core/input-options.ts';
import type { Limits } from '../core/limits.ts';
import { csvReader } from './csv.ts';
import { xlsxReader } from './xlsx.ts';
import { fixedReader } from './fixed.ts';
import { xmlReader } from './xml.ts';
import { jsonReader } from './json.ts';
import { jsonlReader } from './jsonl.ts';
import { sectionsReader } from './sections.ts';

/** Every input format has this one shape. */
export interface Reader<O> {
  /**
   * Streams the records of the file at `path`. `displayName` is what errors and provenance call
   * the file (the name the ERP wrote, not the claimed path). Every failure is an AgentError.
   * A reader stops as soon as one of `limits` it can see is exceeded (record length, XLSX
   * size); file size and record count are checked around every reader by readRecords.
   */
  read(path: string, options: O, displayName: string, limits: Limits): AsyncIterable<SourceRecord>;
}

/** The `input` section of a mapping for one format. */
export type OptionsOf<F extends InputFormat> = Extract<InputOptions, { readonly format: F }>;

export const readers: { readonly [F in InputFormat]: Reader<OptionsOf<F>> } = {
  csv: csvReader,
  xlsx: xlsxReader,
  fixed: fixedReader,
  xml: xmlReader,
  json: jsonReader,
  jsonl: jsonlReader,
  sections: sectionsReader,
};
