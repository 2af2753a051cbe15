/**
 * Load-time checks of fixed-width layouts, so a typo in a position is reported when the mapping
 * is loaded, with its JSON path, instead of as wrong amounts on invoices later.
 */
import { AgentError } from '../core/errors.ts';
import type { FixedOptions } from './input-options.ts';

const span = (start: number, length: number): string => `${start}–${start + length - 1}`;

const isPosition = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;

/**
 * Every problem in the layouts (empty list when they are fine). `at` is the JSON path of the
 * `fixed` section inside the mapping (the loader may prefix the mapping file name), e.g.
 * `mappings/dos.json#/input/fixed`.
 */
export function checkFixedLayouts(options: FixedOptions, at = '#/input/fixed'): AgentError[] {
  const problems: AgentError[] = [];
  const problem = (code: string, message: string, mapping: string, extra: { field?: string; value?: string; rule?: string } = {}): void => {
    problems.push(
      new AgentError(code, message, {
        kind: 'config',
        where: { mapping, ...(extra.field !== undefined ? { field: extra.field } : {}), ...(extra.value !== undefined ? { value: extra.value } : {}) },
        ...(extra.rule !== undefined ? { rule: extra.rule } : {}),
      }),
    );
  };

  const d = options.discriminator;
  if (d && (!isPosition(d.start, 1) || !isPosition(d.length, 1))) {
    problem('READ_FIXED_BAD_POSITION', `the discriminator needs start ≥ 1 and length ≥ 1 (got start ${d.start}, length ${d.length})`, `${at}/discriminator`, {
      rule: 'positions are 1-based; lengths are at least 1',
    });
  }
  if (!d && options.layouts.length > 1) {
    problem('READ_FIXED_NO_DISCRIMINATOR', `there are ${options.layouts.length} layouts but no discriminator to choose between them`, `${at}/discriminator`);
  }
  if (options.layouts.length === 0) problem('READ_FIXED_NO_LAYOUT', 'at least one layout is needed', `${at}/layouts`);

  const types = new Map<string, number>();
  options.layouts.forEach((layout, li) => {
    const lp = `${at}/layouts/${li}`;
    const prior = types.get(layout.type);
    if (prior !== undefined) {
      problem('READ_FIXED_DUPLICATE_TYPE', `layouts ${prior} and ${li} both have type "${layout.type}"`, `${lp}/type`, { value: layout.type });
    }
    types.set(layout.type, li);
    if (d && isPosition(d.length, 1) && layout.type.length > d.length) {
      problem('READ_FIXED_TYPE_LENGTH', `type "${layout.type}" is longer than the discriminator (${d.length} characters), so no line can match it`, `${lp}/type`, {
        value: layout.type,
      });
    }
    if (layout.recordLength !== undefined && !isPosition(layout.recordLength, 1)) {
      problem('READ_FIXED_BAD_POSITION', `recordLength must be a whole number ≥ 1 (got ${layout.recordLength})`, `${lp}/recordLength`);
    }

    const names = new Map<string, number>();
    const good: { name: string; start: number; end: number; fi: number }[] = [];
    layout.fields.forEach((f, fi) => {
      const fp = `${lp}/fields/${fi}`;
      const prev = names.get(f.name);
      if (prev !== undefined) {
        problem('READ_FIXED_DUPLICATE_FIELD', `field "${f.name}" appears twice in layout "${layout.type}" (fields ${prev} and ${fi})`, `${fp}/name`, { field: f.name });
      }
      names.set(f.name, fi);
      if (!isPosition(f.start, 1)) {
        problem('READ_FIXED_BAD_POSITION', `field "${f.name}" starts at ${f.start}; positions are 1-based whole numbers`, `${fp}/start`, {
          field: f.name,
          value: String(f.start),
          rule: 'start ≥ 1',
        });
        return;
      }
      if (!isPosition(f.length, 1)) {
        problem('READ_FIXED_BAD_POSITION', `field "${f.name}" has length ${f.length}; a field is at least 1 character long`, `${fp}/length`, {
          field: f.name,
          value: String(f.length),
          rule: 'length ≥ 1',
        });
        return;
      }
      const end = f.start + f.length - 1;
      if (layout.recordLength !== undefined && end > layout.recordLength) {
        problem(
          'READ_FIXED_OVERRUN',
          `field "${f.name}" (positions ${span(f.start, f.length)}) runs past the end of the ${layout.recordLength}-character record "${layout.type}"`,
          fp,
          { field: f.name, rule: `fields end at or before position ${layout.recordLength}` },
        );
      }
      good.push({ name: f.name, start: f.start, end, fi });
    });
    good.sort((a, b) => a.start - b.start || a.fi - b.fi);
    // compare each field with the one reaching furthest so far, so a long field is checked against all it covers
    let reach = good[0];
    for (let i = 1; i < good.length; i++) {
      const a = reach!;
      const b = good[i]!;
      if (b.end > a.end) reach = b;
      if (b.start <= a.end) {
        const [first, second] = a.fi < b.fi ? [a, b] : [b, a];
        problem(
          'READ_FIXED_OVERLAP',
          `fields "${first.name}" (${first.start}–${first.end}) and "${second.name}" (${second.start}–${second.end}) overlap in layout "${layout.type}"`,
          `${lp}/fields/${second.fi}`,
          { field: second.name, rule: 'fields of one layout must not share positions' },
        );
      }
    }
  });
  return problems;
}
