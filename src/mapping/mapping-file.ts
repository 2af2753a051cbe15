/**
 * The shape of a mapping file as admins write it (after JSON Schema validation). Only the loader
 * reads these; everything else works with the CompiledMapping. The types are generated from the
 * schema (src/mapping/mapping-schema.ts → mapping-file.generated.ts by `npm run schema`, checked
 * by a test), so the loader's view of a file cannot drift from what the schema accepts.
 */
import type { Condition, MappingFile, Rule } from './mapping-file.generated.ts';

export type MappingFileJson = MappingFile;
export type RuleJson = Rule;
export type ConditionJson = Condition;
export type InvoicesJson = MappingFile['invoices'];
export type LookupJson = NonNullable<MappingFile['lookups']>[string];

/** The invoice and line sections as the loader walks them: catalog names → rules or nested groups. */
export type GroupJson = { readonly [key: string]: RuleJson | GroupJson };
export type RecordLookupJson = Extract<LookupJson, { readonly records: string }>;
export type ExtraLinesJson = NonNullable<MappingFile['extraLines']>[number];
