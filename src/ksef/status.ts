import { KsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import type { SessionInvoice, SessionStatus } from './types.ts';

const enc = encodeURIComponent;

export function getSessionStatus(http: KsefHttp, sessionRef: string): Promise<SessionStatus> {
  return http
    .call<SessionStatus>({ method: 'GET', path: `/sessions/${enc(sessionRef)}`, auth: 'access', group: 'sessionMisc', idempotent: true, expect: 'json', operation: 'GET /sessions/{ref}' })
    .then((r) => r.body);
}

export function getInvoiceStatus(http: KsefHttp, sessionRef: string, invoiceRef: string): Promise<SessionInvoice> {
  return http
    .call<SessionInvoice>({
      method: 'GET',
      path: `/sessions/${enc(sessionRef)}/invoices/${enc(invoiceRef)}`,
      auth: 'access',
      group: 'invoiceStatus',
      idempotent: true,
      expect: 'json',
      operation: 'GET /sessions/{ref}/invoices/{invoiceRef}',
    })
    .then((r) => r.body);
}

export interface InvoicePage {
  readonly invoices: readonly SessionInvoice[];
  readonly continuationToken?: string;
}

/** One page of `GET /sessions/{ref}/invoices` (or `/failed`). */
export function listSessionInvoicesPage(
  http: KsefHttp,
  sessionRef: string,
  opts: { continuationToken?: string | undefined; pageSize?: number | undefined; failedOnly?: boolean | undefined } = {},
): Promise<InvoicePage> {
  return http
    .call<{ invoices?: SessionInvoice[]; continuationToken?: string | null }>({
      method: 'GET',
      path: `/sessions/${enc(sessionRef)}/invoices${opts.failedOnly ? '/failed' : ''}`,
      query: { pageSize: opts.pageSize ?? 1000 },
      ...(opts.continuationToken ? { headers: { 'x-continuation-token': opts.continuationToken } } : {}),
      auth: 'access',
      group: 'sessionInvoiceList',
      idempotent: true,
      expect: 'json',
      operation: 'GET /sessions/{ref}/invoices',
    })
    .then((r) => ({ invoices: r.body?.invoices ?? [], ...(r.body?.continuationToken ? { continuationToken: r.body.continuationToken } : {}) }));
}

/** Every invoice of a session, following continuation tokens to the last page. */
export async function listSessionInvoices(
  http: KsefHttp,
  sessionRef: string,
  opts: { pageSize?: number; failedOnly?: boolean } = {},
): Promise<SessionInvoice[]> {
  const all: SessionInvoice[] = [];
  let token: string | undefined;
  for (let page = 0; ; page++) {
    const p = await listSessionInvoicesPage(http, sessionRef, { ...opts, continuationToken: token });
    all.push(...p.invoices);
    if (!p.continuationToken) return all;
    if (p.continuationToken === token || page > 10_000) {
      throw new KsefError('KSEF_PROTOCOL', `session ${sessionRef}: the invoice listing repeats its continuation token`);
    }
    token = p.continuationToken;
  }
}

export interface PollOptions {
  /** delay between polls, default 1 s */
  readonly intervalMs?: number;
  /** give up after, default 10 min */
  readonly timeoutMs?: number;
}

/** Poll an invoice until it leaves 100/150. */
export async function waitForInvoice(http: KsefHttp, sessionRef: string, invoiceRef: string, poll: PollOptions = {}): Promise<SessionInvoice> {
  const deadline = http.clock.now() + (poll.timeoutMs ?? 600_000);
  for (;;) {
    const inv = await getInvoiceStatus(http, sessionRef, invoiceRef);
    if (inv.status.code !== 100 && inv.status.code !== 150) return inv;
    if (http.clock.now() >= deadline) {
      throw new KsefError('KSEF_POLL_TIMEOUT', `invoice ${invoiceRef} in session ${sessionRef} is still processing (status ${inv.status.code})`);
    }
    await http.clock.sleep(poll.intervalMs ?? 1_000);
  }
}

/** Poll a session until its status is final (not 100/150/170), or until `until` says stop. */
export async function waitForSession(
  http: KsefHttp,
  sessionRef: string,
  poll: PollOptions & { until?: (s: SessionStatus) => boolean } = {},
): Promise<SessionStatus> {
  const deadline = http.clock.now() + (poll.timeoutMs ?? 600_000);
  const done = poll.until ?? ((s: SessionStatus) => ![100, 150, 170].includes(s.status.code));
  for (;;) {
    const s = await getSessionStatus(http, sessionRef);
    if (done(s)) return s;
    if (http.clock.now() >= deadline) {
      throw new KsefError('KSEF_POLL_TIMEOUT', `session ${sessionRef} is still in status ${s.status.code}`, { statusCode: s.status.code });
    }
    await http.clock.sleep(poll.intervalMs ?? 1_000);
  }
}

/**
 * The error an invoice status stands for, or undefined while processing or when accepted.
 * 440 → KSEF_DUPLICATE (extensions name the original), 430 → KSEF_INVOICE_INVALID (details carry
 * the validator's messages), any other final code → KSEF_INVOICE_REJECTED.
 */
export function invoiceError(inv: SessionInvoice): KsefError | undefined {
  const st = inv.status;
  if (st.code === 100 || st.code === 150 || st.code === 200) return undefined;
  const text = `invoice ${inv.invoiceNumber ?? inv.invoiceFileName ?? inv.referenceNumber}: status ${st.code} ${st.description}${st.details?.length ? `: ${st.details.join('; ')}` : ''}`;
  const init = {
    statusCode: st.code,
    ...(st.details ? { details: st.details } : {}),
    ...(st.extensions ? { extensions: st.extensions } : {}),
  };
  if (st.code === 440) {
    const original = st.extensions?.originalKsefNumber;
    return new KsefError('KSEF_DUPLICATE', `${text}${typeof original === 'string' ? ` (original KSeF number ${original})` : ''}`, init);
  }
  if (st.code === 430) return new KsefError('KSEF_INVOICE_INVALID', text, init);
  return new KsefError('KSEF_INVOICE_REJECTED', text, { ...init, kind: st.code === 550 || st.code === 500 ? 'transient' : 'data' });
}
