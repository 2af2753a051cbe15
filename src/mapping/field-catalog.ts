/**
 * The canonical targets a mapping may fill, declared once: the JSON Schema, the loader's checks,
 * the applier's conversions, invoice assembly (each field says where it lands in the Invoice) and
 * the docs tables (docs/invoice-model.md) are all derived from this catalog. It is declared with
 * literal types, so `CatalogPath` is the union of the paths a mapping writes and a misspelt path
 * does not compile; test/mapping/field-catalog.test.ts proves catalog and Invoice type agree.
 */
export type FieldType = 'text' | 'decimal' | 'date' | 'boolean' | 'vatRate' | 'currency' | 'country' | 'taxId' | 'account' | 'enum';

export interface FieldSpec {
  readonly kind: 'field';
  readonly type: FieldType;
  readonly description: string;
  readonly required?: boolean;
  readonly values?: readonly string[];
  /**
   * Where the value lands, relative to the enclosing group's place in the Invoice (or InvoiceLine),
   * when that is not the field's own name: `exemption.text`, `corrected[0].number`.
   */
  readonly to?: string;
  /** the FA element(s) the value becomes, for the docs table ("—": checked, not written) */
  readonly fa?: string;
  /** further notes for the docs table only (the description is also the schema help text) */
  readonly doc?: string;
  /** `extras`: not placed on the line/invoice as it is, build-fa-extras.ts uses it (attachmentRow) */
  readonly build?: 'extras';
}
export interface GroupSpec<F extends Readonly<Record<string, Spec>> = Readonly<Record<string, Spec>>> {
  readonly kind: 'group';
  readonly description: string;
  readonly fields: F;
  /**
   * `party`: the fields are turned into a Party by buildParty (the tax id's shape decides its kind);
   * `extras`: the fields are assembled by build-fa-extras.ts (third parties, the attachment).
   */
  readonly build?: 'party' | 'extras';
  /** docs: this group gets its own table with this heading (else its rows join the parent's table) */
  readonly table?: string;
  /** docs: a table row saying the group has the same fields as this other group */
  readonly sameAs?: string;
  readonly fa?: string;
}
/** Free keys chosen by the admin, each a text rule (FA `DodatkowyOpis`). */
export interface MapSpec {
  readonly kind: 'map';
  readonly description: string;
  readonly fa?: string;
  readonly doc?: string;
}
export type Spec = FieldSpec | GroupSpec | MapSpec;

type FieldExtra = Partial<Omit<FieldSpec, 'kind' | 'type' | 'description'>>;
type GroupExtra = Partial<Omit<GroupSpec, 'kind' | 'description' | 'fields'>>;

// `const` type parameters keep field names, types, enum values and targets as literal types
// (NoInfer: the extras are inferred from the argument only, not from where the result is used)
const f = <const T extends FieldType, const X extends FieldExtra = {}>(type: T, description: string, extra?: X): { readonly kind: 'field'; readonly type: T; readonly description: string } & NoInfer<X> =>
  ({ kind: 'field', type, description, ...extra }) as { readonly kind: 'field'; readonly type: T; readonly description: string } & X;
const g = <const F extends Readonly<Record<string, Spec>>, const X extends GroupExtra = {}>(description: string, fields: F, extra?: X): { readonly kind: 'group'; readonly description: string; readonly fields: NoInfer<F> } & NoInfer<X> =>
  ({ kind: 'group', description, fields, ...extra }) as { readonly kind: 'group'; readonly description: string; readonly fields: F } & X;
const address = g('Postal address.', {
  country: f('country', 'ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).', { fa: 'Adres/KodKraju' }),
  line1: f('text', 'First address line: street, number, or the whole address.', { fa: 'Adres/AdresL1' }),
  line2: f('text', 'Second address line: postcode and town.', { fa: 'Adres/AdresL2' }),
});

