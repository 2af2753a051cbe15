/**
 * JSON Lines reader: one JSON object per line, read line by line over the decoded stream, so
 * only the current line is in memory. Numbers keep their text (as in the JSON reader); empty
 * lines are skipped; provenance and every error name the 1-based physical line.
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord, SourceValue } from '../core/records.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { JsonTextError, parseJsonText } from '../core/json-text.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { decodeFile } from './decode.ts';
import { splitLines } from './split-lines.ts';

type JsonlInput = OptionsOf<'jsonl'>;

const describe = (v: SourceValue): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `the value ${JSON.stringify(v)}`);

async function* readJsonl(path: string, input: JsonlInput, displayName: string, limits: Limits): AsyncGenerator<SourceRecord> {
  const max = limits.maxRecordChars;
  const tooLong = (line: number) => limitExceeded('maxRecordChars', max, `line ${line} is longer than ${max} characters`, { file: displayName, line });
  for await (const { text, line } of splitLines(decodeFile(path, { decode: input.decode, displayName }), max, tooLong)) {
    if (text.trim() === '') continue;
    let value: SourceValue;
    try {
      value = parseJsonText(text, { scalars: 'text' }) as SourceValue;
    } catch (e) {
      if (!(e instanceof JsonTextError)) throw e;
      // the parser sees one line as its whole input: its "end of the file" is the end of this line
      const message = e.message.replace(/the end of the file/g, 'the end of the line');
      throw new AgentError('READ_JSONL_SYNTAX', `line ${line} is not valid JSON: ${message}`, {
        where: { file: displayName, line, column: e.column },
        rule: 'JSON Lines: one complete JSON object per line',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new AgentError('READ_JSONL_NOT_OBJECT', `each line must be a JSON object, but line ${line} is ${describe(value)}`, {
        where: { file: displayName, line },
        rule: 'JSON Lines: one JSON object per line (a record)',
      });
    }
    yield { values: value as { readonly [key: string]: SourceValue }, where: { file: displayName, line } };
  }
}

export const jsonlReader: Reader<JsonlInput> = {
  read: (path, options, displayName, limits) => readJsonl(path, options, displayName, limits),
};
