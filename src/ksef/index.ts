/** The KSeF 2.0 client: the only module the rest of the agent imports from src/ksef/. */
export { createKsefClient, parseRateLimits } from './client.ts';
export type { KsefClient, KsefClientOptions } from './client.ts';
export { KSEF_BASE_URLS, resolveBaseUrl, schemaAllowed } from './environments.ts';
export type { KsefEnvironment } from './environments.ts';
export { KSEF_ERROR_CODES, KsefError, isKsefError } from './errors.ts';
export type { KsefErrorCode, KsefExceptionDetail } from './errors.ts';
export { RateLimiter, PROD_RATE_LIMITS } from './rate-limiter.ts';
export type { RateGroup, RateLimitTable, RateLimitValues } from './rate-limiter.ts';
export { DEFAULT_RETRY_POLICY } from './retry.ts';
export type { RetryPolicy } from './retry.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export type { KsefLogger, ObservedResponse } from './http.ts';
export { OnlineSession } from './online-session.ts';
export type { SendOptions, SendOutcome } from './online-session.ts';
export { MAX_PARTS, MAX_PART_BYTES, MAX_INVOICES_PER_SESSION } from './batch-session.ts';
export type { BatchFile, BatchOptions, BatchResult, BatchSubmission, BatchInvoiceResult, SubmittedFile } from './batch-session.ts';
export { invoiceError } from './status.ts';
export type { PollOptions } from './status.ts';
export type { InvoiceUpoRef } from './upo.ts';
export { threeMonthWindows } from './purchases.ts';
export type {
  InvoiceQueryFilters, InvoiceMetadata, MetadataPage, MetadataPaging, QueryAllResult, DownloadedInvoice, SubjectType, DateType,
} from './purchases.ts';
export type { ExportHandle, ExportStatus, ExportPackage, ExportPart, ExportContents } from './exports.ts';
export { FORM_CODES, invoiceState } from './types.ts';
export type { InvoiceState, KsefStatus, SessionInvoice, SessionStatus, UpoDocument, UpoPage } from './types.ts';
export type {
  CertificateApi, CertificateLimits, CertificateListItem, CertificateQuery, CertificateStatus, EnrollmentData, EnrollmentStatus, KsefCertificateType, RetrievedCertificate,
} from './certificates.ts';
