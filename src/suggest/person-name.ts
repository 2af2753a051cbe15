/**
 * A buyer name column that is empty on some rows (consumers without a company name) usually has
 * first-name and last-name fields beside it: the rule then falls back to "{first} {last}".
 */
import { foldWords } from './fold-header.ts';

const FIRST = /^(first|imie|given|forename)/;
const LAST = /^(last|nazwisk|surname|family)/;

/** the parent of a path ("billing.company" → "billing"), "" for a column */
const parentOf = (name: string): string => name.slice(0, Math.max(0, name.lastIndexOf('.'), name.lastIndexOf('/')));

export function personNameTemplate(nameField: string, values: readonly string[], fields: readonly string[]): string | undefined {
  if (!values.some((v) => v.trim() === '')) return undefined;
  const parent = parentOf(nameField);
  const near = fields.filter((f) => parentOf(f) === parent);
  const pick = (re: RegExp) => near.find((f) => foldWords(f.slice(parent.length)).some((w) => re.test(w)) && /name|imie|nazwisk/.test(foldWords(f.slice(parent.length)).join(' ')));
  const first = pick(FIRST);
  const last = pick(LAST);
  return first && last ? `{${first}} {${last}}` : undefined;
}

const COMPANY = /^(company|firma|organization|organisation)$/;

/**
 * A buyer name read from a person's name field ("buyer.name") when a company field beside it
 * ("buyer.company") is filled on some records (firms) and empty on others (consumers): the
 * company is read first, the person's name is the fallback. Undefined when there is no such field.
 */
export function companyBeside(nameField: string, leaves: ReadonlyMap<string, readonly string[]>): string | undefined {
  const parent = parentOf(nameField);
  const own = foldWords(nameField.slice(parent.length));
  if (own.some((w) => COMPANY.test(w))) return undefined;
  for (const [f, values] of leaves) {
    if (f === nameField || parentOf(f) !== parent) continue;
    const words = foldWords(f.slice(parent.length));
    if (words.length !== 1 || !COMPANY.test(words[0]!)) continue;
    if (values.some((v) => v.trim() !== '') && values.some((v) => v.trim() === '')) return f;
  }
  return undefined;
}