const partyFields = (who: string) => ({
  taxId: f('taxId', `Tax id of the ${who}: a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.`, {
    to: 'id', fa: 'NIP, KodUE + NrVatUE, KodKraju + NrID, or BrakID = 1',
    doc: 'becomes the party id by its shape: NIP (checksum verified), EU VAT number (`GR` written as `EL`), foreign id, or none (consumer)',
  }),
  idType: f('enum', 'Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape.', { values: ['nip', 'eu-vat', 'foreign', 'none'], to: 'id.type' }),
  idCountry: f('country', 'Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).', { to: 'id.country', fa: 'KodUE, KodKraju' }),
  name: f('text', `Full name of the ${who}.`, { required: true, fa: 'Nazwa', doc: 'required for sellers and for buyers with a tax id' }),
  address,
  email: f('text', `E-mail address of the ${who}.`, { fa: 'DaneKontaktowe/Email' }),
  phone: f('text', `Phone number of the ${who}.`, { fa: 'DaneKontaktowe/Telefon' }),
  customerNumber: f('text', `The ${who}'s customer number in the seller's system (FA NrKlienta).`, { fa: 'NrKlienta', doc: 'buyer only' }),
});

/** A party other than seller and buyer (FA Podmiot3): the party fields plus, for some, its role. */
const thirdPartyFields = partyFields;

/** Separates column headings and cells of an attachment table in one text value. */
export const ATTACHMENT_CELL_SEPARATOR = '|';

export const INVOICE_KINDS = ['VAT', 'KOR', 'ZAL', 'ROZ', 'UPR', 'KOR_ZAL', 'KOR_ROZ'] as const;

