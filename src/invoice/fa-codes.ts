/** Every code the invoice stage reports. Callers match on these, never on messages. */
export const FA_ERROR_CODES = [
  'FA_ADVANCE_MISSING',
  'FA_AMOUNT_DECIMALS',
  'FA_AMOUNT_INVALID',
  'FA_BUYER_ID_INVALID',
  'FA_CORRECTION_MISSING',
  'FA_CURRENCY_INVALID',
  'FA_DATE_INVALID',
  'FA_EXCHANGE_RATE_MISSING',
  'FA_EXEMPTION_MISSING',
  'FA_FIELD_MISSING',
  'FA_FORBIDDEN_CHAR',
  'FA_ISSUE_DATE_FUTURE',
  'FA_KSEF_NUMBER_INVALID',
  'FA_LINES_MISSING',
  'FA_LINE_AMOUNT_MISSING',
  'FA_LINE_ARITHMETIC',
  'FA_LINE_VAT',
  'FA_NIP_INVALID',
  'FA_RATE_INVALID',
  'FA_SELLER_NIP_MISSING',
  'FA_TOTAL_MISMATCH',
  'FA_XML_FORBIDDEN_CHAR',
  'FA_XSD',
] as const;

/** Warnings: reported with the invoice, which is still sent. */
export const FA_WARNING_CODES = ['FA_ISSUE_DATE_PAST', 'FA_MOJIBAKE', 'FA_WHITESPACE_IN_CODE'] as const;

export type FaErrorCode = (typeof FA_ERROR_CODES)[number];
export type FaWarningCode = (typeof FA_WARNING_CODES)[number];
