import { aesDecrypt, encryptionInfo, generateSymmetricKey, sha256Base64 } from './crypto.ts';
import type { SymmetricKey } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import type { KeyRing } from './public-keys.ts';
import type { PollOptions } from './status.ts';
import type { KsefStatus } from './types.ts';
import { readZip } from './zip.ts';

const enc = encodeURIComponent;

export type SubjectType = 'Subject1' | 'Subject2' | 'Subject3' | 'SubjectAuthorized';
export type DateType = 'Issue' | 'Invoicing' | 'PermanentStorage';

/** `InvoiceQueryFilters` (PROTOCOL §10.1). Extra optional filters pass through as given. */
export interface InvoiceQueryFilters {
  readonly subjectType: SubjectType;
  readonly dateRange: {
    readonly dateType: DateType;
    readonly from: string;
    readonly to?: string;
    readonly restrictToPermanentStorageHwmDate?: boolean;
  };
  readonly [filter: string]: unknown;
}

/**
 * `InvoiceMetadata`. Amounts are turned into decimal strings on the way in (KSeF sends JSON
 * numbers with at most 2 decimals, which survive the trip through a double exactly).
 */
export interface InvoiceMetadata {
  readonly ksefNumber: string;
  readonly invoiceNumber: string;
  readonly issueDate: string;
  readonly invoicingDate: string;
  readonly acquisitionDate: string;
  readonly permanentStorageDate: string;
  readonly seller: { readonly nip: string; readonly name?: string };
  readonly buyer: { readonly identifier: { readonly type: string; readonly value?: string }; readonly name?: string };
  readonly netAmount: string;
  readonly grossAmount: string;
  readonly vatAmount: string;
  readonly currency: string;
  readonly invoiceHash: string;
  readonly [field: string]: unknown;
}

export interface MetadataPage {
  readonly hasMore: boolean;
  readonly isTruncated: boolean;
  readonly permanentStorageHwmDate?: string;
  readonly invoices: readonly InvoiceMetadata[];
}

export interface MetadataPaging {
  readonly pageOffset?: number;
  /** 10..250, default 250 (every page counts against the 20/h limit) */
  readonly pageSize?: number;
  readonly sortOrder?: 'Asc' | 'Desc';
}

function normalizeMetadata(m: Record<string, unknown>): InvoiceMetadata {
  const dec = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '0');
  return { ...m, netAmount: dec(m.netAmount), grossAmount: dec(m.grossAmount), vatAmount: dec(m.vatAmount) } as InvoiceMetadata;
}

/** One page of `POST /invoices/query/metadata`. */
export async function queryMetadataPage(http: KsefHttp, filters: InvoiceQueryFilters, paging: MetadataPaging = {}): Promise<MetadataPage> {
  const r = await http.call<{ hasMore: boolean; isTruncated: boolean; permanentStorageHwmDate?: string; invoices?: Record<string, unknown>[] }>({
    method: 'POST',
    path: '/invoices/query/metadata',
    query: { sortOrder: paging.sortOrder ?? 'Asc', pageOffset: paging.pageOffset ?? 0, pageSize: paging.pageSize ?? 250 },
    json: filters,
    auth: 'access',
    group: 'invoiceMetadata',
    // a query changes nothing on the server
    idempotent: true,
    expect: 'json',
    operation: 'POST /invoices/query/metadata',
  });
  return {
    hasMore: Boolean(r.body.hasMore),
    isTruncated: Boolean(r.body.isTruncated),
    ...(r.body.permanentStorageHwmDate ? { permanentStorageHwmDate: r.body.permanentStorageHwmDate } : {}),
    invoices: (r.body.invoices ?? []).map(normalizeMetadata),
  };
}

const DATE_FIELD: Record<DateType, keyof InvoiceMetadata> = {
  Issue: 'issueDate',
  Invoicing: 'invoicingDate',
  PermanentStorage: 'permanentStorageDate',
};

/** Cut [from, to] into windows of at most 3 calendar months (KSeF's limit per query). */
export function threeMonthWindows(from: string, to: string): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  let start = new Date(from);
  const end = new Date(to);
  while (start < end) {
    const next = new Date(start);
    next.setUTCMonth(next.getUTCMonth() + 3);
    const stop = next < end ? next : end;
    out.push({ from: start.toISOString(), to: stop.toISOString() });
    start = stop;
  }
  return out;
}

export interface QueryAllResult {
  readonly invoices: readonly InvoiceMetadata[];
  /** the last `permanentStorageHwmDate` KSeF reported */
  readonly permanentStorageHwmDate?: string;
  readonly pages: number;
}

/**
 * Every invoice matching the filters, sorted ascending: 3-month windows, pages while `hasMore`,
 * and on `isTruncated` a restart from the last row's date with pageOffset 0. Deduplicated by
 * KSeF number. `to` defaults to now (clock).
 */
