import { sha256Base64 } from './crypto.ts';
import { KsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';

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

export function normalizeMetadata(m: Record<string, unknown>): InvoiceMetadata {
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
