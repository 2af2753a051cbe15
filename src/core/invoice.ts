import type { Provenance } from './records.ts';

/**
 * The canonical invoice: what a mapping produces and what the FA writers consume. Names are
 * readable, not FA element names; the writers compute what FA needs (per-rate sums, P_15,
 * annotations, element order). Money and quantities are decimal strings ("1234.50", "-3",
 * "0.333"), never JavaScript numbers. Dates are local `yyyy-mm-dd` strings.
 */
export type Decimal = string;
export type IsoDate = string;

export type FaSchema = 'FA(3)' | 'FA(2)';

/** Invoice kinds (FA `RodzajFaktury`). */
export type InvoiceKind = 'VAT' | 'KOR' | 'ZAL' | 'ROZ' | 'UPR' | 'KOR_ZAL' | 'KOR_ROZ';

/**
 * VAT rate or special code (FA `P_12`). The writers translate per schema version:
 * FA(3) knows `0 KR`, `0 WDT`, `0 EX`, `np I`, `np II`; FA(2) knows `0` and `np`
 * (`0 KR`→`0`, `0 WDT`/`0 EX`→`0` with the matching annotations, `np I`/`np II`→`np`).
 * `zw` exempt, `oo` reverse charge (odwrotne obciążenie).
 */
export type VatRate =
  | '23' | '22' | '8' | '7' | '5' | '4' | '3'
  | '0' | '0 KR' | '0 WDT' | '0 EX'
  | 'zw' | 'oo' | 'np' | 'np I' | 'np II';

export const VAT_RATES: readonly VatRate[] = [
  '23', '22', '8', '7', '5', '4', '3', '0', '0 KR', '0 WDT', '0 EX', 'zw', 'oo', 'np', 'np I', 'np II',
];

export interface Address {
  /** ISO 3166 alpha-2, e.g. PL, DE */
  readonly country: string;
  readonly line1: string;
  readonly line2?: string;
}

/** How a party is identified. Exactly one applies. */
export type PartyId =
  | { readonly type: 'nip'; readonly nip: string }
  /** EU VAT number: country prefix separate, e.g. { country: 'DE', number: '123456789' } */
  | { readonly type: 'eu-vat'; readonly country: string; readonly number: string }
  /** non-EU tax id, with optional country */
  | { readonly type: 'foreign'; readonly country?: string; readonly id: string }
  /** consumer or anyone without a tax id (FA `BrakID`) */
  | { readonly type: 'none' };

export interface Party {
  readonly id: PartyId;
  readonly name: string;
  readonly address?: Address;
  readonly email?: string;
  readonly phone?: string;
  /** buyer's customer number in the seller's system (FA `NrKlienta`) */
  readonly customerNumber?: string;
}

/**
 * FA `Podmiot3/Rola`: why a third party is on the invoice. The writers translate the names to the
 * FA codes 1–11 (`jst-recipient` = 8 sets `Podmiot2/JST` = 1, `vat-group-recipient` = 10 sets
 * `Podmiot2/GV` = 1).
 */
export type ThirdPartyRole =
  | 'factor' | 'recipient' | 'original-entity' | 'additional-buyer' | 'issuer' | 'payer'
  | 'jst-issuer' | 'jst-recipient' | 'vat-group-issuer' | 'vat-group-recipient' | 'employee';

export const THIRD_PARTY_ROLES: readonly ThirdPartyRole[] = [
  'factor', 'recipient', 'original-entity', 'additional-buyer', 'issuer', 'payer',
  'jst-issuer', 'jst-recipient', 'vat-group-issuer', 'vat-group-recipient', 'employee',
];

/** A party other than seller and buyer (FA `Podmiot3`), e.g. the JST unit that receives the goods. */
export interface ThirdParty extends Party {
  readonly role: ThirdPartyRole;
}

/**
 * An attachment (FA(3) `Zalacznik`, one `BlokDanych`): descriptive key/value pairs, text
 * paragraphs and at most one simple table of text cells. FA(2) has no attachments.
 */