export async function queryAllMetadata(http: KsefHttp, filters: InvoiceQueryFilters, opts: { pageSize?: number; maxPages?: number } = {}): Promise<QueryAllResult> {
  const to = filters.dateRange.to ?? new Date(http.clock.now()).toISOString();
  const seen = new Map<string, InvoiceMetadata>();
  const field = DATE_FIELD[filters.dateRange.dateType];
  let hwm: string | undefined;
  let pages = 0;
  const maxPages = opts.maxPages ?? 1_000;
  for (const w of threeMonthWindows(filters.dateRange.from, to)) {
    let from = w.from;
    let pageOffset = 0;
    for (;;) {
      if (pages >= maxPages) throw new KsefError('KSEF_PROTOCOL', `metadata query did not end after ${maxPages} pages`);
      const page = await queryMetadataPage(http, { ...filters, dateRange: { ...filters.dateRange, from, to: w.to } }, { pageOffset, pageSize: opts.pageSize ?? 250, sortOrder: 'Asc' });
      pages++;
      if (page.permanentStorageHwmDate) hwm = page.permanentStorageHwmDate;
      for (const m of page.invoices) seen.set(m.ksefNumber, m);
      if (!page.hasMore) break;
      if (page.isTruncated) {
        const last = page.invoices[page.invoices.length - 1];
        const lastDate = last ? String(last[field]) : undefined;
        if (!lastDate || lastDate === from) throw new KsefError('KSEF_PROTOCOL', 'metadata query truncated without progress');
        from = lastDate;
        pageOffset = 0;
      } else pageOffset++;
    }
  }
  return { invoices: [...seen.values()], ...(hwm ? { permanentStorageHwmDate: hwm } : {}), pages };
}

/** One purchase invoice, downloaded by KSeF number: the original XML, not encrypted. */
export interface DownloadedInvoice {
  readonly ksefNumber: string;
  readonly xml: Buffer;
  readonly hash: string;
}

export async function downloadInvoice(http: KsefHttp, ksefNumber: string): Promise<DownloadedInvoice> {
  const r = await http.call<Buffer>({
    method: 'GET',
    path: `/invoices/ksef/${enc(ksefNumber)}`,
    auth: 'access',
    group: 'invoiceDownload',
    idempotent: true,
    expect: 'bytes',
    operation: 'GET /invoices/ksef/{ksefNumber}',
  });
  const hash = sha256Base64(r.body);
  const announced = r.headers['x-ms-meta-hash'];
  if (announced && announced !== hash) throw new KsefError('KSEF_INTEGRITY', `invoice ${ksefNumber}: the downloaded XML does not match the hash KSeF announced`);
  return { ksefNumber, xml: r.body, hash };
}

/** What must be kept to read an export later: its reference and the AES key it is encrypted with. */
export interface ExportHandle {
  readonly referenceNumber: string;
  /** Base64 AES-256 key and IV; store them as carefully as the export contents */
  readonly key: string;
  readonly iv: string;
}

export async function startExport(
  http: KsefHttp,
  keys: KeyRing,
  filters: InvoiceQueryFilters,
  opts: { onlyMetadata?: boolean } = {},
  onKeyRotation?: () => void,
): Promise<ExportHandle> {
  const sym = generateSymmetricKey();
  for (let attempt = 0; ; attempt++) {
    const { publicKey, publicKeyId } = await keys.key('SymmetricKeyEncryption');
    try {
      const r = await http.call<{ referenceNumber: string }>({
        method: 'POST',
        path: '/invoices/exports',
        json: { encryption: encryptionInfo(sym, publicKey, publicKeyId), filters, onlyMetadata: opts.onlyMetadata ?? false },
        auth: 'access',
        group: 'invoiceExport',
        // an export creates nothing a repeat could duplicate, but it spends one of 20 per hour
        idempotent: false,
        expect: 'json',
        operation: 'POST /invoices/exports',
      });
      return { referenceNumber: r.body.referenceNumber, key: sym.key.toString('base64'), iv: sym.iv.toString('base64') };
    } catch (e) {
      if (isKsefError(e) && e.code === 'KSEF_KEY_UNKNOWN' && attempt === 0) {
        keys.refresh();
        onKeyRotation?.();
        continue;
      }
      throw e;
    }
  }
}

export interface ExportPart {
  readonly ordinalNumber: number;
  readonly partName?: string;
  readonly method?: string;
  readonly url: string;
  readonly partSize?: number;
  readonly partHash?: string;
  readonly encryptedPartSize?: number;
  readonly encryptedPartHash?: string;
  readonly expirationDate?: string;
}

export interface ExportPackage {
  readonly invoiceCount: number;
  readonly size?: number;
  readonly parts: readonly ExportPart[];
  readonly isTruncated: boolean;
  readonly lastIssueDate?: string;
  readonly lastInvoicingDate?: string;
  readonly lastPermanentStorageDate?: string;
  readonly permanentStorageHwmDate?: string;
}

