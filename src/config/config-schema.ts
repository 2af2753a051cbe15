/**
 * The configuration, declared once: this JSON Schema validates the file at load (with defaults
 * applied), is published as schema/config.schema.json for editor completion, and its
 * descriptions are the reference in docs/configuration.md. Every property has a one-sentence
 * description. `format: "nip"` is checked by the loader (NIP checksum); editors ignore it.
 */
const folderPath = { type: 'string', minLength: 1 } as const;

const tokenSource = {
  type: 'object',
  description: 'Where the KSeF token comes from: exactly one of {"env": "VAR"} or {"file": "path"}; never written inline.',
  properties: {
    env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of the environment variable holding the KSeF token.' },
    file: { ...folderPath, description: 'File holding the KSeF token (relative to the configuration file); surrounding whitespace is ignored.' },
  },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
} as const;

const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } as const;

/**
 * A KSeF certificate (or qualified seal/signature) for the XAdES login: PEM certificate + PEM key,
 * or one PKCS#12 file; each from a file or an environment variable, never inline. Which
 * combinations are allowed is checked by the loader (check-config.ts) with precise messages.
 */
const certificateSource = {
  type: 'object',
  description: 'Where the certificate for the XAdES login comes from: certificateFile|certificateEnv with privateKeyFile|privateKeyEnv (PEM), or pkcs12File|pkcs12Env; a passphrase from passphraseEnv or passphraseFile; never written inline.',
  properties: {
    certificateFile: { ...folderPath, description: 'PEM file holding the certificate (relative to the configuration file).' },
    certificateEnv: { ...envName, description: 'Name of the environment variable holding the PEM certificate.' },
    privateKeyFile: { ...folderPath, description: 'PEM file holding the private key, RSA or EC P-256, optionally encrypted (relative to the configuration file).' },
    privateKeyEnv: { ...envName, description: 'Name of the environment variable holding the PEM private key.' },
    pkcs12File: { ...folderPath, description: 'PKCS#12 (.p12/.pfx) file holding the certificate and its key (relative to the configuration file).' },
    pkcs12Env: { ...envName, description: 'Name of the environment variable holding the PKCS#12 bytes in Base64.' },
    passphraseEnv: { ...envName, description: 'Name of the environment variable holding the passphrase of the private key or PKCS#12 file.' },
    passphraseFile: { ...folderPath, description: 'File holding the passphrase of the private key or PKCS#12 file (relative to the configuration file); a final line break is ignored.' },
    subjectIdentifierType: {
      type: 'string', enum: ['certificateSubject', 'certificateFingerprint'], default: 'certificateSubject',
      description: 'How KSeF identifies the signer: by the NIP/PESEL in the certificate subject, or by the certificate SHA-256 fingerprint (for certificates without those identifiers).',
    },
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

/**
 * Size limits checked while a file is read, before mapping (src/core/limits.ts holds the same
 * defaults for callers without a configuration, e.g. preview without --config).
 */
const limitProperties = (withDefaults: boolean) => {
  const p = <D extends number>(min: number, max: number, def: D, description: string) =>
    ({ type: 'integer', minimum: min, maximum: max, ...(withDefaults ? { default: def } : {}), description }) as const;
  return {
    maxFileBytes: p(1, 4294967296, 104857600, 'Largest source file taken in, in bytes (checked before it is opened); a larger one goes to errors/ with LIMIT_FILE_SIZE.'),
    maxDocumentBytes: p(1, 1073741824, 33554432, 'Largest XML or JSON file, in bytes: these are parsed as a whole, several times their size in memory (LIMIT_DOCUMENT_SIZE).'),
    maxRecordsPerFile: p(1, 10000000, 200000, 'Most records (CSV/XLSX rows, fixed-width lines, XML/JSON records) read from one file; reading stops at the next one (LIMIT_RECORDS).'),
    maxInvoicesPerFile: p(1, 100000, 10000, 'Most invoices in one file; a file is taken in as a whole, so this bounds what it holds in memory (LIMIT_INVOICES).'),
    maxLinesPerInvoice: p(1, 10000, 10000, 'Most lines of one invoice (FA allows 10,000 FaWiersz); reading stops at the next one (LIMIT_LINES_PER_INVOICE).'),
    maxRecordChars: p(1024, 67108864, 1048576, 'Longest CSV record or fixed-width line, in characters, e.g. after a quote that is never closed (LIMIT_RECORD_LENGTH).'),
    maxXlsxUncompressedBytes: p(1024, 4294967296, 268435456, 'Largest total unpacked size an XLSX may declare, in bytes: a zip bomb guard (LIMIT_XLSX_UNCOMPRESSED).'),
  } as const;
};

const inbox = {
  type: 'object',
  description: 'One inbox: a folder the ERP writes to and the mapping that turns its files into invoices.',
  required: ['id', 'mapping'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Inbox identifier (letters, digits, - and _), unique within the company.' },
    folder: { ...folderPath, description: 'Folder watched for this inbox (relative to the configuration file); defaults to the company inbox folder.' },
    mapping: {
      anyOf: [folderPath, { type: 'array', minItems: 1, uniqueItems: true, items: folderPath }],
      description: 'Mapping file that turns this inbox\'s files into invoices (relative to the configuration file), e.g. mappings/optima-csv.json; or a list of them: each file takes the first whose applies.files matches its name (a mapping reading two files delivered together also takes their lines files, input.companion.files), and a file none applies to goes to errors/ with INBOX_NO_MAPPING.',
    },
    files: { type: 'string', minLength: 1, description: 'File-name glob this inbox takes (e.g. "*.csv"; * and ? wildcards, case-insensitive); all files when omitted.' },
    limits: {
      type: 'object',
      description: 'Limits for this inbox\'s files, each overriding the one of the top-level limits.',
      properties: limitProperties(false),
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const company = {
  type: 'object',
  description: 'One company (seller): its identity, KSeF credential (token or certificate), folders and inboxes.',
  required: ['id', 'nip', 'name', 'address', 'inboxes'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Company identifier used in folder names and logs (letters, digits, - and _).' },
    nip: { type: 'string', pattern: '^[0-9]{10}$', format: 'nip', description: 'Polish tax id (NIP) of the seller: 10 digits without dashes, with a valid checksum.' },
    name: { type: 'string', minLength: 1, maxLength: 512, description: 'Seller name as it appears on invoices.' },
    address: {
      type: 'object',
      description: 'Seller address as it appears on invoices.',
      required: ['line1'],
      properties: {
        country: { type: 'string', pattern: '^[A-Z]{2}$', default: 'PL', description: 'ISO 3166 two-letter country code.' },
        line1: { type: 'string', minLength: 1, maxLength: 512, description: 'First address line (street and number).' },
        line2: { type: 'string', minLength: 1, maxLength: 512, description: 'Second address line (postal code and city).' },
      },
      additionalProperties: false,
    },
    email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', description: 'Seller e-mail printed on invoices (optional).' },
    bankAccount: { type: 'string', pattern: '^[A-Z]{0,2}[0-9 ]{10,40}$', description: 'Seller bank account (NRB or IBAN) used when a mapping gives none (optional).' },
    actsFor: {
      type: 'array',
      uniqueItems: true,
      maxItems: 10000,
      items: { type: 'string', pattern: '^[0-9]{10}$', format: 'nip' },
      description: 'Client NIPs this company (an accounting office logged in with its own credential) may send invoices for besides its own NIP: the seller NIPs allowed in its files. Each client must grant this company the InvoiceWrite permission in KSeF.',
    },
    token: tokenSource,
    certificate: certificateSource,
    schema: { type: 'string', enum: ['FA(3)', 'FA(2)'], default: 'FA(3)', description: 'FA schema the invoices are written in; FA(2) only on the TEST environment and the simulator.' },
    folders: {
      type: 'object',
      description: 'Folders of this company (relative to the configuration file); each defaults to <root>/<company id>/<name>.',
      properties: {
        inbox: { ...folderPath, description: 'Default inbox folder for inboxes that name no folder of their own.' },
        outbox: { ...folderPath, description: 'Where results, UPOs, sent XML, errors and purchases are written.' },
        archive: { ...folderPath, description: 'Where processed source files are kept, by date.' },
        work: { ...folderPath, description: 'Agent-owned work area (claimed files and state); must be outside every inbox and on the same volume.' },
      },
      additionalProperties: false,
    },
    inboxes: { type: 'array', minItems: 1, items: inbox, description: 'Inboxes of this company, each with its mapping.' },
  },
  additionalProperties: false,
} as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ksef-hotfolder.local/schema/config.schema.json',
  title: 'ksef-hotfolder configuration',
  description: 'Configuration of the ksef-hotfolder agent: environment, companies, folders, inboxes and policies.',
  type: 'object',
  required: ['environment', 'companies'],
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this JSON Schema, for editor completion.' },
    environment: { type: 'string', enum: ['sim', 'test', 'demo', 'prod'], description: 'KSeF environment: sim (embedded simulator), test, demo or prod.' },
    root: { ...folderPath, default: './data', description: 'Base folder for company folders and logs not set explicitly (relative to the configuration file).' },
    simulator: {
      type: 'object',
      default: {},
      description: 'Simulator options, used when environment is sim: the agent starts it in-process with the company tokens registered, unless url is given.',
      properties: {
        mode: { type: 'string', enum: ['test', 'prod'], default: 'test', description: 'What the simulator behaves like: test (KSeF TEST, FA(2) accepted) or prod (KSeF PRD: FA(3) only, NIP checksums enforced).' },
        url: { type: 'string', pattern: '^https?://', description: 'Base URL of a simulator already running (the sim command); when set, none is started inside the agent.' },
        rateLimits: { type: 'string', enum: ['prod', 'relaxed', 'off'], default: 'relaxed', description: 'Rate limits the simulator enforces: the PROD values, relaxed ones, or none.' },
        processingDelayMs: { type: 'integer', minimum: 0, maximum: 600000, default: 200, description: 'How long the simulator takes to process each invoice before its status is final, in milliseconds.' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 0, description: 'Port of the simulator started inside the agent, on 127.0.0.1; 0 picks a free one.' },
      },
      additionalProperties: false,
    },
    ksef: {
      type: 'object',
      default: {},
      description: 'Connection to KSeF for the test, demo and prod environments.',
      properties: {
        baseUrl: { type: 'string', pattern: '^https?://', description: 'Override of the API base URL (normally derived from environment).' },
        timeoutMs: { type: 'integer', minimum: 1000, maximum: 600000, default: 30000, description: 'Timeout of one HTTP request to KSeF, in milliseconds.' },
      },
      additionalProperties: false,
    },
    companies: { type: 'array', minItems: 1, items: company, description: 'Companies served by this agent, each with its own NIP, token and folders.' },
    send: {
      type: 'object',
      default: {},
      description: 'How invoices are sent to KSeF.',
      properties: {
        mode: { type: 'string', enum: ['auto', 'online', 'batch'], default: 'auto', description: 'auto sends a trickle online and a backlog in batch sessions; online or batch force one kind.' },
        batchThreshold: { type: 'integer', minimum: 1, maximum: 10000, default: 100, description: 'Pending invoices of one company at or above which mode auto opens a batch session.' },
        maxInvoicesPerBatch: { type: 'integer', minimum: 1, maximum: 10000, default: 10000, description: 'Most invoices put in one batch session (KSeF allows 10,000).' },
        statusPollIntervalMs: { type: 'integer', minimum: 100, maximum: 600000, default: 2000, description: 'How often the status of sent invoices is asked, in milliseconds.' },
        refusedRetryMs: {
          type: 'integer', minimum: 100, maximum: 3600000, default: 60000,
          description: "After KSeF refuses a company's login or permissions (token revoked or wrong, FA schema not allowed), that company's sending pauses this long, doubling on every new refusal up to 15 minutes; its files wait in the work area and the other companies go on. once exits with code 1 naming it.",
        },
        upo: {
          type: 'object',
          default: {},
          description: 'Official receipts (UPO).',
          properties: {
            download: { type: 'boolean', default: true, description: 'Download the UPO of every accepted invoice into outbox/upo/.' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    purchases: {
      type: 'object',
      default: {},
      description: 'Scheduled download of purchase (incoming) invoices.',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'Download invoices issued to the companies into outbox/purchases/.' },
        intervalMinutes: { type: 'integer', minimum: 15, maximum: 10080, default: 60, description: 'Minutes between downloads; KSeF asks for no less than 15.' },
        roles: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: ['Subject2', 'Subject3', 'SubjectAuthorized'] },
          default: ['Subject2'],
          description: 'Roles of the company on the invoices downloaded: Subject2 buyer, Subject3 other party, SubjectAuthorized authorised subject.',
        },
        backfillFrom: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Date (yyyy-mm-dd) from which the first download starts; defaults to 30 days back.' },
        outputs: {
          type: 'object',
          default: {},
          description: 'What is written for each purchase invoice besides its XML.',
          properties: {
            metadata: { type: 'boolean', default: true, description: 'Write <ksef-number>.json with the invoice metadata.' },
            csv: { type: 'boolean', default: false, description: 'Write a flat CSV for ERP import, one file per downloaded package in purchases/import/ (columns from the purchase mapping).' },
            json: { type: 'boolean', default: false, description: 'Write a flat JSON summary per invoice for ERP import.' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    once: {
      type: 'object',
      default: {},
      description: 'How long the once command waits for work that does not move.',
      properties: {
        patienceMs: {
          type: 'integer', minimum: 1000, maximum: 86400000, default: 600000,
          description: 'once gives up after this many milliseconds without progress (nothing taken in, sent or settled) while work waits, e.g. KSeF unreachable; it exits with code 4 and one line per company saying what waits. run keeps trying.',
        },
      },
      additionalProperties: false,
    },
    watcher: {
      type: 'object',
      default: {},
      description: 'How inboxes are watched and when a file counts as complete.',
      properties: {
        usePolling: { type: 'boolean', default: false, description: 'Use polling instead of file-system events (set for network shares, which deliver no events).' },
        intervalMs: { type: 'integer', minimum: 100, maximum: 60000, default: 1000, description: 'Polling interval of the event trigger when usePolling is set, in milliseconds.' },
        stabilityWindowMs: { type: 'integer', minimum: 0, maximum: 3600000, default: 2000, description: 'A file is taken only after its size and modification time stayed unchanged this long, in milliseconds (use 15000 or more on SMB shares).' },
        scanIntervalMs: { type: 'integer', minimum: 100, maximum: 3600000, default: 5000, description: 'Period of the full directory scan, the source of truth, in milliseconds.' },
        doneMarker: { type: 'string', pattern: '^(none|\\.[A-Za-z0-9_-]{1,16})$', default: 'none', description: 'none, or a suffix such as .done or .ok: a file is taken only once <name><suffix> exists, and the marker is removed after the claim.' },
        ignore: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Extra file-name globs to ignore, besides *.tmp, *.part, ~$* and hidden names which are always ignored.' },
        maxFilesPerScan: { type: 'integer', minimum: 1, maximum: 100000, default: 1000, description: 'Most files claimed from one inbox per scan, so a backlog is taken in bounded steps.' },
      },
      additionalProperties: false,
    },
    resultsCsv: {
      type: 'object',
      default: {},
      description: 'Optional CSV form of the result files, for ERPs that can only read CSV.',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'Write results/<source>.result.csv beside each result JSON.' },
        columns: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            enum: [
              'source', 'invoiceNumber', 'status', 'ksefNumber', 'acquisitionDate', 'sessionReferenceNumber', 'invoiceReferenceNumber', 'upoFile', 'errorCode', 'errorMessage',
              'invoicingMode', 'warningCode', 'warningMessage',
            ],
          },
          default: ['source', 'invoiceNumber', 'status', 'ksefNumber', 'acquisitionDate', 'errorCode', 'errorMessage', 'invoicingMode', 'warningCode', 'warningMessage'],
          description: 'Columns of the CSV, in order.',
        },
        delimiter: { type: 'string', enum: [';', ',', '\t', '|'], default: ';', description: 'Field delimiter of the CSV.' },
        header: { type: 'boolean', default: true, description: 'Write a header line with the column names.' },
        encoding: {
          type: 'string', enum: ['utf-8-bom', 'utf-8', 'windows-1250'], default: 'utf-8-bom',
          description: 'Bytes of the CSV: UTF-8 with a BOM (Excel opens it right), UTF-8 without BOM, or windows-1250 for older ERPs (characters it lacks become ?).',
        },
      },
      additionalProperties: false,
    },
    logging: {
      type: 'object',
      default: {},
      description: 'Console and file logging.',
      properties: {
        level: { type: 'string', enum: ['error', 'warn', 'info', 'debug'], default: 'info', description: 'Least severe level written.' },
        dir: { ...folderPath, description: 'Folder of the JSON-lines log files (relative to the configuration file); defaults to <root>/logs.' },
        maxSize: { type: 'integer', minimum: 10240, default: 10485760, description: 'Size in bytes at which a log file is rotated.' },
        maxFiles: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'Number of rotated log files kept.' },
        console: { type: 'boolean', default: true, description: 'Also write readable lines to the console.' },
      },
      additionalProperties: false,
    },
    limits: {
      type: 'object',
      default: {},
      description: 'Size limits checked while a file is read, before mapping, so one huge or hostile file goes to errors/ instead of taking the agent\'s memory (see docs/memory.md).',
      properties: limitProperties(true),
      additionalProperties: false,
    },
    health: {
      type: 'object',
      default: {},
      description: 'HTTP health endpoint for monitoring.',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'Serve GET /health with the agent state.' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8787, description: 'Port of the health endpoint.' },
        host: { type: 'string', minLength: 1, default: '127.0.0.1', description: 'Address the health endpoint listens on.' },
        minFreeMb: { type: 'integer', minimum: 0, maximum: 10485760, default: 100, description: 'Free space, in MiB, below which the volume of the state, work or outbox folders counts as full: /health and status say failing.' },
        unsettledAfterMinutes: { type: 'integer', minimum: 1, maximum: 10080, default: 60, description: 'Minutes an invoice sent to KSeF may wait for its final status (KSeF normally answers in seconds to minutes); after that /health and status say degraded (INVOICES_UNSETTLED).' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;