export interface Attachment {
  /** block heading (`ZNaglowek`) */
  readonly title?: string;
  /** `MetaDane` (ZKlucz/ZWartosc); FA requires at least one: the writer adds the invoice number when empty */
  readonly meta: readonly { readonly key: string; readonly value: string }[];
  /** `Tekst/Akapit`: at most 10 paragraphs of at most 512 characters */
  readonly paragraphs: readonly string[];
  /** `Tabela`: column headings (at most 20) and rows of text cells (at most 1000 rows) */
  readonly table?: { readonly title?: string; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

export interface InvoiceLine {
  /** product or service name (FA `P_7`) */
  readonly description: string;
  /** unit of measure (FA `P_8A`), e.g. "szt." */
  readonly unit?: string;
  /** quantity (FA `P_8B`); may be negative on corrections */
  readonly quantity?: Decimal;
  /** unit net price (FA `P_9A`), for net-priced invoices */
  readonly unitNetPrice?: Decimal;
  /** unit gross price (FA `P_9B`), for gross-priced invoices */
  readonly unitGrossPrice?: Decimal;
  /** line net value (FA `P_11`); computed from quantity × unitNetPrice when absent */
  readonly netAmount?: Decimal;
  /** line gross value (FA `P_11A`); computed from quantity × unitGrossPrice when absent */
  readonly grossAmount?: Decimal;
  /** line discount amount (FA `P_10`) */
  readonly discount?: Decimal;
  /**
   * the line's VAT amount as the ERP states it, in the invoice currency: only cross-checked
   * against the line value × rate (FA_LINE_VAT), never written (FA `P_11Vat` is for art. 106e
   * ust. 10 only; the agent computes VAT per rate from the sums)
   */
  readonly vatAmount?: Decimal;
  readonly vatRate: VatRate;
  /** product index / SKU (FA `Indeks`) */
  readonly sku?: string;
  /** GTU code, e.g. "GTU_06" */
  readonly gtu?: string;
  readonly pkwiu?: string;
  readonly cn?: string;
  /** delivery/service date of this line when it differs from the invoice's (FA `P_6A`) */
  readonly saleDate?: IsoDate;
  /** FA `StanPrzed`: this line shows the state before a correction */
  readonly beforeCorrection?: boolean;
  /** where the line came from (its record), for error reports; absent for hand-built invoices */
  readonly provenance?: Provenance;
}

export interface Payment {
  readonly dueDate?: IsoDate;
  /** payment method (FA `FormaPlatnosci`): 1 cash, 2 card, 3 voucher, 4 cheque, 5 credit, 6 transfer, 7 mobile */
  readonly method?: '1' | '2' | '3' | '4' | '5' | '6' | '7';
  /** IBAN or NRB, digits (and country prefix) only */
  readonly bankAccount?: string;
  readonly bankName?: string;
  readonly paid?: boolean;
  readonly paidDate?: IsoDate;
}

export interface CorrectedInvoice {
  readonly number: string;
  readonly issueDate: IsoDate;
  /** KSeF number of the corrected invoice; absent when it was issued outside KSeF */
  readonly ksefNumber?: string;
}

export interface Correction {
  readonly reason?: string;
  /** FA `TypKorekty`: 1 original's date, 2 correction's date, 3 other */
  readonly effect?: '1' | '2' | '3';
  readonly corrected: readonly CorrectedInvoice[];
}

export interface Annotations {
  /** cash accounting (metoda kasowa, P_16) */
  readonly cashAccounting?: boolean;
  /** self-billing (samofakturowanie, P_17) */
  readonly selfBilling?: boolean;
  /** reverse charge (odwrotne obciążenie, P_18); implied when any line is `oo` */
  readonly reverseCharge?: boolean;
  /** split payment (mechanizm podzielonej płatności, P_18A) */
  readonly splitPayment?: boolean;
  /** exemption basis (P_19A/B/C): required when any line is `zw` */
  readonly exemption?: { readonly basis: 'law' | 'directive' | 'other'; readonly text: string };
}

export interface Invoice {
  readonly kind: InvoiceKind;
  /** invoice number (FA `P_2`) */
  readonly number: string;
  /** issue date (FA `P_1`) */
  readonly issueDate: IsoDate;
  /** place of issue (FA `P_1M`) */
  readonly issuePlace?: string;
  /** sale / delivery date (FA `P_6`) when one date applies to the whole invoice */
  readonly saleDate?: IsoDate;
  /** sale period (FA `OkresFa`) instead of one sale date */
  readonly salePeriod?: { readonly from: IsoDate; readonly to: IsoDate };
  /** seller: from the company configuration unless the mapping gives it */
  readonly seller?: Party;
  readonly buyer: Party;
  /** FA `Podmiot3`: recipient, payer… (a JST or VAT-group recipient sets Podmiot2 JST/GV) */
  readonly thirdParties?: readonly ThirdParty[];
  /** ISO 4217, default PLN */
  readonly currency: string;
  /** PLN per unit of currency, required for foreign currency VAT (FA `KursWaluty`) */
  readonly exchangeRate?: Decimal;
  /** how line prices are given: net (P_9A/P_11) or gross (P_9B/P_11A, VAT extracted from gross) */
  readonly pricing: 'net' | 'gross';
  readonly lines: readonly InvoiceLine[];
  /**
   * `items` (default): lines are goods or services. `rateRows`: lines are the per-VAT-rate rows of
   * a sales register (net or gross, the VAT as booked, the rate, a description): P_14_x is the
   * rows' stated VAT, cross-checked against the computed one (FA_RATE_VAT_MISMATCH).
   */
  readonly lineKind?: 'items' | 'rateRows';
  /** totals the source states, cross-checked against the computed ones (never trusted blindly) */
  readonly statedTotals?: { readonly net?: Decimal; readonly vat?: Decimal; readonly gross?: Decimal };
  readonly payment?: Payment;
  readonly annotations?: Annotations;
  /** for KOR / KOR_ZAL / KOR_ROZ */
  readonly correction?: Correction;
  /** for ZAL: the amount received (FA `P_15` of an advance invoice is what was paid) */
  readonly advance?: { readonly amountReceived: Decimal; readonly orderTotal?: Decimal };
  /** free key/value descriptions (FA `DodatkowyOpis`) */
  readonly notes?: readonly { readonly key: string; readonly value: string }[];
  readonly orderNumber?: string;
  readonly footer?: string;
  /** FA(3) `Zalacznik` */
  readonly attachment?: Attachment;
  /** where the invoice came from (first record), for error reports */
  readonly provenance: Provenance;
}

/** Seller and defaults that come from the company configuration. */
export interface CompanyProfile {
  readonly nip: string;
  readonly name: string;
  readonly address: Address;
  readonly email?: string;
  readonly phone?: string;
  readonly bankAccount?: string;
}

/** The output of a writer: the FA XML of one invoice. */
export interface InvoiceXml {
  readonly invoiceNumber: string;
  readonly kind: InvoiceKind;
  readonly sellerNip: string;
  /** P_1 as written */
  readonly issueDate: IsoDate;
  readonly schema: FaSchema;
  /** UTF-8 bytes without BOM, as sent to KSeF */
  readonly xml: Buffer;
  readonly provenance: Provenance;
}