export const INVOICE_FIELDS = g('Invoice-level fields, read from the invoice record (header record, first row of a group, or the record itself).', {
  kind: f('enum', 'Invoice kind: VAT, KOR (correction), ZAL (advance), ROZ, UPR, KOR_ZAL, KOR_ROZ; default VAT, or KOR when correction.originalNumber has a value.', { values: INVOICE_KINDS, fa: 'RodzajFaktury' }),
  number: f('text', 'Invoice number as issued (FA P_2).', { required: true, fa: 'P_2', doc: 'KSeF rejects a second invoice with the same seller, kind and number' }),
  issueDate: f('date', 'Issue date (FA P_1).', { required: true, fa: 'P_1', doc: 'may not be after the sending day; earlier than the sending day → warning: KSeF treats it as offline' }),
  issuePlace: f('text', 'Place of issue (FA P_1M).', { fa: 'P_1M' }),
  saleDate: f('date', 'Date of sale or delivery when one date applies to the whole invoice (FA P_6).', { fa: 'P_6' }),
  salePeriod: g('Sale period instead of one sale date (FA OkresFa).', {
    from: f('date', 'First day of the sale period.', { fa: 'OkresFa/P_6_Od', doc: 'used only when `saleDate` is absent' }),
    to: f('date', 'Last day of the sale period.', { fa: 'OkresFa/P_6_Do' }),
  }),
  seller: g('The seller (leave out to use the company from the configuration): tax id, name, address and contact data.', partyFields('seller (leave out to use the company from the configuration)'), {
    build: 'party', fa: 'Podmiot1', sameAs: 'buyer',
  }),
  buyer: g('The buyer: tax id, name, address and contact data.', partyFields('buyer'), { build: 'party', fa: 'Podmiot2', table: 'Parties (`buyer.*`, `seller.*`)' }),
  thirdParties: g('Third parties (FA Podmiot3), each mapped only when the export names it.', {
    recipient: g('The recipient (the unit that receives the goods or services, e.g. a school of the buying municipality).', {
      ...thirdPartyFields('recipient'),
      role: f('enum', 'Role of the recipient: recipient (FA role 2, a branch or internal unit of the buyer), jst-recipient (8: a subordinate unit of a local-government buyer; sets Podmiot2 JST = 1) or vat-group-recipient (10: a VAT-group member; sets Podmiot2 GV = 1); default recipient.', { values: ['recipient', 'jst-recipient', 'vat-group-recipient'], fa: 'Podmiot3/Rola (2, 8, 10)' }),
    }, { fa: 'Podmiot3' }),
    payer: g('The payer (pays in place of the buyer, FA role 6).', thirdPartyFields('payer'), { fa: 'Podmiot3 (Rola 6)' }),
  }, { build: 'extras', fa: 'Podmiot3', table: 'Third parties (`thirdParties.*`)' }),
  currency: f('currency', 'ISO 4217 currency code, e.g. PLN or EUR; default PLN.', { fa: 'KodWaluty' }),
  exchangeRate: f('decimal', 'PLN per one unit of a foreign currency (FA KursWaluty).', { fa: 'FaWiersz/KursWaluty (each line), KursWalutyZ (ZAL)', doc: 'needed for foreign currency with VAT; used for the VAT in PLN (`P_14_xW`)' }),
  lineKind: f('enum', 'What the lines are: items (goods or services, the default) or rateRows (the per-VAT-rate rows of a sales register: netAmount or grossAmount, vatAmount as booked, vatRate and a description; no prices or quantities; the VAT per rate is taken from the rows and cross-checked).', { values: ['items', 'rateRows'], fa: '— (rateRows: FaWiersz without quantity and price)', doc: 'see "Sales registers"' }),
  pricing: f('enum', 'Whether line prices are net or gross; when not mapped, gross if the lines have only gross prices or amounts, otherwise net.', { values: ['net', 'gross'], fa: '—', doc: '`net`: `P_9A`/`P_11`; `gross`: `P_9B`/`P_11A`, VAT extracted from gross' }),
  statedTotals: g('Totals stated by the source; they are cross-checked against the computed ones, never copied into the invoice.', {
    net: f('decimal', 'Total net amount stated by the source.', { fa: '—', doc: 'cross-checked, never written: a difference is an error naming the exact difference' }),
    vat: f('decimal', 'Total VAT amount stated by the source.', { fa: '—' }),
    gross: f('decimal', 'Total gross amount stated by the source.', { fa: '—' }),
  }),
  payment: g('Payment terms.', {
    dueDate: f('date', 'Payment due date.', { fa: 'TerminPlatnosci/Termin' }),
    method: f('enum', 'Payment method: 1 cash, 2 card, 3 voucher, 4 cheque, 5 credit, 6 transfer, 7 mobile.', { values: ['1', '2', '3', '4', '5', '6', '7'], fa: 'FormaPlatnosci' }),
    bankAccount: f('account', 'Bank account number (IBAN or NRB); spaces and dashes are removed.', { fa: 'RachunekBankowy/NrRB', doc: 'when absent and the invoice is unpaid and paid by transfer (or the method is not given), the company\'s configured account is used' }),
    bankName: f('text', 'Name of the bank.', { fa: 'RachunekBankowy/NazwaBanku' }),
    paid: f('boolean', 'Whether the invoice has already been paid.', { fa: 'Zaplacono = 1' }),
    paidDate: f('date', 'Date of payment when paid.', { fa: 'DataZaplaty', doc: 'defaults to the issue date' }),
  }, { fa: 'Platnosc', table: 'Payment' }),
  annotations: g('Annotations (FA Adnotacje); unset ones take the writer defaults.', {
    cashAccounting: f('boolean', 'Cash accounting (metoda kasowa, P_16).', { fa: 'P_16 (1 yes / 2 no)', doc: 'default 2' }),
    selfBilling: f('boolean', 'Self-billing (samofakturowanie, P_17).', { fa: 'P_17', doc: 'default 2' }),
    reverseCharge: f('boolean', 'Reverse charge (odwrotne obciążenie, P_18); implied when a line has rate oo.', { fa: 'P_18', doc: 'default 2, or 1 when any line is `oo` or `np II`' }),
    splitPayment: f('boolean', 'Split payment mechanism (MPP, P_18A).', { fa: 'P_18A', doc: 'default 2' }),
    exemptionBasis: f('enum', 'Legal basis kind of a VAT exemption: law (P_19A), directive (P_19B) or other (P_19C); default law when exemptionText is given.', {
      values: ['law', 'directive', 'other'], to: 'exemption.basis', fa: 'P_19A (law), P_19B (directive), P_19C (other)',
    }),
    exemptionText: f('text', 'Text of the exemption basis, required when a line has rate zw.', {
      to: 'exemption.text', fa: 'Zwolnienie/P_19 = 1 + the text', doc: 'without it `P_19N` = 1; **required** when there are `zw` lines (`FA_EXEMPTION_MISSING`)',
    }),
  }, { fa: 'Adnotacje', table: 'Annotations' }),
  correction: g('Correction data for KOR invoices.', {
    reason: f('text', 'Reason for the correction (PrzyczynaKorekty).', { fa: 'PrzyczynaKorekty' }),
    effect: f('enum', 'When the correction takes effect (TypKorekty): 1 original date, 2 correction date, 3 other.', { values: ['1', '2', '3'], fa: 'TypKorekty' }),
    originalNumber: f('text', 'Number of the corrected invoice.', { to: 'corrected[0].number', fa: 'DaneFaKorygowanej/NrFaKorygowanej', doc: 'makes the kind default `KOR`; needs `originalIssueDate`' }),
    originalIssueDate: f('date', 'Issue date of the corrected invoice.', { to: 'corrected[0].issueDate', fa: 'DaneFaKorygowanej/DataWystFaKorygowanej' }),
    originalKsefNumber: f('text', 'KSeF number of the corrected invoice; leave empty when it was issued outside KSeF.', {
      to: 'corrected[0].ksefNumber', fa: 'NrKSeF = 1 + NrKSeFFaKorygowanej', doc: 'when absent or empty: `NrKSeFN` = 1',
    }),
  }, { fa: 'PrzyczynaKorekty, TypKorekty, DaneFaKorygowanej', table: 'Corrections' }),
  advance: g('Advance invoice (ZAL) data.', {
    amountReceived: f('decimal', 'Amount received as the advance.', { fa: 'P_15 of a ZAL', doc: 'required for ZAL: the advance actually received (gross)' }),
    orderTotal: f('decimal', 'Total value of the order the advance is for.', { fa: 'Zamowienie/WartoscZamowienia', doc: 'computed from the lines when absent' }),
  }),
  orderNumber: f('text', 'Order number.', { fa: 'WarunkiTransakcji/Zamowienia/NrZamowienia' }),
  footer: f('text', 'Free text printed at the foot of the invoice (FA Stopka).', { fa: 'Stopka/Informacje/StopkaFaktury' }),
  attachment: g('Attachment (FA(3) Zalacznik, one data block): a heading, a key/value pair, text paragraphs and a simple table whose rows come from the lines\' attachmentRow. FA(2) has no attachments; KSeF accepts them only from taxpayers who registered for attachments.', {
    title: f('text', 'Heading of the attachment (ZNaglowek), at most 512 characters.', { fa: 'Zalacznik/BlokDanych/ZNaglowek' }),
    metaKey: f('text', 'Key of the descriptive pair (ZKlucz); when not mapped the writer uses "Numer faktury" and the invoice number.', { fa: 'MetaDane/ZKlucz' }),
    metaValue: f('text', 'Value of the descriptive pair (ZWartosc).', { fa: 'MetaDane/ZWartosc' }),
    text: f('text', 'Text of the attachment: each line break starts a paragraph (Akapit); at most 10 paragraphs of 512 characters.', { fa: 'Tekst/Akapit' }),
    tableTitle: f('text', 'Description of the table (Opis).', { fa: 'Tabela/Opis' }),
    tableColumns: f('text', 'Column headings of the table separated by | (at most 20); the rows come from the lines\' attachmentRow.', { fa: 'Tabela/TNaglowek/Kol/NKom' }),
  }, { build: 'extras', fa: 'Zalacznik', table: 'Attachment (`attachment.*`)' }),
  notes: { kind: 'map', description: 'Additional descriptions (FA DodatkowyOpis): each key becomes the description name, its rule gives the text; empty values are left out.', fa: 'DodatkowyOpis/Klucz, Wartosc' },
});

