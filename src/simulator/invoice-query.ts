/** Purchase side: metadata query, download by KSeF number, shared filter logic (PROTOCOL §10). */
import { sha256b64 } from './crypto.ts';
import { apiError } from './http-errors.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import type { Sim } from './sim-context.ts';
import type { StoredInvoice } from './state.ts';
import { INVOICE_TYPES } from './fa-inspect.ts';
import { REQUIRES } from './permissions.ts';

export type DateType = 'Issue' | 'Invoicing' | 'PermanentStorage';

export interface QueryFilters {
  subjectType: 'Subject1' | 'Subject2' | 'Subject3' | 'SubjectAuthorized';
  dateType: DateType;
  from: number;
  to: number;
  restrictToHwm: boolean;
  raw: Record<string, unknown>;
}

/** Moment up to which every processed invoice is in permanent storage. */
export function hwmDate(sim: Sim): number {
  const now = sim.now();
  let hwm = now;
  for (const inv of sim.state.data.invoices) {
    if (inv.acquisitionDate <= now && inv.permanentStorageDate > now) hwm = Math.min(hwm, inv.permanentStorageDate - 1);
  }
  return hwm;
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
}

function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // No offset means Europe/Warsaw in KSeF; the simulator reads it as UTC (documented simplification).
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Validate InvoiceQueryFilters; `hwmRule: 'error'` throws 21183 when from is past the HWM. */
export function parseFilters(sim: Sim, value: unknown): QueryFilters {
  const f = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const subjectType = f['subjectType'];
  if (subjectType !== 'Subject1' && subjectType !== 'Subject2' && subjectType !== 'Subject3' && subjectType !== 'SubjectAuthorized') {
    throw apiError(21405, 'subjectType musi mieć wartość Subject1, Subject2, Subject3 lub SubjectAuthorized.');
  }
  const dr = (f['dateRange'] ?? {}) as Record<string, unknown>;
  const dateType = dr['dateType'];
  if (dateType !== 'Issue' && dateType !== 'Invoicing' && dateType !== 'PermanentStorage') throw apiError(21405, 'dateRange.dateType musi mieć wartość Issue, Invoicing lub PermanentStorage.');
  const from = parseDate(dr['from']);
  if (from === undefined) throw apiError(21405, 'dateRange.from jest wymagane (ISO 8601).');
  const to = dr['to'] === undefined || dr['to'] === null ? sim.now() : parseDate(dr['to']);
  if (to === undefined) throw apiError(21405, 'dateRange.to ma nieprawidłowy format.');
  if (to < from) throw apiError(21405, 'dateRange.to jest wcześniejsze niż dateRange.from.');
  if (to > addMonths(from, 3)) throw apiError(21405, 'Zakres dat nie może przekraczać 3 miesięcy.');
  return { subjectType, dateType, from, to, restrictToHwm: dr['restrictToPermanentStorageHwmDate'] === true, raw: f };
}

function dateOf(inv: StoredInvoice, type: DateType): number {
  if (type === 'Issue') return Date.parse(`${inv.issueDate}T00:00:00Z`);
  return type === 'Invoicing' ? inv.invoicingDate : inv.permanentStorageDate;
}

function amountOf(inv: StoredInvoice, type: unknown): number {
  return Number(type === 'Netto' ? inv.netAmount : type === 'Vat' ? inv.vatAmount : inv.grossAmount);
}

/** Invoices the context may see under these filters, sorted by the filter date. */
export function matchInvoices(sim: Sim, nip: string, q: QueryFilters, order: 'Asc' | 'Desc', hwm: number): StoredInvoice[] {
  const now = sim.now();
  const r = q.raw;
  const to = q.restrictToHwm && q.dateType === 'PermanentStorage' ? Math.min(q.to, hwm) : q.to;
  const amount = r['amount'] as { type?: unknown; from?: unknown; to?: unknown } | undefined;
  const buyerId = r['buyerIdentifier'] as { type?: unknown; value?: unknown } | undefined;
  const currencies = Array.isArray(r['currencyCodes']) ? (r['currencyCodes'] as string[]) : undefined;
  const types = Array.isArray(r['invoiceTypes']) ? (r['invoiceTypes'] as string[]) : undefined;
  const out = sim.state.data.invoices.filter((inv) => {
    if (inv.acquisitionDate > now) return false;
    if (q.subjectType === 'Subject1' && inv.sellerNip !== nip) return false;
    if (q.subjectType === 'Subject2' && !(inv.buyer.type === 'Nip' && inv.buyer.value === nip)) return false;
    if (q.subjectType === 'Subject3' || q.subjectType === 'SubjectAuthorized') return false;
    const d = dateOf(inv, q.dateType);
    if (d < q.from || d > to) return false;
    if (r['ksefNumber'] && inv.ksefNumber !== r['ksefNumber']) return false;
    if (r['invoiceNumber'] && inv.invoiceNumber !== r['invoiceNumber']) return false;
    if (r['sellerNip'] && inv.sellerNip !== r['sellerNip']) return false;
    if (amount) {
      const a = amountOf(inv, amount.type);
      if ((typeof amount.from === 'number' && a < amount.from) || (typeof amount.to === 'number' && a > amount.to)) return false;
    }
    if (buyerId && (inv.buyer.type !== buyerId.type || (buyerId.value !== undefined && buyerId.value !== null && inv.buyer.value !== buyerId.value))) return false;
    if (currencies && currencies.length > 0 && !currencies.includes(inv.currency)) return false;
    if (r['invoicingMode'] && inv.invoicingMode !== r['invoicingMode']) return false;
    if (r['formType'] && r['formType'] !== 'FA') return false;
    if (types && types.length > 0 && !types.includes(INVOICE_TYPES[inv.invoiceKind] ?? '')) return false;
    if (r['isSelfInvoicing'] === true || r['hasAttachment'] === true) return false;
    return true;
  });
  out.sort((a, b) => dateOf(a, q.dateType) - dateOf(b, q.dateType) || a.ksefNumber.localeCompare(b.ksefNumber));
  if (order === 'Desc') out.reverse();
  return out;
}

