/** The mapping language: everything other folders may use. */
export { loadMapping, compileMappingText, checkMappingText, MappingInvalidError } from './load-mapping.ts';
export { MappingCache } from './mapping-cache.ts';
export { mapRecords } from './apply-mapping.ts';
export type { MappedInvoice, MapContext, NameCheckOptions } from './apply-mapping.ts';
export { NameCheckError } from './check-names.ts';
export { globToRegExp, mappingAppliesTo } from './compiled-mapping.ts';
export type { CompiledMapping, MappingApplies } from './compiled-mapping.ts';
export { MAPPING_SCHEMA } from './mapping-schema.ts';