export const LINE_FIELDS = g('Line fields, read from each line record.', {
  description: f('text', 'Name of the goods or service (FA P_7).', { required: true, fa: 'P_7' }),
  unit: f('text', 'Unit of measure, e.g. szt. (FA P_8A).', { fa: 'P_8A' }),
  quantity: f('decimal', 'Quantity (FA P_8B); negative on corrections.', { fa: 'P_8B', doc: '1 when absent' }),
  unitNetPrice: f('decimal', 'Unit net price (FA P_9A), for net pricing.', { fa: 'P_9A' }),
  unitGrossPrice: f('decimal', 'Unit gross price (FA P_9B), for gross pricing.', { fa: 'P_9B' }),
  netAmount: f('decimal', 'Net value of the line (FA P_11); computed from quantity × unit net price when not mapped.', { fa: 'P_11', doc: 'quantity × unitNetPrice − discount, rounded to 2 decimals, when absent (see "Line arithmetic")' }),
  grossAmount: f('decimal', 'Gross value of the line (FA P_11A); computed from quantity × unit gross price when not mapped.', { fa: 'P_11A', doc: 'quantity × unitGrossPrice − discount when absent' }),
  discount: f('decimal', 'Discount amount of the line (FA P_10).', { fa: 'P_10', doc: 'an amount deducted from quantity × price' }),
  vatAmount: f('decimal', 'VAT amount of the line as the ERP states it, in the invoice currency: checked against net value × rate (gross pricing: the VAT contained in the gross value), never written (VAT is computed per rate).', { fa: '— (checked, not written)', doc: 'see "Line VAT" (`FA_LINE_VAT`)' }),
  vatRate: f('vatRate', 'VAT rate or code: 23, 8, 5, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II (a trailing % is accepted).', { required: true, fa: 'P_12', doc: 'see Rates' }),
  sku: f('text', 'Product index or SKU (FA Indeks).', { fa: 'Indeks' }),
  gtu: f('text', 'GTU code, e.g. GTU_06.', { fa: 'GTU', doc: '`GTU_01` … `GTU_13`' }),
  pkwiu: f('text', 'PKWiU classification.', { fa: 'PKWiU' }),
  cn: f('text', 'CN (Combined Nomenclature) code of the goods.', { fa: 'CN' }),
  saleDate: f('date', 'Sale date of this line when it differs from the invoice (FA P_6A).', { fa: 'P_6A' }),
  beforeCorrection: f('boolean', 'This line shows the state before a correction (FA StanPrzed).', { fa: 'StanPrzed = 1', doc: 'its amounts are subtracted in the sums' }),
  attachmentRow: f('text', 'Cells of this line\'s row in the attachment table, separated by | (as many as invoice attachment.tableColumns); empty: no row.', { build: 'extras', fa: 'Zalacznik/…/Tabela/Wiersz/WKom' }),
});

