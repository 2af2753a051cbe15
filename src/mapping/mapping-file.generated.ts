/* Generated from the JSON Schema by scripts/write-schemas.ts (npm run schema): do not edit; a test fails when it is out of date. */

/**
 * Says how records of one kind of export file become canonical invoices.
 */
export interface MappingFile {
  /**
   * Path or URL of this JSON Schema, for editor completion.
   */
  $schema?: string;
  /**
   * Human name of the mapping, shown in logs and reports.
   */
  name: string;
  /**
   * Free notes about the export this mapping reads.
   */
  description?: string;
  /**
   * Which inbox files this mapping is used for: a file takes the first of its inbox's mappings whose files pattern matches its name.
   */
  applies?: {
    /**
     * Inbox id from the configuration this mapping is written for; used by another inbox, the agent refuses to start (CFG_MAPPING_APPLIES).
     */
    inbox?: string;
    /**
     * Company id from the configuration this mapping is written for; used by another company, the agent refuses to start (CFG_MAPPING_APPLIES).
     */
    company?: string;
    /**
     * File name pattern(s) such as *.csv or FAKT*.TXT (* any characters, ? one, case-insensitive); a file matching none goes to errors/ with INBOX_NO_MAPPING; omitted: every file.
     */
    files?: string | string[];
  };
  /**
   * How to read the file: its format, encoding and format options.
   */
  input: {
    /**
     * File format.
     */
    format: 'csv' | 'xlsx' | 'fixed' | 'xml' | 'json' | 'jsonl' | 'sections';
    /**
     * Character encoding; auto tries strict UTF-8 first, then fallback (default auto; ignored for xlsx).
     */
    encoding?: 'auto' | 'utf-8' | 'windows-1250' | 'cp852' | 'iso-8859-2';
    /**
     * Code page tried by auto when the file is not UTF-8 (default windows-1250).
     */
    fallback?: 'windows-1250' | 'cp852' | 'iso-8859-2';
    /**
     * CSV options.
     */
    csv?: {
      /**
       * Field separator: one character, or "auto" to detect ; , tab or | (default auto).
       */
      delimiter?: string;
      /**
       * Quote character (default "); "" turns quoting off, so quote characters are data.
       */
      quote?: string;
      /**
       * true (default): the first line after skipLines names the columns; false: columns are "1", "2", ….
       */
      header?: boolean;
      /**
       * Lines to skip at the top before the header or first record (default 0).
       */
      skipLines?: number;
      /**
       * Lines to ignore at the end, e.g. a summary row (default 0).
       */
      skipTrailingLines?: number;
      /**
       * Ignore rows whose cells are all empty (default true).
       */
      skipEmptyRows?: boolean;
      /**
       * The column that says each row's record type (header, line, summary rows in one file).
       */
      recordType?: {
        /**
         * A header name, or a 1-based column number as text ("1") when header is false.
         */
        column: string;
      };
      /**
       * Column names of each record type (needs recordType); a type without a layout keeps the header names or column numbers.
       *
       * @minItems 1
       *
       * Items: The columns of one record type.
       */
      layouts?: {
        /**
         * Record type as written in the recordType column, e.g. H or L.
         */
        type: string;
        /**
         * Column names in order; rows of this type must have exactly this many columns.
         *
         * @minItems 1
         */
        columns: string[];
      }[];
    };
    /**
     * Excel (XLSX) options.
     */
    xlsx?: {
      /**
       * Sheet name, or its 1-based number (default 1).
       */
      sheet?: string | number;
      /**
       * 1-based row that holds the column names; rows above it are titles (default 1).
       */
      headerRow?: number;
      /**
       * Column (by header name) that ends the data at its first empty cell, or that stopWhen is tested on.
       */
      stopColumn?: string;
      /**
       * Regular expression: the first row whose stopColumn (or first cell) matches ends the data, e.g. "^(Razem|Suma)".
       */
      stopWhen?: string;
      /**
       * Ignore rows whose cells are all empty (default true).
       */
      skipEmptyRows?: boolean;
      /**
       * Several sheets, read one after another in the workbook's order; each row's record type is its sheet's type (instead of sheet).
       *
       * @minItems 1
       *
       * Items: One sheet read by sheets.
       */
      sheets?: {
        /**
         * Sheet name, or its 1-based number.
         */
        sheet: string | number;
        /**
         * Record type of this sheet's rows, e.g. invoice or line.
         */
        type: string;
        /**
         * 1-based row that holds this sheet's column names (default: headerRow).
         */
        headerRow?: number;
      }[];
    };
    /**
     * Fixed-width text options.
     */
    fixed?: {
      /**
       * Where the record type is written in each line (leave out when there is only one layout).
       */
      discriminator?: {
        /**
         * 1-based position of the record type.
         */
        start: number;
        /**
         * Number of characters of the record type.
         */
        length: number;
      };
      /**
       * One layout per record type.
       *
       * @minItems 1
       *
       * Items: The fields of one record type.
       */
      layouts: {
        /**
         * Record type value, e.g. H, L or S.
         */
        type: string;
        /**
         * Length of this record in characters; fields must end within it (checked at load).
         */
        recordLength?: number;
        /**
         * Fields of this record type.
         *
         * @minItems 1
         *
         * Items: One field of a fixed-width record.
         */
        fields: {
          /**
           * Field name that rules refer to with column.
           */
          name: string;
          /**
           * 1-based position of the first character.
           */
          start: number;
          /**
           * Number of characters.
           */
          length: number;
          /**
           * Remove surrounding spaces (default true).
           */
          trim?: boolean;
        }[];
      }[];
      /**
       * What to do with a line whose record type has no layout: error (default) or ignore.
       */
      unknownRecords?: 'error' | 'ignore';
      /**
       * Ignore empty lines (default true).
       */
      skipEmptyLines?: boolean;
    };
    /**
     * XML options.
     */
    xml?: {
      /**
       * Slash path from the root to each record element, without namespace prefixes, e.g. /Export/Invoices/Invoice.
       */
      recordPath: string;
      /**
       * Element names that always form lists (e.g. Line), so one line and many lines look the same.
       */
      arrays?: string[];
    };
    /**
     * JSON options.
     */
    json?: {
      /**
       * Dot path to the array of records, e.g. orders or data.invoices; "" for a top-level array.
       */
      recordPath: string;
    };
    /**
     * JSON Lines options (none yet).
     */
    jsonl?: {};
    /**
     * Section file options ([NAME] marker lines, then delimited quoted records).
     */
    sections?: {
      /**
       * Field separator, one character (default ",").
       */
      delimiter?: string;
      /**
       * Quote character around text fields; a doubled quote inside is one quote (default ").
       */
      quote?: string;
      /**
       * Layouts tried in order: a record gets the first whose section, when and after fit.
       *
       * @minItems 1
       *
       * Items: The fields of one kind of record in a section file.
       */
      layouts: {
        /**
         * Record type of the records this layout reads, e.g. document or item.
         */
        type: string;
        /**
         * Section name between the brackets of its marker line, e.g. NAGLOWEK for [NAGLOWEK].
         */
        section: string;
        /**
         * A test on the record's own field: exactly one of equals or in.
         */
        when?: {
          /**
           * 1-based number of the field to test.
           */
          field: number;
          /**
           * The field (trimmed) equals this text.
           */
          equals?: string;
          /**
           * The field (trimmed) is one of these texts.
           *
           * @minItems 1
           */
          in?: string[];
        };
        /**
         * Only when the last record read by a layout without after had this type (items after their document header).
         */
        after?: string;
        /**
         * Field names in order; further fields are named by their 1-based position ("13", …), missing ones are empty.
         */
        columns: string[];
      }[];
      /**
       * What to do with a record no layout fits: error (default) or ignore.
       */
      unknownRecords?: 'error' | 'ignore';
    };
    /**
     * Invoices come from two files delivered together: this file (the primary, e.g. a header file) and its companion (e.g. a lines file) named after the same stem, read with the same format and options; both are taken when both are complete.
     */
    companion?: {
      /**
       * Name of the companion file, with {stem} for the stem of the primary file, e.g. {stem}_poz.csv.
       */
      files: string;
      /**
       * Regular expression on the primary file name (case-insensitive); group 1 is the stem, e.g. ^(.*)_nag\.csv$.
       */
      stem: string;
      /**
       * Record type given to the records of the companion file, e.g. line.
       */
      type: string;
      /**
       * Record type given to the records of the primary file, e.g. invoice.
       */
      ownType: string;
      /**
       * How long one file of a pair waits in the inbox for the other before it is taken alone and goes to errors (INBOX_COMPANION_MISSING / INBOX_COMPANION_ALONE); default 600.
       */
      waitSeconds?: number;
    };
  };
  /**
   * How records become invoices.
   */
  invoices: {
    /**
     * file: the whole file is one invoice; record: each record is one invoice; key: records with the same key form one invoice; header: a header record followed by its line records (master-detail); join: header and line records of different types matched by key, wherever they are in the file.
     */
    per: 'file' | 'record' | 'key' | 'header' | 'join';
    /**
     * per key: the column name (or a rule) whose value groups records; per join: the key of a header record.
     */
    key?: string | Rule;
    /**
     * per key: true (default) when rows of one invoice follow each other; false when they may be anywhere in the file (all records are then held until the end of the file, at most limits.maxRecordsPerFile).
     */
    adjacent?: boolean;
    /**
     * per join: the column name (or a rule) of a line record that holds its header's key.
     */
    lineKey?: string | Rule;
    /**
     * Repeated column groups of one row become lines, e.g. Pozycja1_Nazwa, Pozycja1_Ilosc, Pozycja2_Nazwa…; groups whose cells are all empty are skipped.
     */
    unpivot?: {
      /**
       * Column name pattern with {n} (the group number) and {field} (the name line rules read with column), e.g. "Pozycja{n}_{field}".
       */
      columns: string;
    };
    /**
     * per record: path to the nested lines inside the record (e.g. Lines/Line or items); without it the record is its own single line.
     */
    lines?: string;
    /**
     * per header and per join: the record type of an invoice's header, e.g. H or invoice.
     */
    header?: string;
    /**
     * per header: the record type(s) of invoice lines, e.g. L; per join: the one record type of lines.
     */
    line?: string | string[];
    /**
     * per header: further record types belonging to the invoice (e.g. S summary), readable with from.
     */
    other?: string[];
    skip?: Condition;
  };
  /**
   * Invoice-level fields, read from the invoice record (header record, first row of a group, or the record itself).
   */
  invoice: {
    /**
     * Invoice kind: VAT, KOR (correction), ZAL (advance), ROZ, UPR, KOR_ZAL, KOR_ROZ; default VAT, or KOR when correction.originalNumber has a value. Allowed: VAT, KOR, ZAL, ROZ, UPR, KOR_ZAL, KOR_ROZ.
     */
    kind?: Rule;
    /**
     * Invoice number as issued (FA P_2). Required.
     */
    number?: Rule;
    /**
     * Issue date (FA P_1). Required.
     */
    issueDate?: Rule;
    /**
     * Place of issue (FA P_1M).
     */
    issuePlace?: Rule;
    /**
     * Date of sale or delivery when one date applies to the whole invoice (FA P_6).
     */
    saleDate?: Rule;
    /**
     * Sale period instead of one sale date (FA OkresFa).
     */
    salePeriod?: {
      /**
       * First day of the sale period.
       */
      from?: Rule;
      /**
       * Last day of the sale period.
       */
      to?: Rule;
    };
    /**
     * The seller (leave out to use the company from the configuration): tax id, name, address and contact data.
     */
    seller?: {
      /**
       * Tax id of the seller (leave out to use the company from the configuration): a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.
       */
      taxId?: Rule;
      /**
       * Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape. Allowed: nip, eu-vat, foreign, none.
       */
      idType?: Rule;
      /**
       * Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).
       */
      idCountry?: Rule;
      /**
       * Full name of the seller (leave out to use the company from the configuration). Required.
       */
      name?: Rule;
      /**
       * Postal address.
       */
      address?: {
        /**
         * ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).
         */
        country?: Rule;
        /**
         * First address line: street, number, or the whole address.
         */
        line1?: Rule;
        /**
         * Second address line: postcode and town.
         */
        line2?: Rule;
      };
      /**
       * E-mail address of the seller (leave out to use the company from the configuration).
       */
      email?: Rule;
      /**
       * Phone number of the seller (leave out to use the company from the configuration).
       */
      phone?: Rule;
      /**
       * The seller (leave out to use the company from the configuration)'s customer number in the seller's system (FA NrKlienta).
       */
      customerNumber?: Rule;
    };
    /**
     * The buyer: tax id, name, address and contact data.
     */
    buyer?: {
      /**
       * Tax id of the buyer: a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.
       */
      taxId?: Rule;
      /**
       * Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape. Allowed: nip, eu-vat, foreign, none.
       */
      idType?: Rule;
      /**
       * Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).
       */
      idCountry?: Rule;
      /**
       * Full name of the buyer. Required.
       */
      name?: Rule;
      /**
       * Postal address.
       */
      address?: {
        /**
         * ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).
         */
        country?: Rule;
        /**
         * First address line: street, number, or the whole address.
         */
        line1?: Rule;
        /**
         * Second address line: postcode and town.
         */
        line2?: Rule;
      };
      /**
       * E-mail address of the buyer.
       */
      email?: Rule;
      /**
       * Phone number of the buyer.
       */
      phone?: Rule;
      /**
       * The buyer's customer number in the seller's system (FA NrKlienta).
       */
      customerNumber?: Rule;
    };
    /**
     * Third parties (FA Podmiot3), each mapped only when the export names it.
     */
    thirdParties?: {
      /**
       * The recipient (the unit that receives the goods or services, e.g. a school of the buying municipality).
       */
      recipient?: {
        /**
         * Tax id of the recipient: a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.
         */
        taxId?: Rule;
        /**
         * Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape. Allowed: nip, eu-vat, foreign, none.
         */
        idType?: Rule;
        /**
         * Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).
         */
        idCountry?: Rule;
        /**
         * Full name of the recipient. Required.
         */
        name?: Rule;
        /**
         * Postal address.
         */
        address?: {
          /**
           * ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).
           */
          country?: Rule;
          /**
           * First address line: street, number, or the whole address.
           */
          line1?: Rule;
          /**
           * Second address line: postcode and town.
           */
          line2?: Rule;
        };
        /**
         * E-mail address of the recipient.
         */
        email?: Rule;
        /**
         * Phone number of the recipient.
         */
        phone?: Rule;
        /**
         * The recipient's customer number in the seller's system (FA NrKlienta).
         */
        customerNumber?: Rule;
        /**
         * Role of the recipient: recipient (FA role 2, a branch or internal unit of the buyer), jst-recipient (8: a subordinate unit of a local-government buyer; sets Podmiot2 JST = 1) or vat-group-recipient (10: a VAT-group member; sets Podmiot2 GV = 1); default recipient. Allowed: recipient, jst-recipient, vat-group-recipient.
         */
        role?: Rule;
      };
      /**
       * The payer (pays in place of the buyer, FA role 6).
       */
      payer?: {
        /**
         * Tax id of the payer: a Polish NIP (dashes, spaces and a PL prefix are removed), an EU VAT number with its country prefix (DE123456789), another country's id, or empty for a consumer without one.
         */
        taxId?: Rule;
        /**
         * Forces how taxId is read (nip, eu-vat, foreign, none) instead of recognising it from its shape. Allowed: nip, eu-vat, foreign, none.
         */
        idType?: Rule;
        /**
         * Country of a foreign or EU tax id when taxId has no country prefix (default: the address country).
         */
        idCountry?: Rule;
        /**
         * Full name of the payer. Required.
         */
        name?: Rule;
        /**
         * Postal address.
         */
        address?: {
          /**
           * ISO 3166 two-letter country code, e.g. PL or DE (default PL when line1 is mapped).
           */
          country?: Rule;
          /**
           * First address line: street, number, or the whole address.
           */
          line1?: Rule;
          /**
           * Second address line: postcode and town.
           */
          line2?: Rule;
        };
        /**
         * E-mail address of the payer.
         */
        email?: Rule;
        /**
         * Phone number of the payer.
         */
        phone?: Rule;
        /**
         * The payer's customer number in the seller's system (FA NrKlienta).
         */
        customerNumber?: Rule;
      };
    };
    /**
     * ISO 4217 currency code, e.g. PLN or EUR; default PLN.
     */
    currency?: Rule;
    /**
     * PLN per one unit of a foreign currency (FA KursWaluty).
     */
    exchangeRate?: Rule;
    /**
     * What the lines are: items (goods or services, the default) or rateRows (the per-VAT-rate rows of a sales register: netAmount or grossAmount, vatAmount as booked, vatRate and a description; no prices or quantities; the VAT per rate is taken from the rows and cross-checked). Allowed: items, rateRows.
     */
    lineKind?: Rule;
    /**
     * Whether line prices are net or gross; when not mapped, gross if the lines have only gross prices or amounts, otherwise net. Allowed: net, gross.
     */
    pricing?: Rule;
    /**
     * Totals stated by the source; they are cross-checked against the computed ones, never copied into the invoice.
     */
    statedTotals?: {
      /**
       * Total net amount stated by the source.
       */
      net?: Rule;
      /**
       * Total VAT amount stated by the source.
       */
      vat?: Rule;
      /**
       * Total gross amount stated by the source.
       */
      gross?: Rule;
    };
    /**
     * Payment terms.
     */
    payment?: {
      /**
       * Payment due date.
       */
      dueDate?: Rule;
      /**
       * Payment method: 1 cash, 2 card, 3 voucher, 4 cheque, 5 credit, 6 transfer, 7 mobile. Allowed: 1, 2, 3, 4, 5, 6, 7.
       */
      method?: Rule;
      /**
       * Bank account number (IBAN or NRB); spaces and dashes are removed.
       */
      bankAccount?: Rule;
      /**
       * Name of the bank.
       */
      bankName?: Rule;
      /**
       * Whether the invoice has already been paid.
       */
      paid?: Rule;
      /**
       * Date of payment when paid.
       */
      paidDate?: Rule;
    };
    /**
     * Annotations (FA Adnotacje); unset ones take the writer defaults.
     */
    annotations?: {
      /**
       * Cash accounting (metoda kasowa, P_16).
       */
      cashAccounting?: Rule;
      /**
       * Self-billing (samofakturowanie, P_17).
       */
      selfBilling?: Rule;
      /**
       * Reverse charge (odwrotne obciążenie, P_18); implied when a line has rate oo.
       */
      reverseCharge?: Rule;
      /**
       * Split payment mechanism (MPP, P_18A).
       */
      splitPayment?: Rule;
      /**
       * Legal basis kind of a VAT exemption: law (P_19A), directive (P_19B) or other (P_19C); default law when exemptionText is given. Allowed: law, directive, other.
       */
      exemptionBasis?: Rule;
      /**
       * Text of the exemption basis, required when a line has rate zw.
       */
      exemptionText?: Rule;
    };
    /**
     * Correction data for KOR invoices.
     */
    correction?: {
      /**
       * Reason for the correction (PrzyczynaKorekty).
       */
      reason?: Rule;
      /**
       * When the correction takes effect (TypKorekty): 1 original date, 2 correction date, 3 other. Allowed: 1, 2, 3.
       */
      effect?: Rule;
      /**
       * Number of the corrected invoice.
       */
      originalNumber?: Rule;
      /**
       * Issue date of the corrected invoice.
       */
      originalIssueDate?: Rule;
      /**
       * KSeF number of the corrected invoice; leave empty when it was issued outside KSeF.
       */
      originalKsefNumber?: Rule;
    };
    /**
     * Advance invoice (ZAL) data.
     */
    advance?: {
      /**
       * Amount received as the advance.
       */
      amountReceived?: Rule;
      /**
       * Total value of the order the advance is for.
       */
      orderTotal?: Rule;
    };
    /**
     * Order number.
     */
    orderNumber?: Rule;
    /**
     * Free text printed at the foot of the invoice (FA Stopka).
     */
    footer?: Rule;
    /**
     * Attachment (FA(3) Zalacznik, one data block): a heading, a key/value pair, text paragraphs and a simple table whose rows come from the lines' attachmentRow. FA(2) has no attachments; KSeF accepts them only from taxpayers who registered for attachments.
     */
    attachment?: {
      /**
       * Heading of the attachment (ZNaglowek), at most 512 characters.
       */
      title?: Rule;
      /**
       * Key of the descriptive pair (ZKlucz); when not mapped the writer uses "Numer faktury" and the invoice number.
       */
      metaKey?: Rule;
      /**
       * Value of the descriptive pair (ZWartosc).
       */
      metaValue?: Rule;
      /**
       * Text of the attachment: each line break starts a paragraph (Akapit); at most 10 paragraphs of 512 characters.
       */
      text?: Rule;
      /**
       * Description of the table (Opis).
       */
      tableTitle?: Rule;
      /**
       * Column headings of the table separated by | (at most 20); the rows come from the lines' attachmentRow.
       */
      tableColumns?: Rule;
    };
    /**
     * Additional descriptions (FA DodatkowyOpis): each key becomes the description name, its rule gives the text; empty values are left out.
     */
    notes?: {
      [k: string]: Rule;
    };
  };
  /**
   * Line fields, read from each line record.
   */
  line: {
    /**
     * Name of the goods or service (FA P_7). Required.
     */
    description?: Rule;
    /**
     * Unit of measure, e.g. szt. (FA P_8A).
     */
    unit?: Rule;
    /**
     * Quantity (FA P_8B); negative on corrections.
     */
    quantity?: Rule;
    /**
     * Unit net price (FA P_9A), for net pricing.
     */
    unitNetPrice?: Rule;
    /**
     * Unit gross price (FA P_9B), for gross pricing.
     */
    unitGrossPrice?: Rule;
    /**
     * Net value of the line (FA P_11); computed from quantity × unit net price when not mapped.
     */
    netAmount?: Rule;
    /**
     * Gross value of the line (FA P_11A); computed from quantity × unit gross price when not mapped.
     */
    grossAmount?: Rule;
    /**
     * Discount amount of the line (FA P_10).
     */
    discount?: Rule;
    /**
     * VAT amount of the line as the ERP states it, in the invoice currency: checked against net value × rate (gross pricing: the VAT contained in the gross value), never written (VAT is computed per rate).
     */
    vatAmount?: Rule;
    /**
     * VAT rate or code: 23, 8, 5, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II (a trailing % is accepted). Required.
     */
    vatRate?: Rule;
    /**
     * Product index or SKU (FA Indeks).
     */
    sku?: Rule;
    /**
     * GTU code, e.g. GTU_06.
     */
    gtu?: Rule;
    /**
     * PKWiU classification.
     */
    pkwiu?: Rule;
    /**
     * CN (Combined Nomenclature) code of the goods.
     */
    cn?: Rule;
    /**
     * Sale date of this line when it differs from the invoice (FA P_6A).
     */
    saleDate?: Rule;
    /**
     * This line shows the state before a correction (FA StanPrzed).
     */
    beforeCorrection?: Rule;
    /**
     * Cells of this line's row in the attachment table, separated by | (as many as invoice attachment.tableColumns); empty: no row.
     */
    attachmentRow?: Rule;
  };
  /**
   * Further line sources of each invoice, whose lines come after the main lines in the order listed.
   *
   * Items: One more source of lines of each invoice (shipping, fees, deposits, discounts), with its own complete line rules.
   */
  extraLines?: {
    /**
     * Name of this line source, shown in errors.
     */
    name: string;
    /**
     * Path inside the invoice record to one object or a list of objects, each one line (e.g. delivery or fees); without it the invoice record itself is the source.
     */
    path?: string;
    when?: Condition;
    /**
     * Line fields, read from each line record.
     */
    line: {
      /**
       * Name of the goods or service (FA P_7). Required.
       */
      description?: Rule;
      /**
       * Unit of measure, e.g. szt. (FA P_8A).
       */
      unit?: Rule;
      /**
       * Quantity (FA P_8B); negative on corrections.
       */
      quantity?: Rule;
      /**
       * Unit net price (FA P_9A), for net pricing.
       */
      unitNetPrice?: Rule;
      /**
       * Unit gross price (FA P_9B), for gross pricing.
       */
      unitGrossPrice?: Rule;
      /**
       * Net value of the line (FA P_11); computed from quantity × unit net price when not mapped.
       */
      netAmount?: Rule;
      /**
       * Gross value of the line (FA P_11A); computed from quantity × unit gross price when not mapped.
       */
      grossAmount?: Rule;
      /**
       * Discount amount of the line (FA P_10).
       */
      discount?: Rule;
      /**
       * VAT amount of the line as the ERP states it, in the invoice currency: checked against net value × rate (gross pricing: the VAT contained in the gross value), never written (VAT is computed per rate).
       */
      vatAmount?: Rule;
      /**
       * VAT rate or code: 23, 8, 5, 0, 0 KR, 0 WDT, 0 EX, zw, oo, np, np I, np II (a trailing % is accepted). Required.
       */
      vatRate?: Rule;
      /**
       * Product index or SKU (FA Indeks).
       */
      sku?: Rule;
      /**
       * GTU code, e.g. GTU_06.
       */
      gtu?: Rule;
      /**
       * PKWiU classification.
       */
      pkwiu?: Rule;
      /**
       * CN (Combined Nomenclature) code of the goods.
       */
      cn?: Rule;
      /**
       * Sale date of this line when it differs from the invoice (FA P_6A).
       */
      saleDate?: Rule;
      /**
       * This line shows the state before a correction (FA StanPrzed).
       */
      beforeCorrection?: Rule;
      /**
       * Cells of this line's row in the attachment table, separated by | (as many as invoice attachment.tableColumns); empty: no row.
       */
      attachmentRow?: Rule;
    };
  }[];
  /**
   * Named translation tables and reference-record lookups used by rules through lookup.
   */
  lookups?: {
    /**
     * A translation table (values) or a lookup into reference records (records).
     */
    [k: string]:
      | {
          /**
           * Record type of the reference records, e.g. a sheet's or section's type such as contractor.
           */
          records: string;
          /**
           * The column name (or a rule) of a reference record that holds its key.
           */
          key: string | Rule;
          /**
           * Match letter case of keys exactly (default false).
           */
          caseSensitive?: boolean;
        }
      | {
          /**
           * Source value → value to use.
           */
          values: {
            [k: string]: string;
          };
          /**
           * What happens to a value missing from the table: error (report it), default (use default), pass (keep the value as it is).
           */
          unmatched: 'error' | 'default' | 'pass';
          /**
           * Value used for unmatched values when unmatched is default.
           */
          default?: string;
          /**
           * Match letter case exactly (default false).
           */
          caseSensitive?: boolean;
        };
  };
}
/**
 * How one canonical field gets its value: exactly one source (column, path, value, template, expr or first), then optional conversions.
 */
