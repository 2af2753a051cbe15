/** Reverse mapping (FA → flat fields for ERP import): the only module the purchase job imports from here. */
export { applyPurchaseMapping, renderPurchaseCsv } from './apply-purchase-mapping.ts';
export type { FlatRow } from './apply-purchase-mapping.ts';
export { compilePurchaseMapping, loadPurchaseMapping } from './load-purchase-mapping.ts';
export type { CompiledPurchaseField, CompiledPurchaseMapping } from './load-purchase-mapping.ts';
export type { PurchaseFieldJson, PurchaseMappingJson } from './purchase-mapping-file.ts';
export { parseFa, valuesAt } from './fa-tree.ts';
export type { FaNode } from './fa-tree.ts';
export { PURCHASE_MAPPING_SCHEMA } from './purchase-mapping-schema.ts';

/** The shipped reverse mapping (mappings/purchases-default.json), for when the configuration names none. */
export const DEFAULT_PURCHASE_MAPPING_FILE: string = decodeURIComponent(new URL('../../mappings/purchases-default.json', import.meta.url).pathname);
