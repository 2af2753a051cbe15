/**
 * Every column and path a mapping names, collected while it is compiled, so the file can be
 * checked against them (check-names.ts): a name that matches nothing is a mistake the admin must
 * hear about, not an empty value.
 */
import type { PathStep } from './record-path.ts';
import type { Section } from './scope.ts';

export interface MappingName {
  /** how the mapping names it: `column` (one key), `path` (steps), or a template placeholder (either) */
  readonly kind: 'column' | 'path' | 'placeholder';
  /** as written in the mapping */
  readonly text: string;
  /** parsed path steps (paths and placeholders that parse) */
  readonly steps?: readonly PathStep[];
  /** JSON pointer of the rule, condition or option that names it */
  readonly pointer: string;
  /** the section whose record it is read from by default */
  readonly section: Section;
  /** `from` when the rule reads another record (a master-detail record type) */
  readonly from?: string;
  /**
   * Path from the top-level record to the structures this name is read in (`[]`: the record
   * itself). Unset: decided by the section (line rules of per "record" with `invoices.lines` are
   * read in those lines, everything else in the record). A line source other than
   * `invoices.lines` (extra lines, unpivoted columns) sets it, or marks its names optional.
   */
  readonly within?: readonly PathStep[];
  /** `"optional": true`: the name may legitimately be absent from a file */
  readonly optional: boolean;
}
