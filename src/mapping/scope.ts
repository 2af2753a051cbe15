/** What a rule sees while an invoice is being mapped. */
import type { CompanyProfile } from '../core/invoice.ts';
import type { Provenance } from '../core/records.ts';
import type { Values } from './record-path.ts';
import type { RefIndex } from './reference-records.ts';

export interface Rec {
  readonly values: Values;
  readonly where: Provenance;
}

export interface Scope {
  /** the invoice record: master-detail header, first row of a group, or the record itself */
  readonly invoice: Rec;
  /** the line record, while line fields are mapped */
  readonly line?: Rec;
  /** master-detail: first record of each further type in the group (e.g. "S") */
  readonly byType: ReadonlyMap<string, Rec>;
  /** every record of the group, in file order */
  readonly records: readonly Rec[];
  /** every line record of the group */
  readonly lines: readonly Rec[];
  readonly file: string;
  readonly today: string;
  readonly company?: CompanyProfile;
  /** reference records of the file by lookup name and key (record lookups) */
  readonly refs?: RefIndex;
}

/** Which record a rule reads by default: its section's. */
export type Section = 'invoice' | 'line';

export function pickRecord(scope: Scope, from: string): Rec | undefined {
  if (from === 'invoice') return scope.invoice;
  if (from === 'line') return scope.line;
  return scope.byType.get(from);
}
