import type { Where } from '../core/errors.ts';
import type { CompanyProfile, Invoice } from '../core/invoice.ts';
import { codePointName, findForbiddenChar, likelyCause } from './forbidden-chars.ts';
import type { Findings } from './validate.ts';
import { lineField, lineFieldWhere } from './line-field.ts';

/**
 * Every text of the invoice (and of the configured seller when the invoice has none) against the
 * characters KSeF rejects or XML cannot carry (forbidden-chars.ts): an error naming the field, the
 * character, its position and the likely cause. Walks the whole model, so a field added later is
 * checked without being listed here. Indexes in field names count from 1 (`lines[1]` is the first line).
 */
export function checkForbiddenChars(f: Findings, inv: Invoice, company: CompanyProfile): void {
  // `at`: a line field's place (its record and cell), built only for a problem
  const visit = (value: unknown, field: string, at: (() => Where) | undefined): void => {
    if (typeof value === 'string') {
      const bad = findForbiddenChar(value);
      if (!bad) return;
      const name = codePointName(bad.codePoint);
      f.error('FA_FORBIDDEN_CHAR', `${field} contains the character ${name} at position ${bad.index + 1}, which KSeF rejects or XML cannot carry: ${likelyCause(bad.codePoint, bad.before)}`,
        field, value, 'no control characters (except tab, LF, CR), no U+007F–U+009F, no noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF)', at?.());
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${field}[${i + 1}]`, at));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'provenance') continue;
        if (field === '' && k === 'lines' && value === inv) {
          // a line's field is reported at the line's record and the cell it came from
          inv.lines.forEach((line, i) => {
            for (const [name, x] of Object.entries(line)) if (name !== 'provenance') visit(x, lineField(i, name), () => lineFieldWhere(inv, i, name));
          });
          continue;
        }
        visit(v, field ? `${field}.${k}` : k, at);
      }
    }
  };
  visit(inv, '', undefined);
  // the company's own settings reach the XML too (address, contacts, bank account), seller or not
  visit(company, 'company', undefined);
}
