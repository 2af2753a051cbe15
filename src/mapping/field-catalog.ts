/**
 * The canonical targets a mapping may fill, declared once: the JSON Schema, the loader's checks,
 * the applier's conversions and the docs table are all derived from this catalog.
 */
export type FieldType = 'text' | 'decimal' | 'date' | 'boolean' | 'vatRate' | 'currency' | 'country' | 'taxId' | 'account' | 'enum';

export interface FieldSpec {
  readonly kind: 'field';
  readonly type: FieldType;
  readonly description: string;
  readonly required?: boolean;
  readonly values?: readonly string[];
}
export interface GroupSpec {
  readonly kind: 'group';
  readonly description: string;
  readonly fields: Readonly<Record<string, Spec>>;
}
/** Free keys chosen by the admin, each a text rule (FA `DodatkowyOpis`). */
export interface MapSpec {
  readonly kind: 'map';
  readonly description: string;
}
export type Spec = FieldSpec | GroupSpec | MapSpec;

const f = (type: FieldType, description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'field', type, description, ...extra });
const g = (description: string, fields: Record<string, Spec>): GroupSpec => ({ kind: 'group', description, fields });

const address = g('Postal address.', {
  country: f('country', 'ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).'),
  line1: f('text', 'First address line: street, number, or the whole address.'),
  line2: f('text', 'Second address line: postcode and town.'),
});

const party = (who: string): GroupSpec =>
  g(`The ${who}: tax id, name, address and contact data.`, {
    taxId: f('taxId', `Tax id of the ${who}: a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.`),
    idType: f('enum', 'Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape.', { values: ['nip', 'eu-vat', 'foreign', 'none'] }),
    idCountry: f('country', 'Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).'),
    name: f('text', `Full name of the ${who}.`, { required: true }),
    address,
    email: f('text', `E-mail address of the ${who}.`),
    phone: f('text', `Phone number of the ${who}.`),
    customerNumber: f('text', `The ${who}'s customer number in the seller's system (FA NrKlienta).`),
  });

/** A party other than seller and buyer (FA Podmiot3): the party fields plus, for some, its role. */
const thirdParty = (who: string, extra: Record<string, Spec> = {}): GroupSpec => {
  const p = party(who);
  return g(p.description, { ...p.fields, ...extra });
};

/** Separates column headings and cells of an attachment table in one text value. */
export const ATTACHMENT_CELL_SEPARATOR = '|';

export const INVOICE_KINDS = ['VAT', 'KOR', 'ZAL', 'ROZ', 'UPR', 'KOR_ZAL', 'KOR_ROZ'] as const;

