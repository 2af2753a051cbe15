/**
 * Fixed-width text reader: line by line over the decoded stream; the discriminator picks the
 * layout of each line (header / line / summary records); 1-based character positions.
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord } from '../core/records.ts';
import type { FixedLayout } from '../core/input-options.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { decodeFile } from './decode.ts';
import { splitLines } from './split-lines.ts';
import { checkFixedLayouts } from '../core/check-fixed-layouts.ts';

type FixedInput = OptionsOf<'fixed'>;

function layoutFinder(input: FixedInput): (text: string) => { layout?: FixedLayout; type: string } {
  const { discriminator, layouts } = input.fixed;
  if (!discriminator) return () => ({ layout: layouts[0]!, type: layouts[0]!.type });
  const byType = new Map(layouts.map((l) => [l.type, l]));
  const byTrimmedType = new Map(layouts.map((l) => [l.type.trim(), l]));
  return (text) => {
    const type = text.slice(discriminator.start - 1, discriminator.start - 1 + discriminator.length);
    const layout = byType.get(type) ?? byTrimmedType.get(type.trim());
    return layout ? { layout, type: layout.type } : { type };
  };
}

async function* readFixed(path: string, input: FixedInput, displayName: string, limits: Limits): AsyncGenerator<SourceRecord> {
  const o = input.fixed;
  const problems = checkFixedLayouts(o);
  if (problems.length > 0) throw problems[0]!.at({ file: displayName });
  const find = layoutFinder(input);
  const known = o.layouts.map((l) => `"${l.type}"`).join(', ');

  const max = limits.maxRecordChars;
  const tooLong = (line: number) => limitExceeded('maxRecordChars', max, `line ${line} is longer than ${max} characters`, { file: displayName, line });
  for await (const { text, line } of splitLines(decodeFile(path, { decode: input.decode, displayName }), max, tooLong)) {
    if (o.skipEmptyLines && text.trim() === '') continue;
    const { layout, type } = find(text);
    if (!layout) {
      if (o.unknownRecords === 'ignore') continue;
      const d = o.discriminator!;
      throw new AgentError('READ_FIXED_UNKNOWN_TYPE', `line ${line} has record type "${type}", which no layout describes (known: ${known})`, {
        where: { file: displayName, line, column: d.start, value: type },
        rule: `record type at positions ${d.start}–${d.start + d.length - 1}; set "unknownRecords": "ignore" to skip such lines`,
      });
    }
    const values: Record<string, string> = {};
    for (const f of layout.fields) {
      const end = f.start - 1 + f.length;
      if (text.length < end) {
        throw new AgentError(
          'READ_FIXED_SHORT_LINE',
          `line ${line} is ${text.length} characters long but field "${f.name}" of record type "${layout.type}" needs positions ${f.start}–${end}`,
          {
            where: { file: displayName, line, column: f.start, field: f.name, value: String(text.length) },
            rule: `record "${layout.type}" is at least ${Math.max(...layout.fields.map((x) => x.start - 1 + x.length))} characters`,
          },
        );
      }
      const raw = text.slice(f.start - 1, end);
      values[f.name] = f.trim === false ? raw : raw.trim();
    }
    yield { values, recordType: layout.type, where: { file: displayName, line } };
  }
}

export const fixedReader: Reader<FixedInput> = {
  read: (path, options, displayName, limits) => readFixed(path, options, displayName, limits),
};
