/**
 * A reverse mapping as admins write it: FA invoice (plus KSeF metadata) → flat named fields for
 * ERP import, in the same declarative style as the inbound mappings.
 */
export interface PurchaseFieldJson {
  /** slash path inside <Faktura>, e.g. `Podmiot1/DaneIdentyfikacyjne/NIP`; `@name` for an attribute */
  readonly path?: string;
  /** dotted path in the KSeF metadata, e.g. `ksefNumber`, `seller.nip`, `acquisitionDate` */
  readonly meta?: string;
  /** a constant */
  readonly value?: string;
  /** JSONata over `{ fa, meta }` for the rare complex case (`fa` is <Faktura>; an element that occurs once is a value, repeated ones a list) */
  readonly expr?: string;
  /** used when the source is missing or empty */
  readonly default?: string;
  /** a repeated element: join every value with this separator (default: first value only) */
  readonly join?: string;
  /** write decimals with a comma (Polish ERPs) or keep the dot (default) */
  readonly decimal?: 'comma' | 'dot';
}

export interface PurchaseMappingJson {
  readonly $schema?: string;
  readonly name?: string;
  readonly description?: string;
  readonly csv?: { readonly delimiter?: string; readonly header?: boolean };
  readonly fields: Readonly<Record<string, PurchaseFieldJson>>;
}