export const INVOICE_FIELDS: GroupSpec = g('Invoice-level fields, read from the invoice record (header record, first row of a group, or the record itself).', {
  kind: f('enum', 'Invoice kind: VAT, KOR (correction), ZAL (advance), ROZ, UPR, KOR_ZAL, KOR_ROZ; default VAT, or KOR when correction.originalNumber has a value.', { values: INVOICE_KINDS }),
  number: f('text', 'Invoice number as issued (FA P_2).', { required: true }),
  issueDate: f('date', 'Issue date (FA P_1).', { required: true }),
  issuePlace: f('text', 'Place of issue (FA P_1M).'),
  saleDate: f('date', 'Date of sale or delivery when one date applies to the whole invoice (FA P_6).'),
  salePeriod: g('Sale period instead of one sale date (FA OkresFa).', {
    from: f('date', 'First day of the sale period.'),
    to: f('date', 'Last day of the sale period.'),
  }),
  seller: party('seller (leave out to use the company from the configuration)'),
  buyer: party('buyer'),
  thirdParties: g('Third parties (FA Podmiot3), each mapped only when the export names it.', {
    recipient: thirdParty('recipient (the unit that receives the goods or services, e.g. a school of the buying municipality)', {
      role: f('enum', 'Role of the recipient: recipient (FA role 2, a branch or internal unit of the buyer), jst-recipient (8: a subordinate unit of a local-government buyer; sets Podmiot2 JST = 1) or vat-group-recipient (10: a VAT-group member; sets Podmiot2 GV = 1); default recipient.', { values: ['recipient', 'jst-recipient', 'vat-group-recipient'] }),
    }),
    payer: thirdParty('payer (pays in place of the buyer, FA role 6)'),
  }),
  currency: f('currency', 'ISO 4217 currency code, e.g. PLN or EUR; default PLN.'),
  exchangeRate: f('decimal', 'PLN per one unit of a foreign currency (FA KursWaluty).'),
  lineKind: f('enum', 'What the lines are: items (goods or services, the default) or rateRows (the per-VAT-rate rows of a sales register: netAmount or grossAmount, vatAmount as booked, vatRate and a description; no prices or quantities; the VAT per rate is taken from the rows and cross-checked).', { values: ['items', 'rateRows'] }),
  pricing: f('enum', 'Whether line prices are net or gross; when not mapped, gross if the lines have only gross prices or amounts, otherwise net.', { values: ['net', 'gross'] }),
  statedTotals: g('Totals stated by the source; they are cross-checked against the computed ones, never copied into the invoice.', {
    net: f('decimal', 'Total net amount stated by the source.'),
    vat: f('decimal', 'Total VAT amount stated by the source.'),
    gross: f('decimal', 'Total gross amount stated by the source.'),
  }),
  payment: g('Payment terms.', {
    dueDate: f('date', 'Payment due date.'),
    method: f('enum', 'Payment method: 1 cash, 2 card, 3 voucher, 4 cheque, 5 credit, 6 transfer, 7 mobile.', { values: ['1', '2', '3', '4', '5', '6', '7'] }),
    bankAccount: f('account', 'Bank account number (IBAN or NRB); spaces and dashes are removed.'),
    bankName: f('text', 'Name of the bank.'),
    paid: f('boolean', 'Whether the invoice has already been paid.'),
    paidDate: f('date', 'Date of payment when paid.'),
  }),
  annotations: g('Annotations (FA Adnotacje); unset ones take the writer defaults.', {
    cashAccounting: f('boolean', 'Cash accounting (metoda kasowa, P_16).'),
    selfBilling: f('boolean', 'Self-billing (samofakturowanie, P_17).'),
    reverseCharge: f('boolean', 'Reverse charge (odwrotne obciążenie, P_18); implied when a line has rate oo.'),
    splitPayment: f('boolean', 'Split payment mechanism (MPP, P_18A).'),
    exemptionBasis: f('enum', 'Legal basis kind of a VAT exemption: law (P_19A), directive (P_19B) or other (P_19C); default law when exemptionText is given.', { values: ['law', 'directive', 'other'] }),
    exemptionText: f('text', 'Text of the exemption basis, required when a line has rate zw.'),
  }),
  correction: g('Correction data for KOR invoices.', {
    reason: f('text', 'Reason for the correction (PrzyczynaKorekty).'),
    effect: f('enum', 'When the correction takes effect (TypKorekty): 1 original date, 2 correction date, 3 other.', { values: ['1', '2', '3'] }),
    originalNumber: f('text', 'Number of the corrected invoice.'),
    originalIssueDate: f('date', 'Issue date of the corrected invoice.'),
    originalKsefNumber: f('text', 'KSeF number of the corrected invoice; leave empty when it was issued outside KSeF.'),
  }),
  advance: g('Advance invoice (ZAL) data.', {
    amountReceived: f('decimal', 'Amount received as the advance.'),
    orderTotal: f('decimal', 'Total value of the order the advance is for.'),
  }),
  orderNumber: f('text', 'Order number.'),
  footer: f('text', 'Free text printed at the foot of the invoice (FA Stopka).'),
  attachment: g('Attachment (FA(3) Zalacznik, one data block): a heading, a key/value pair, text paragraphs and a simple table whose rows come from the lines\' attachmentRow. FA(2) has no attachments; KSeF accepts them only from taxpayers who registered for attachments.', {
    title: f('text', 'Heading of the attachment (ZNaglowek), at most 512 characters.'),
    metaKey: f('text', 'Key of the descriptive pair (ZKlucz); when not mapped the writer uses "Numer faktury" and the invoice number.'),
    metaValue: f('text', 'Value of the descriptive pair (ZWartosc).'),
    text: f('text', 'Text of the attachment: each line break starts a paragraph (Akapit); at most 10 paragraphs of 512 characters.'),
    tableTitle: f('text', 'Description of the table (Opis).'),
    tableColumns: f('text', 'Column headings of the table separated by | (at most 20); the rows come from the lines\' attachmentRow.'),
  }),
  notes: { kind: 'map', description: 'Additional descriptions (FA DodatkowyOpis): each key becomes the description name, its rule gives the text; empty values are left out.' },
});

export const LINE_FIELDS: GroupSpec = g('Line fields, read from each line record.', {
  description: f('text', 'Name of the goods or service (FA P_7).', { required: true }),
  unit: f('text', 'Unit of measure, e.g. szt. (FA P_8A).'),
  quantity: f('decimal', 'Quantity (FA P_8B); negative on corrections.'),
  unitNetPrice: f('decimal', 'Unit net price (FA P_9A), for net pricing.'),
  unitGrossPrice: f('decimal', 'Unit gross price (FA P_9B), for gross pricing.'),
  netAmount: f('decimal', 'Net value of the line (FA P_11); computed from quantity × unit net price when not mapped.'),
  grossAmount: f('decimal', 'Gross value of the line (FA P_11A); computed from quantity × unit gross price when not mapped.'),
  discount: f('decimal', 'Discount amount of the line (FA P_10).'),
  vatAmount: f('decimal', 'VAT amount of the line as the ERP states it, in the invoice currency: checked against net value × rate (gross pricing: the VAT contained in the gross value), never written (VAT is computed per rate).'),
  vatRate: f('vatRate', 'VAT rate or code: 23, 8, 5, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II (a trailing % is accepted).', { required: true }),
  sku: f('text', 'Product index or SKU (FA Indeks).'),
  gtu: f('text', 'GTU code, e.g. GTU_06.'),
  pkwiu: f('text', 'PKWiU classification.'),
  cn: f('text', 'CN (Combined Nomenclature) code of the goods.'),
  saleDate: f('date', 'Sale date of this line when it differs from the invoice (FA P_6A).'),
  beforeCorrection: f('boolean', 'This line shows the state before a correction (FA StanPrzed).'),
  attachmentRow: f('text', 'Cells of this line\'s row in the attachment table, separated by | (as many as invoice attachment.tableColumns); empty: no row.'),
});
