import type { Dispatcher } from 'undici';
import type { FaSchema } from '../core/invoice.ts';
import { KsefAuth } from './auth.ts';
import type { AuthStats } from './auth.ts';
import { collectBatch, submitBatch } from './batch-session.ts';
import { certificateApi } from './certificates.ts';
import type { CertificateApi } from './certificates.ts';
import type { BatchFile, BatchOptions, BatchResult, BatchSubmission } from './batch-session.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { resolveBaseUrl, schemaAllowed } from './environments.ts';
import type { KsefEnvironment } from './environments.ts';
import { KsefError } from './errors.ts';
import { KsefHttp } from './http.ts';
import type { KsefLogger, ObservedResponse } from './http.ts';
import { openOnlineSession } from './online-session.ts';
import type { OnlineSession } from './online-session.ts';
import { KeyRing } from './public-keys.ts';
import { downloadExportPackage, getExport, startExport, waitForExport } from './exports.ts';
import type { ExportContents, ExportHandle, ExportPackage, ExportStatus } from './exports.ts';
import { downloadInvoice, queryAllMetadata, queryMetadataPage } from './purchases.ts';
import type { DownloadedInvoice, InvoiceQueryFilters, MetadataPage, MetadataPaging, QueryAllResult } from './purchases.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RateGroup, RateLimitTable, RateLimitValues } from './rate-limiter.ts';
import type { RetryPolicy } from './retry.ts';
import { getInvoiceStatus, getSessionStatus, listSessionInvoices, waitForInvoice } from './status.ts';
import type { PollOptions } from './status.ts';
import type { SessionInvoice, SessionStatus, UpoDocument } from './types.ts';
import type { XadesCredential } from './xades-login.ts';
import { getInvoiceUpo, getSessionUpo } from './upo.ts';
import type { InvoiceUpoRef } from './upo.ts';

export interface KsefClientOptions {
  /** `sim` needs `baseUrl`; `test`/`demo`/`prod` use the official URLs (a `baseUrl` overrides) */
  readonly environment: KsefEnvironment;
  readonly baseUrl?: string;
  /** the context NIP (the company whose token this is) */
  readonly nip: string;
  /** supplies the KSeF token when a login is needed; never logged (give this or certificate) */
  readonly token?: () => Promise<string>;
  /** supplies the certificate and key for the XAdES login instead of a token; never logged */
  readonly certificate?: () => Promise<XadesCredential>;
  readonly clock?: Clock;
  /** a shared limiter (one per process is right: limits are per NIP and IP), or false for none */
  readonly limiter?: RateLimiter | false;
  /** ask KSeF for the effective limits (`GET /rate-limits`) before the first call; default true */
  readonly fetchRateLimits?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: KsefLogger;
  /** default polling for invoice, session and export status */
  readonly poll?: PollOptions;
  /** ask for problem-details error bodies (`X-Error-Format`); both formats are understood anyway */
  readonly problemDetails?: boolean;
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  /** refresh the access token this long before it expires; default 60 s */
  readonly refreshSkewMs?: number;
  /** sees every HTTP response (metrics, contract tests) */
  readonly onResponse?: (r: ObservedResponse) => void;
}