export function invoiceMetadata(sim: Sim, inv: StoredInvoice): Record<string, unknown> {
  return {
    ksefNumber: inv.ksefNumber,
    invoiceNumber: inv.invoiceNumber,
    issueDate: inv.issueDate,
    invoicingDate: sim.iso(inv.invoicingDate),
    acquisitionDate: sim.iso(inv.acquisitionDate),
    permanentStorageDate: sim.iso(inv.permanentStorageDate),
    seller: { nip: inv.sellerNip, ...(inv.sellerName ? { name: inv.sellerName } : {}) },
    buyer: { identifier: { type: inv.buyer.type, ...(inv.buyer.value ? { value: inv.buyer.value } : {}) }, ...(inv.buyer.name ? { name: inv.buyer.name } : {}) },
    netAmount: Number(inv.netAmount),
    grossAmount: Number(inv.grossAmount),
    vatAmount: Number(inv.vatAmount),
    currency: inv.currency,
    invoicingMode: inv.invoicingMode,
    invoiceType: INVOICE_TYPES[inv.invoiceKind] ?? 'Vat',
    formCode: inv.formCode,
    isSelfInvoicing: false,
    hasAttachment: false,
    invoiceHash: inv.invoiceHash,
  };
}

function queryHandler(sim: Sim, req: SimRequest) {
  const q = parseFilters(sim, parseJson(req));
  const order = req.query.get('sortOrder') ?? 'Asc';
  if (order !== 'Asc' && order !== 'Desc') throw apiError(21405, 'sortOrder musi mieć wartość Asc lub Desc.');
  const pageSize = req.query.has('pageSize') ? Number(req.query.get('pageSize')) : 10;
  const pageOffset = req.query.has('pageOffset') ? Number(req.query.get('pageOffset')) : 0;
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 250) throw apiError(21405, 'pageSize musi być z zakresu 10..250.');
  if (!Number.isInteger(pageOffset) || pageOffset < 0) throw apiError(21405, 'pageOffset musi być liczbą nieujemną.');
  const hwm = hwmDate(sim);
  if (q.restrictToHwm && q.dateType === 'PermanentStorage' && q.from > hwm) {
    throw apiError(21183, `Data początkowa jest późniejsza niż permanentStorageHwmDate (${sim.iso(hwm)}).`);
  }
  const rows = matchInvoices(sim, req.auth!['context-identifier-value'], q, order, hwm);
  const max = sim.opts.queryMaxRows;
  const start = pageOffset * pageSize;
  const end = Math.min(start + pageSize, max);
  const page = start < max ? rows.slice(start, end) : [];
  const hasMore = rows.length > end;
  const isTruncated = hasMore && end >= max;
  return { status: 200, json: { hasMore, isTruncated, permanentStorageHwmDate: sim.iso(hwm), invoices: page.map((i) => invoiceMetadata(sim, i)) } };
}

export function visibleTo(inv: StoredInvoice, nip: string): boolean {
  return inv.sellerNip === nip || (inv.buyer.type === 'Nip' && inv.buyer.value === nip);
}

function downloadHandler(sim: Sim, req: SimRequest) {
  const inv = sim.state.invoices.get(req.params['ksefNumber']!);
  const now = sim.now();
  if (!inv || !visibleTo(inv, req.auth!['context-identifier-value']) || inv.acquisitionDate > now) {
    throw apiError(21164, `Faktura o numerze KSeF ${req.params['ksefNumber']} nie istnieje.`);
  }
  if (inv.permanentStorageDate > now) throw apiError(21165, 'Faktura została przetworzona, ale nie jest jeszcze dostępna do pobrania. Spróbuj później.');
  return { status: 200, xml: inv.xml, headers: { 'x-ms-meta-hash': sha256b64(Buffer.from(inv.xml, 'utf8')) } };
}

export const queryRoutes: Route[] = [
  route('POST', '/invoices/query/metadata', 'invoiceMetadata', 'access', queryHandler, REQUIRES.invoiceRead),
  route('GET', '/invoices/ksef/{ksefNumber}', 'invoiceDownload', 'access', downloadHandler, REQUIRES.invoiceRead),
];
