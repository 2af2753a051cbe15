/* Generated from the JSON Schema by scripts/write-schemas.ts (npm run schema): do not edit; a test fails when it is out of date. */

/**
 * Configuration of the ksef-hotfolder agent: environment, companies, folders, inboxes and policies.
 */
export interface ConfigFile {
  /**
   * Path or URL of this JSON Schema, for editor completion.
   */
  $schema?: string;
  /**
   * KSeF environment: sim (embedded simulator), test, demo or prod.
   */
  environment: 'sim' | 'test' | 'demo' | 'prod';
  /**
   * Base folder for company folders and logs not set explicitly (relative to the configuration file).
   */
  root?: string;
  /**
   * Simulator options, used when environment is sim: the agent starts it in-process with the company tokens registered, unless url is given.
   */
  simulator?: {
    /**
     * What the simulator behaves like: test (KSeF TEST, FA(2) accepted) or prod (KSeF PRD: FA(3) only, NIP checksums enforced).
     */
    mode?: 'test' | 'prod';
    /**
     * Base URL of a simulator already running (the sim command); when set, none is started inside the agent.
     */
    url?: string;
    /**
     * Rate limits the simulator enforces: the PROD values, relaxed ones, or none.
     */
    rateLimits?: 'prod' | 'relaxed' | 'off';
    /**
     * How long the simulator takes to process each invoice before its status is final, in milliseconds.
     */
    processingDelayMs?: number;
    /**
     * Port of the simulator started inside the agent, on 127.0.0.1; 0 picks a free one.
     */
    port?: number;
  };
  /**
   * Connection to KSeF for the test, demo and prod environments.
   */
  ksef?: {
    /**
     * Override of the API base URL (normally derived from environment).
     */
    baseUrl?: string;
    /**
     * Timeout of one HTTP request to KSeF, in milliseconds.
     */
    timeoutMs?: number;
  };
  /**
   * Companies served by this agent, each with its own NIP, token and folders.
   *
   * @minItems 1
   *
   * Items: One company (seller): its identity, KSeF credential (token or certificate), folders and inboxes.
   */
  companies: {
    /**
     * Company identifier used in folder names and logs (letters, digits, - and _).
     */
    id: string;
    /**
     * Polish tax id (NIP) of the seller: 10 digits without dashes, with a valid checksum.
     */
    nip: string;
    /**
     * Seller name as it appears on invoices.
     */
    name: string;
    /**
     * Seller address as it appears on invoices.
     */
    address: {
      /**
       * ISO 3166 two-letter country code.
       */
      country?: string;
      /**
       * First address line (street and number).
       */
      line1: string;
      /**
       * Second address line (postal code and city).
       */
      line2?: string;
    };
    /**
     * Seller e-mail printed on invoices (optional).
     */
    email?: string;
    /**
     * Seller bank account (NRB or IBAN) used when a mapping gives none (optional).
     */
    bankAccount?: string;
    /**
     * Client NIPs this company (an accounting office logged in with its own credential) may send invoices for besides its own NIP: the seller NIPs allowed in its files. Each client must grant this company the InvoiceWrite permission in KSeF.
     *
     * @maxItems 10000
     */
    actsFor?: string[];
    /**
     * Where the KSeF token comes from: exactly one of {"env": "VAR"} or {"file": "path"}; never written inline.
     */
    token?: {
      /**
       * Name of the environment variable holding the KSeF token.
       */
      env?: string;
      /**
       * File holding the KSeF token (relative to the configuration file); surrounding whitespace is ignored.
       */
      file?: string;
    };
    /**
     * Where the certificate for the XAdES login comes from: certificateFile|certificateEnv with privateKeyFile|privateKeyEnv (PEM), or pkcs12File|pkcs12Env; a passphrase from passphraseEnv or passphraseFile; never written inline.
     */
    certificate?: {
      /**
       * PEM file holding the certificate (relative to the configuration file).
       */
      certificateFile?: string;
      /**
       * Name of the environment variable holding the PEM certificate.
       */
      certificateEnv?: string;
      /**
       * PEM file holding the private key, RSA or EC P-256, optionally encrypted (relative to the configuration file).
       */
      privateKeyFile?: string;
      /**
       * Name of the environment variable holding the PEM private key.
       */
      privateKeyEnv?: string;
      /**
       * PKCS#12 (.p12/.pfx) file holding the certificate and its key (relative to the configuration file).
       */
      pkcs12File?: string;
      /**
       * Name of the environment variable holding the PKCS#12 bytes in Base64.
       */
      pkcs12Env?: string;
      /**
       * Name of the environment variable holding the passphrase of the private key or PKCS#12 file.
       */
      passphraseEnv?: string;
      /**
       * File holding the passphrase of the private key or PKCS#12 file (relative to the configuration file); a final line break is ignored.
       */
      passphraseFile?: string;
      /**
       * How KSeF identifies the signer: by the NIP/PESEL in the certificate subject, or by the certificate SHA-256 fingerprint (for certificates without those identifiers).
       */
      subjectIdentifierType?: 'certificateSubject' | 'certificateFingerprint';
    };
    /**
     * FA schema the invoices are written in; FA(2) only on the TEST environment and the simulator.
     */
    schema?: 'FA(3)' | 'FA(2)';
    /**
     * Folders of this company (relative to the configuration file); each defaults to <root>/<company id>/<name>.
     */
    folders?: {
      /**
       * Default inbox folder for inboxes that name no folder of their own.
       */
      inbox?: string;
      /**
       * Where results, UPOs, sent XML, errors and purchases are written.
       */
      outbox?: string;
      /**
       * Where processed source files are kept, by date.
       */
      archive?: string;
      /**
       * Agent-owned work area (claimed files and state); must be outside every inbox and on the same volume.
       */
      work?: string;
    };
    /**
     * Inboxes of this company, each with its mapping.
     *
     * @minItems 1
     *
     * Items: One inbox: a folder the ERP writes to and the mapping that turns its files into invoices.
     */
    inboxes: {
      /**
       * Inbox identifier (letters, digits, - and _), unique within the company.
       */
      id: string;
      /**
       * Folder watched for this inbox (relative to the configuration file); defaults to the company inbox folder.
       */
      folder?: string;
      /**
       * Mapping file that turns this inbox's files into invoices (relative to the configuration file), e.g. mappings/optima-csv.json; or a list of them: each file takes the first whose applies.files matches its name (a mapping reading two files delivered together also takes their lines files, input.companion.files), and a file none applies to goes to errors/ with INBOX_NO_MAPPING.
       */
      mapping: string | string[];
      /**
       * File-name glob this inbox takes (e.g. "*.csv"; * and ? wildcards, case-insensitive); all files when omitted.
       */
      files?: string;
      /**
       * Limits for this inbox's files, each overriding the one of the top-level limits.
       */
      limits?: {
        /**
         * Largest source file taken in, in bytes (checked before it is opened); a larger one goes to errors/ with LIMIT_FILE_SIZE.
         */
        maxFileBytes?: number;
        /**
         * Largest XML or JSON file, in bytes: these are parsed as a whole, several times their size in memory (LIMIT_DOCUMENT_SIZE).
         */
        maxDocumentBytes?: number;
        /**
         * Most records (CSV/XLSX rows, fixed-width lines, XML/JSON records) read from one file; reading stops at the next one (LIMIT_RECORDS).
         */
        maxRecordsPerFile?: number;
        /**
         * Most invoices in one file; a file is taken in as a whole, so this bounds what it holds in memory (LIMIT_INVOICES).
         */
        maxInvoicesPerFile?: number;
        /**
         * Most lines of one invoice (FA allows 10,000 FaWiersz); reading stops at the next one (LIMIT_LINES_PER_INVOICE).
         */
        maxLinesPerInvoice?: number;
        /**
         * Longest CSV record or fixed-width line, in characters, e.g. after a quote that is never closed (LIMIT_RECORD_LENGTH).
         */
        maxRecordChars?: number;
        /**
         * Largest total unpacked size an XLSX may declare, in bytes: a zip bomb guard (LIMIT_XLSX_UNCOMPRESSED).
         */
        maxXlsxUncompressedBytes?: number;
      };
    }[];
  }[];
  /**
   * How invoices are sent to KSeF.
   */
  send?: {
    /**
     * auto sends a trickle online and a backlog in batch sessions; online or batch force one kind.
     */
    mode?: 'auto' | 'online' | 'batch';
    /**
     * Pending invoices of one company at or above which mode auto opens a batch session.
     */
    batchThreshold?: number;
    /**
     * Most invoices put in one batch session (KSeF allows 10,000).
     */
    maxInvoicesPerBatch?: number;
    /**
     * How often the status of sent invoices is asked, in milliseconds.
     */
    statusPollIntervalMs?: number;
    /**
     * After KSeF refuses a company's login or permissions (token revoked or wrong, FA schema not allowed), that company's sending pauses this long, doubling on every new refusal up to 15 minutes; its files wait in the work area and the other companies go on. once exits with code 1 naming it.
     */
    refusedRetryMs?: number;
    /**
     * Official receipts (UPO).
     */
    upo?: {
      /**
       * Download the UPO of every accepted invoice into outbox/upo/.
       */
      download?: boolean;
    };
  };
  /**
   * Scheduled download of purchase (incoming) invoices.
   */
  purchases?: {
    /**
     * Download invoices issued to the companies into outbox/purchases/.
     */
    enabled?: boolean;
    /**
     * Minutes between downloads; KSeF asks for no less than 15.
     */
    intervalMinutes?: number;
    /**
     * Roles of the company on the invoices downloaded: Subject2 buyer, Subject3 other party, SubjectAuthorized authorised subject.
     *
     * @minItems 1
     */
    roles?: ('Subject2' | 'Subject3' | 'SubjectAuthorized')[];
    /**
     * Date (yyyy-mm-dd) from which the first download starts; defaults to 30 days back.
     */
    backfillFrom?: string;
    /**
     * What is written for each purchase invoice besides its XML.
     */
    outputs?: {
      /**
       * Write <ksef-number>.json with the invoice metadata.
       */
      metadata?: boolean;
      /**
       * Write a flat CSV for ERP import, one file per downloaded package in purchases/import/ (columns from the purchase mapping).
       */
      csv?: boolean;
      /**
       * Write a flat JSON summary per invoice for ERP import.
       */
      json?: boolean;
    };
  };
  /**
   * How long the once command waits for work that does not move.
   */
  once?: {
    /**
     * once gives up after this many milliseconds without progress (nothing taken in, sent or settled) while work waits, e.g. KSeF unreachable; it exits with code 4 and one line per company saying what waits. run keeps trying.
     */
    patienceMs?: number;
  };
  /**
   * How inboxes are watched and when a file counts as complete.
   */
  watcher?: {
    /**
     * Use polling instead of file-system events (set for network shares, which deliver no events).
     */
    usePolling?: boolean;
    /**
     * Polling interval of the event trigger when usePolling is set, in milliseconds.
     */
    intervalMs?: number;
    /**
     * A file is taken only after its size and modification time stayed unchanged this long, in milliseconds (use 15000 or more on SMB shares).
     */
    stabilityWindowMs?: number;
    /**
     * Period of the full directory scan, the source of truth, in milliseconds.
     */
    scanIntervalMs?: number;
    /**
     * none, or a suffix such as .done or .ok: a file is taken only once <name><suffix> exists, and the marker is removed after the claim.
     */
    doneMarker?: string;
    /**
     * Extra file-name globs to ignore, besides *.tmp, *.part, ~$* and hidden names which are always ignored.
     */
    ignore?: string[];
    /**
     * Most files claimed from one inbox per scan, so a backlog is taken in bounded steps.
     */
    maxFilesPerScan?: number;
  };
  /**
   * Optional CSV form of the result files, for ERPs that can only read CSV.
   */
  resultsCsv?: {
    /**
     * Write results/<source>.result.csv beside each result JSON.
     */
    enabled?: boolean;
    /**
     * Columns of the CSV, in order.
     *
     * @minItems 1
     */
    columns?: (
      | 'source'
      | 'invoiceNumber'
      | 'status'
      | 'ksefNumber'
      | 'acquisitionDate'
      | 'sessionReferenceNumber'
      | 'invoiceReferenceNumber'
      | 'upoFile'
      | 'errorCode'
      | 'errorMessage'
      | 'invoicingMode'
      | 'warningCode'
      | 'warningMessage'
    )[];
    /**
     * Field delimiter of the CSV.
     */
    delimiter?: ';' | ',' | '\t' | '|';
    /**
     * Write a header line with the column names.
     */
    header?: boolean;
    /**
     * Bytes of the CSV: UTF-8 with a BOM (Excel opens it right), UTF-8 without BOM, or windows-1250 for older ERPs (characters it lacks become ?).
     */
    encoding?: 'utf-8-bom' | 'utf-8' | 'windows-1250';
  };
  /**
   * Console and file logging.
   */
  logging?: {
    /**
     * Least severe level written.
     */
    level?: 'error' | 'warn' | 'info' | 'debug';
    /**
     * Folder of the JSON-lines log files (relative to the configuration file); defaults to <root>/logs.
     */
    dir?: string;
    /**
     * Size in bytes at which a log file is rotated.
     */
    maxSize?: number;
    /**
     * Number of rotated log files kept.
     */
    maxFiles?: number;
    /**
     * Also write readable lines to the console.
     */
    console?: boolean;
  };
  /**
   * Size limits checked while a file is read, before mapping, so one huge or hostile file goes to errors/ instead of taking the agent's memory (see docs/memory.md).
   */
  limits?: {
    /**
     * Largest source file taken in, in bytes (checked before it is opened); a larger one goes to errors/ with LIMIT_FILE_SIZE.
     */
    maxFileBytes?: number;
    /**
     * Largest XML or JSON file, in bytes: these are parsed as a whole, several times their size in memory (LIMIT_DOCUMENT_SIZE).
     */
    maxDocumentBytes?: number;
    /**
     * Most records (CSV/XLSX rows, fixed-width lines, XML/JSON records) read from one file; reading stops at the next one (LIMIT_RECORDS).
     */
    maxRecordsPerFile?: number;
    /**
     * Most invoices in one file; a file is taken in as a whole, so this bounds what it holds in memory (LIMIT_INVOICES).
     */
    maxInvoicesPerFile?: number;
    /**
     * Most lines of one invoice (FA allows 10,000 FaWiersz); reading stops at the next one (LIMIT_LINES_PER_INVOICE).
     */
    maxLinesPerInvoice?: number;
    /**
     * Longest CSV record or fixed-width line, in characters, e.g. after a quote that is never closed (LIMIT_RECORD_LENGTH).
     */
    maxRecordChars?: number;
    /**
     * Largest total unpacked size an XLSX may declare, in bytes: a zip bomb guard (LIMIT_XLSX_UNCOMPRESSED).
     */
    maxXlsxUncompressedBytes?: number;
  };
  /**
   * HTTP health endpoint for monitoring.
   */
  health?: {
    /**
     * Serve GET /health with the agent state.
     */
    enabled?: boolean;
    /**
     * Port of the health endpoint.
     */
    port?: number;
    /**
     * Address the health endpoint listens on.
     */
    host?: string;
    /**
     * Free space, in MiB, below which the volume of the state, work or outbox folders counts as full: /health and status say failing.
     */
    minFreeMb?: number;
    /**
     * Minutes an invoice sent to KSeF may wait for its final status (KSeF normally answers in seconds to minutes); after that /health and status say degraded (INVOICES_UNSETTLED).
     */
    unsettledAfterMinutes?: number;
  };
}