export interface KsefClient {
  readonly environment: KsefEnvironment;
  readonly baseUrl: string;
  readonly nip: string;
  /** a new online session with a fresh AES key */
  openOnlineSession(schema: FaSchema): Promise<OnlineSession>;
  /** the open session for this schema, reused while it has life left, else a new one */
  onlineSession(schema: FaSchema): Promise<OnlineSession>;
  /** submit + collect: the whole batch flow, results matched to our files */
  sendBatch(files: readonly BatchFile[], schema: FaSchema, opts?: BatchOptions): Promise<BatchResult>;
  submitBatch(files: readonly BatchFile[], schema: FaSchema, opts?: BatchOptions): Promise<BatchSubmission>;
  collectBatch(submission: Pick<BatchSubmission, 'sessionReferenceNumber' | 'files'>, poll?: PollOptions): Promise<BatchResult>;
  getSessionStatus(sessionRef: string): Promise<SessionStatus>;
  getInvoiceStatus(sessionRef: string, invoiceRef: string): Promise<SessionInvoice>;
  waitForInvoice(sessionRef: string, invoiceRef: string, poll?: PollOptions): Promise<SessionInvoice>;
  listSessionInvoices(sessionRef: string, opts?: { failedOnly?: boolean; pageSize?: number }): Promise<SessionInvoice[]>;
  /** reconcile after an ambiguous send: the session's invoice with this SHA-256, if KSeF has it */
  findInvoiceByHash(sessionRef: string, invoiceHash: string): Promise<SessionInvoice | undefined>;
  getInvoiceUpo(sessionRef: string, ref: InvoiceUpoRef): Promise<UpoDocument>;
  getSessionUpo(sessionRef: string): Promise<UpoDocument[]>;
  queryMetadata(filters: InvoiceQueryFilters, paging?: MetadataPaging): Promise<MetadataPage>;
  queryAllMetadata(filters: InvoiceQueryFilters, opts?: { pageSize?: number; maxPages?: number }): Promise<QueryAllResult>;
  downloadInvoice(ksefNumber: string): Promise<DownloadedInvoice>;
  startExport(filters: InvoiceQueryFilters, opts?: { onlyMetadata?: boolean }): Promise<ExportHandle>;
  getExport(referenceNumber: string): Promise<ExportStatus>;
  waitForExport(referenceNumber: string, poll?: PollOptions): Promise<ExportStatus>;
  downloadExportPackage(handle: Pick<ExportHandle, 'key' | 'iv'>, pkg: ExportPackage): Promise<ExportContents>;
  /** log in now with the configured credential (no-op while a valid access token is held); sends nothing else */
  login(): Promise<void>;
  /** the KSeF certificate endpoints (enrolment, retrieve, query, revoke) under this login */
  readonly certificates: CertificateApi;
  /** what the auth layer did so far */
  authStats(): Readonly<AuthStats>;
  /** effective limits the proactive limiter uses */
  rateLimits(): Readonly<Record<RateGroup, RateLimitValues>> | undefined;
  /** close open online sessions (best effort), log out (`DELETE /auth/sessions/current`) and release connections */
  close(): Promise<void>;
}