// the declarations above must fit the general shapes every consumer walks
INVOICE_FIELDS satisfies GroupSpec;
LINE_FIELDS satisfies GroupSpec;

/** Dotted paths of the fields a mapping writes in a group, e.g. `buyer.address.line1`. */
export type CatalogPath<S> = S extends { readonly kind: 'group'; readonly fields: infer F }
  ? { [K in keyof F & string]: F[K] extends { readonly kind: 'group' } ? `${K}.${CatalogPath<F[K]>}` : F[K] extends { readonly kind: 'field' } ? K : never }[keyof F & string]
  : never;
export type InvoiceFieldPath = CatalogPath<typeof INVOICE_FIELDS>;
export type LineFieldPath = CatalogPath<typeof LINE_FIELDS>;
export type PartyFieldPath = CatalogPath<typeof INVOICE_FIELDS.fields.buyer>;

/** One field of the catalog with its place: the mapping path and the Invoice/InvoiceLine path it lands on. */
export interface CatalogEntry {
  /** path in the mapping section, e.g. `annotations.exemptionText` */
  readonly path: string;
  /** path in the Invoice (or InvoiceLine), e.g. `annotations.exemption.text`; `[0]` indexes a list */
  readonly to: string;
  readonly spec: FieldSpec | MapSpec;
  /** the top-level group whose builder makes the value (`buyer` for a party), if any */
  readonly builtBy?: { readonly group: string; readonly build: 'party' | 'extras' };
}

/** Every field of a catalog group, in declaration order, with where it lands. */
export function catalogEntries(spec: GroupSpec, prefix = '', toPrefix = '', builtBy?: CatalogEntry['builtBy']): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const [name, s] of Object.entries(spec.fields)) {
    const path = prefix + name;
    if (s.kind === 'group') {
      const by = builtBy ?? (s.build ? { group: path, build: s.build } : undefined);
      out.push(...catalogEntries(s, path + '.', toPrefix + name + '.', by));
    } else {
      const to = toPrefix + (s.kind === 'field' && s.to !== undefined ? s.to : name);
      const by = builtBy ?? (s.kind === 'field' && s.build ? { group: path, build: s.build } : undefined);
      out.push({ path, to, spec: s, ...(by ? { builtBy: by } : {}) });
    }
  }
  return out;
}
