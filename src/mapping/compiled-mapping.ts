/** What the rest of the agent sees of a mapping: checked, compiled, ready to apply. */
import type { InputOptions } from '../core/input-options.ts';
import type { Condition } from './compile-condition.ts';
import type { CompiledRule } from './compile-rule.ts';
import type { FieldSpec } from './field-catalog.ts';
import type { Grouping } from './group-records.ts';
import type { PathStep } from './record-path.ts';
import type { RecordLookup } from './reference-records.ts';
import type { Unpivot } from './unpivot.ts';
import type { MappingName } from './mapping-names.ts';
import type { CompanionRule } from '../inbox/companion-rule.ts';

export interface CompiledField {
  /** canonical path inside its section, e.g. "buyer.taxId" or "quantity" */
  readonly path: string;
  readonly spec: FieldSpec;
  readonly rule: CompiledRule;
  /** JSON pointer of the rule in the mapping file */
  readonly pointer: string;
  /** the rule says required: true */
  readonly required: boolean;
}

export interface MappingApplies {
  readonly inbox?: string;
  readonly company?: string;
  /** file name patterns (glob: * and ?), matched case-insensitively; empty = any file */
  readonly files: readonly string[];
}

export interface CompiledMapping {
  readonly name: string;
  /** the mapping file as given to loadMapping (for error reports) */
  readonly file: string;
  readonly applies: MappingApplies;
  /** what the reader needs */
  readonly input: InputOptions;
  readonly grouping: Grouping;
  readonly skip?: Condition;
  readonly invoiceFields: readonly CompiledField[];
  readonly lineFields: readonly CompiledField[];
  readonly notes: readonly { readonly key: string; readonly rule: CompiledRule; readonly pointer: string }[];
  /** further line sources of each invoice (extraLines), after the main lines in this order */
  readonly extraLines?: readonly CompiledLineSource[];
  /** repeated column groups of a row become its lines (invoices.unpivot) */
  readonly unpivot?: Unpivot;
  /** lookups into reference records: the file is read once more, first, to collect them */
  readonly recordLookups?: readonly RecordLookup[];
  /** every column and path the mapping names, with the pointer of its rule (checked against each file) */
  readonly names: readonly MappingName[];
  /** invoices come from this file and its companion delivered with it (input.companion) */
  readonly companion?: CompanionRule;
}

/** One extraLines entry: where its records are in the invoice record, and its own line rules. */
export interface CompiledLineSource {
  readonly name: string;
  /** JSON pointer of the entry, e.g. /extraLines/0 */
  readonly pointer: string;
  readonly path?: { readonly steps: readonly PathStep[]; readonly text: string };
  readonly when?: Condition;
  readonly fields: readonly CompiledField[];
}

/** True when the file name matches the mapping's `applies.files` (or it lists none). */
export function mappingAppliesTo(m: CompiledMapping, fileName: string): boolean {
  if (m.applies.files.length === 0) return true;
  return m.applies.files.some((p) => globToRegExp(p).test(fileName));
}

export function globToRegExp(glob: string): RegExp {
  const src = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  // s: a name may hold a line break (legal on Unix), and * must match it too
  return new RegExp(`^${src}$`, 'is');
}