export interface Rule {
  /**
   * Read this column (CSV/XLSX header, fixed-width field name, or column number "1", "2"… without a header).
   */
  column?: string;
  /**
   * Read this path inside an XML/JSON record: names separated by / or ., @name for an XML attribute, [n] for the n-th repeat, e.g. Buyer/Address/@city.
   */
  path?: string;
  /**
   * A constant value, written in canonical form (dates yyyy-mm-dd, decimals with a dot).
   */
  value?: string;
  /**
   * Text built from several fields: {Name} is replaced by that column or path, {{ and }} are literal braces, e.g. "{Street} {No}".
   */
  template?: string;
  /**
   * A JSONata expression (escape hatch) evaluated over the record; $invoice, $lines, $records, $file, $today are bound.
   */
  expr?: string;
  /**
   * Alternatives tried in order: the first whose condition holds and that yields a value wins.
   *
   * @minItems 1
   */
  first?: Rule[];
  /**
   * Which record to read: "invoice" (header/first record), "line", or a record type of master-detail such as "S"; default: invoice fields read the invoice record, line fields the line record.
   */
  from?: string;
  when?: Condition;
  /**
   * Value used when the source is empty, written in canonical form (dates yyyy-mm-dd, decimals with a dot); no conversions are applied to it.
   */
  default?: string;
  /**
   * Report an error when this field ends up empty (some fields, like number, are always required).
   */
  required?: boolean;
  /**
   * Remove spaces at both ends of the value (default true).
   */
  trim?: boolean;
  /**
   * Change letters to upper or lower case.
   */
  case?: 'upper' | 'lower';
  /**
   * Remove every one of these characters from the value, e.g. " -".
   */
  removeChars?: string;
  /**
   * Normalise a NIP: remove dashes, spaces, dots and a PL prefix.
   */
  nip?: boolean;
  /**
   * Translate the value through this table from the lookups section, or find the reference record with this key (then name its column with field).
   */
  lookup?: string;
  /**
   * With a record lookup: the column (or path) of the matched reference record to read, e.g. Nazwa; or a template of its columns, e.g. "{KodPocztowy} {Miasto}".
   */
  field?: string;
  /**
   * Decimal mark of the source number: comma (1 234,50), dot (1,234.50) or auto (default).
   */
  decimal?: 'comma' | 'dot' | 'auto';
  /**
   * The number is written without a decimal mark and has this many implied decimals (2 for amounts in grosze).
   */
  impliedDecimals?: number;
  /**
   * Change the sign of the number (e.g. credit amounts written as positive).
   */
  negate?: boolean;
  /**
   * Date format of the source: a pattern such as dd.MM.yyyy, yyyyMMdd or d/M/yy; "excel" for Excel serial day numbers; "iso" (default) for yyyy-mm-dd and ISO timestamps.
   */
  date?: string;
  /**
   * Time zone used to turn ISO timestamps with an offset into a local date (default Europe/Warsaw).
   */
  timeZone?: string;
  /**
   * The columns or paths this rule (and its when and first alternatives) names may be absent from a file: the field is then just empty. Otherwise a name that matches nothing in the file is reported (MAP_COLUMN_UNKNOWN; MAP_PATH_UNMATCHED, a warning in preview and an error at intake).
   */
  optional?: boolean;
}
/**
 * A condition on the record: name a column or path with one test (present, equals, notEquals, in, matches), or use expr, all, any or not.
 */
export interface Condition {
  /**
   * Column (field) of the record to test.
   */
  column?: string;
  /**
   * Path into an XML/JSON record to test, e.g. Buyer/@type or buyer.nip.
   */
  path?: string;
  /**
   * Which record to test: "invoice", "line", or a record type of master-detail (default: the record the rule reads).
   */
  from?: string;
  /**
   * true: the value is non-empty; false: it is empty or missing.
   */
  present?: boolean;
  /**
   * The value (trimmed) equals this text.
   */
  equals?: string;
  /**
   * The value (trimmed) differs from this text.
   */
  notEquals?: string;
  /**
   * The value (trimmed) is one of these texts.
   */
  in?: string[];
  /**
   * The value matches this regular expression (JavaScript syntax).
   */
  matches?: string;
  /**
   * A JSONata expression over the record; true when the result is truthy.
   */
  expr?: string;
  /**
   * True when every listed condition is true.
   */
  all?: Condition[];
  /**
   * True when at least one listed condition is true.
   */
  any?: Condition[];
  not?: Condition;
  /**
   * The column or path this condition names may be absent from a file (otherwise a name that matches nothing in the file is reported: MAP_COLUMN_UNKNOWN, MAP_PATH_UNMATCHED).
   */
  optional?: boolean;
}