export interface ExportStatus {
  readonly status: KsefStatus;
  readonly completedDate?: string;
  readonly packageExpirationDate?: string;
  readonly package?: ExportPackage;
}

export async function getExport(http: KsefHttp, referenceNumber: string): Promise<ExportStatus> {
  const r = await http.call<ExportStatus>({
    method: 'GET',
    path: `/invoices/exports/${enc(referenceNumber)}`,
    auth: 'access',
    group: 'invoiceExportStatus',
    idempotent: true,
    expect: 'json',
    operation: 'GET /invoices/exports/{ref}',
  });
  return r.body;
}

/** Poll until the export is done (200); any other final status is KSEF_EXPORT_FAILED. */
export async function waitForExport(http: KsefHttp, referenceNumber: string, poll: PollOptions = {}): Promise<ExportStatus> {
  const deadline = http.clock.now() + (poll.timeoutMs ?? 600_000);
  for (;;) {
    const s = await getExport(http, referenceNumber);
    if (s.status.code === 200) return s;
    if (s.status.code !== 100) {
      throw new KsefError('KSEF_EXPORT_FAILED', `export ${referenceNumber} ended with status ${s.status.code} ${s.status.description}`, {
        statusCode: s.status.code,
        kind: s.status.code === 550 || s.status.code === 500 ? 'transient' : 'data',
      });
    }
    if (http.clock.now() >= deadline) throw new KsefError('KSEF_POLL_TIMEOUT', `export ${referenceNumber} is still in progress`);
    await http.clock.sleep(poll.intervalMs ?? 1_000);
  }
}

export interface ExportContents {
  /** `{ksefNumber}.xml` files of the package, by KSeF number */
  readonly invoices: ReadonlyArray<{ readonly ksefNumber: string; readonly fileName: string; readonly xml: Buffer }>;
  /** `_metadata.json` entries */
  readonly metadata: readonly InvoiceMetadata[];
  readonly isTruncated: boolean;
  /** where the next incremental export starts: lastPermanentStorageDate if truncated, else the HWM */
  readonly nextFrom?: string;
  readonly lastPermanentStorageDate?: string;
  readonly permanentStorageHwmDate?: string;
}

/** Download every part (pre-signed URLs, no token), check hashes, decrypt, join, unzip. */
export async function downloadExportPackage(http: KsefHttp, handle: Pick<ExportHandle, 'key' | 'iv'>, pkg: ExportPackage): Promise<ExportContents> {
  const sym: SymmetricKey = { key: Buffer.from(handle.key, 'base64'), iv: Buffer.from(handle.iv, 'base64') };
  const plainParts: Buffer[] = [];
  for (const part of [...pkg.parts].sort((a, b) => a.ordinalNumber - b.ordinalNumber)) {
    const r = await http.call<Buffer>({
      method: (part.method?.toUpperCase() ?? 'GET') as 'GET',
      url: part.url,
      idempotent: true,
      expect: 'bytes',
      operation: `download export part ${part.ordinalNumber}`,
    });
    if (part.encryptedPartHash && sha256Base64(r.body) !== part.encryptedPartHash) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} does not match its announced hash`);
    }
    let plain: Buffer;
    try {
      plain = aesDecrypt(sym, r.body);
    } catch (e) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} cannot be decrypted with the export key`, { cause: e });
    }
    if (part.partHash && sha256Base64(plain) !== part.partHash) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} decrypts to bytes that do not match its hash`);
    }
    plainParts.push(plain);
  }
  const files = plainParts.length ? await readZip(Buffer.concat(plainParts)) : [];
  let metadata: InvoiceMetadata[] = [];
  const invoices: Array<{ ksefNumber: string; fileName: string; xml: Buffer }> = [];
  for (const f of files) {
    if (f.fileName === '_metadata.json') {
      const parsed = JSON.parse(f.content.toString('utf8')) as { invoices?: Record<string, unknown>[] };
      metadata = (parsed.invoices ?? []).map(normalizeMetadata);
    } else if (f.fileName.toLowerCase().endsWith('.xml')) {
      const base = f.fileName.split('/').pop() ?? f.fileName;
      invoices.push({ ksefNumber: base.replace(/\.xml$/i, ''), fileName: f.fileName, xml: f.content });
    }
  }
  const nextFrom = pkg.isTruncated ? pkg.lastPermanentStorageDate : pkg.permanentStorageHwmDate;
  return {
    invoices,
    metadata,
    isTruncated: pkg.isTruncated,
    ...(nextFrom ? { nextFrom } : {}),
    ...(pkg.lastPermanentStorageDate ? { lastPermanentStorageDate: pkg.lastPermanentStorageDate } : {}),
    ...(pkg.permanentStorageHwmDate ? { permanentStorageHwmDate: pkg.permanentStorageHwmDate } : {}),
  };
}