export function createKsefClient(opts: KsefClientOptions): KsefClient {
  const baseUrl = opts.baseUrl && opts.environment !== 'sim' ? opts.baseUrl : resolveBaseUrl(opts.environment, opts.baseUrl);
  const clock = opts.clock ?? systemClock;
  const limiter = opts.limiter === false ? undefined : (opts.limiter ?? new RateLimiter({ clock }));
  const http = new KsefHttp({
    baseUrl,
    context: opts.nip,
    clock,
    limiter,
    retry: opts.retry,
    logger: opts.logger,
    dispatcher: opts.dispatcher,
    timeoutMs: opts.timeoutMs,
    problemDetails: opts.problemDetails,
    onResponse: opts.onResponse,
  });
  const keys = new KeyRing(http);
  const auth = new KsefAuth(http, keys, { nip: opts.nip, token: opts.token, certificate: opts.certificate, logger: opts.logger, refreshSkewMs: opts.refreshSkewMs });
  http.tokens = auth;
  const sessions = new Map<FaSchema, Promise<OnlineSession>>();
  const onKeyRotation = (): void => {
    auth.stats.keyRotations++;
    opts.logger?.warn?.('ksef.key-rotated', { usage: 'SymmetricKeyEncryption' });
  };

  let limitsReady: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (!limiter || opts.fetchRateLimits === false) return Promise.resolve();
    limitsReady ??= http
      .call<Record<string, unknown>>({ method: 'GET', path: '/rate-limits', auth: 'access', group: 'other', idempotent: true, expect: 'json' })
      .then((r) => limiter.setLimits(parseRateLimits(r.body)))
      .catch((e: unknown) => {
        // an unknown endpoint or an outage leaves the documented PROD defaults in place
        if (e instanceof KsefError && (e.code === 'KSEF_AUTH_FAILED' || e.code === 'KSEF_FORBIDDEN')) {
          limitsReady = undefined;
          throw e;
        }
        opts.logger?.warn?.('ksef.rate-limits.defaults', { reason: e instanceof KsefError ? e.code : 'error' });
      });
    return limitsReady;
  };
  const checkSchema = (schema: FaSchema): void => {
    if (!schemaAllowed(opts.environment, schema)) {
      throw new KsefError(
        'KSEF_SCHEMA_NOT_ALLOWED',
        `${schema} is accepted only on the TEST environment (and the simulator); ${opts.environment.toUpperCase()} takes FA(3) only`,
        { kind: 'config', rule: 'FA(2) only on test' },
      );
    }
  };
  const poll = opts.poll ?? {};

  const client: KsefClient = {
    environment: opts.environment,
    baseUrl,
    nip: opts.nip,
    async openOnlineSession(schema) {
      checkSchema(schema);
      await ready();
      return openOnlineSession(http, keys, schema, onKeyRotation);
    },
    async onlineSession(schema) {
      checkSchema(schema);
      const existing = sessions.get(schema);
      if (existing) {
        const s = await existing.catch(() => undefined);
        if (s?.isUsable()) return s;
      }
      const opened = client.openOnlineSession(schema);
      sessions.set(schema, opened);
      opened.catch(() => sessions.delete(schema));
      return opened;
    },
    async sendBatch(files, schema, bopts) {
      const sub = await client.submitBatch(files, schema, bopts);
      return collectBatch(http, sub, poll);
    },
    async submitBatch(files, schema, bopts) {
      checkSchema(schema);
      await ready();
      return submitBatch(http, keys, files, schema, bopts, onKeyRotation);
    },
    async collectBatch(sub, p) {
      await ready();
      return collectBatch(http, sub, p ?? poll);
    },
    async getSessionStatus(ref) {
      await ready();
      return getSessionStatus(http, ref);
    },
    async getInvoiceStatus(ref, inv) {
      await ready();
      return getInvoiceStatus(http, ref, inv);
    },
    async waitForInvoice(ref, inv, p) {
      await ready();
      return waitForInvoice(http, ref, inv, p ?? poll);
    },
    async listSessionInvoices(ref, o) {
      await ready();
      return listSessionInvoices(http, ref, o);
    },
    async findInvoiceByHash(ref, hash) {
      await ready();
      return (await listSessionInvoices(http, ref)).find((i) => i.invoiceHash === hash);
    },
    async getInvoiceUpo(ref, r) {
      await ready();
      return getInvoiceUpo(http, ref, r);
    },
    async getSessionUpo(ref) {
      await ready();
      return getSessionUpo(http, ref);
    },
    async queryMetadata(filters, paging) {
      await ready();
      return queryMetadataPage(http, filters, paging);
    },
    async queryAllMetadata(filters, o) {
      await ready();
      return queryAllMetadata(http, filters, o);
    },
    async downloadInvoice(ksefNumber) {
      await ready();
      return downloadInvoice(http, ksefNumber);
    },
    async startExport(filters, o) {
      await ready();
      return startExport(http, keys, filters, o, onKeyRotation);
    },
    async getExport(ref) {
      await ready();
      return getExport(http, ref);
    },
    async waitForExport(ref, p) {
      await ready();
      return waitForExport(http, ref, p ?? poll);
    },
    downloadExportPackage(handle, pkg) {
      return downloadExportPackage(http, handle, pkg);
    },
    login: async () => void (await auth.accessToken()),
    certificates: certificateApi(http, ready),
    authStats: () => ({ ...auth.stats }),
    rateLimits: () => limiter?.getLimits(),
    async close() {
      for (const p of sessions.values()) {
        const s = await p.catch(() => undefined);
        await s?.close().catch(() => undefined);
      }
      sessions.clear();
      // a clean stop logs out, unless the limiter would make the stop wait for a free slot
      if (!limiter || limiter.delayFor(opts.nip, 'other') === 0) await auth.logout();
      else {
        opts.logger?.warn?.(
          `ksef.auth.logout-skipped: not logging out of KSeF for NIP ${opts.nip}: its request limit would make the stop wait; the login ends when its tokens expire`,
          { event: 'ksef.auth.logout-skipped', nip: opts.nip, reason: 'the rate limit would make the stop wait; the session ends when its tokens expire' },
        );
      }
      await http.close();
    },
  };
  return client;
}

const GROUPS: readonly RateGroup[] = [
  'onlineSession', 'invoiceSend', 'batchSession', 'invoiceStatus', 'sessionList', 'sessionInvoiceList',
  'sessionMisc', 'invoiceMetadata', 'invoiceExport', 'invoiceExportStatus', 'invoiceDownload', 'other',
];

/** `GET /rate-limits` body → limiter table; anything malformed is ignored (defaults stay). */
export function parseRateLimits(body: unknown): RateLimitTable {
  const out: Partial<Record<RateGroup, RateLimitValues>> = {};
  if (!body || typeof body !== 'object') return out;
  for (const g of GROUPS) {
    const v = (body as Record<string, unknown>)[g];
    if (!v || typeof v !== 'object') continue;
    const r = v as Record<string, unknown>;
    const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : undefined);
    const values: { perSecond?: number; perMinute?: number; perHour?: number } = {};
    const s = num(r.perSecond), m = num(r.perMinute), h = num(r.perHour);
    if (s !== undefined) values.perSecond = s;
    if (m !== undefined) values.perMinute = m;
    if (h !== undefined) values.perHour = h;
    out[g] = values;
  }
  return out;
}
