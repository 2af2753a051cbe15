/** What the simulator can be told at start (and, for faults, at run time). */
export type SimMode = 'test' | 'prod';
export type RateLimitMode = 'prod' | 'relaxed' | 'off';

export interface FaultOptions {
  /** Fraction (0..1) of API requests answered with a 5xx (500/502/503 rotating). */
  error5xxRate: number;
  /** Milliseconds added before every API response. */
  latencyMs: number;
  /** Fraction (0..1) of API requests whose socket is destroyed without an answer. */
  dropRate: number;
  /** Fraction (0..1) of API requests answered by an HTML 403 "firewall" page. */
  firewallHtmlRate: number;
  /** Until this moment (epoch ms, simulator clock) every API request gets 503. */
  outageUntil: number;
  /** Extra milliseconds before a UPO exists (invoice and session UPOs). */
  upoDelayMs: number;
  /**
   * The next N token redeems right after status 200 answer 400 21301, the race seen on KSeF
   * (CIRFMF/ksef-api#238): the status says 200 before redeem knows it. The login stays unredeemed.
   */
  redeemRaces: number;
  /** `[code]: message` sent as `X-System-Warning` on every successful API answer; '' = none. */
  systemWarning: string;
  /** Limit the faults above to requests whose path (after /v2) contains one of these. Empty = all. */
  paths: string[];
}

export const NO_FAULTS: FaultOptions = {
  error5xxRate: 0,
  latencyMs: 0,
  dropRate: 0,
  firewallHtmlRate: 0,
  outageUntil: 0,
  upoDelayMs: 0,
  redeemRaces: 0,
  systemWarning: '',
  paths: [],
};

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** `prod` behaves like KSeF PRD: FA(2) refused, NIP checksums enforced. Default `test`. */
  mode?: SimMode;
  /** Default `prod` (the published PRD limits). */
  rateLimits?: RateLimitMode;
  /** Time an invoice, batch or export spends in 100/150 before its final status. Default 0. */
  processingDelayMs?: number;
  /** Lifetime of access tokens. Default 15 minutes. */
  accessTokenTtlMs?: number;
  /** Persist state here (JSON, written atomically) so a restart continues. Default: memory only. */
  stateDir?: string;
  tokens?: { nip: string; token: string }[];
  faults?: Partial<FaultOptions>;
  /** Injected clock (epoch ms). Default Date.now. */
  now?: () => number;
  /** Random source for fault fractions (0..1). Default Math.random. */
  random?: () => number;
  /** Check NIP checksums of invoices. Default: only in mode `prod`, as KSeF does. */
  checkNip?: boolean;
  /** Rows one metadata filter set may return. Default 10,000. */
  queryMaxRows?: number;
  /** Invoices per export package. Default 10,000. */
  exportMaxInvoices?: number;
  /** Bytes per export part before encryption. Default 50 MB. */
  exportPartBytes?: number;
  /** Delay between KSeF number and permanent storage (download gives 21165 meanwhile). Default 0. */
  permanentStorageDelayMs?: number;
  /** How long a XAdES login's status stays 100 (KSeF checks OCSP/CRL meanwhile). Default 0. */
  certificateCheckDelayMs?: number;
  /**
   * Let a KSeF-token login use the certificate endpoints (enrolment data, enrolment, revoke).
   * KSeF refuses this (25001/25002: only a signature login may request a certificate); this is a
   * simulator convenience for trying `cert enroll` before a signature login exists. Default false.
   */
  allowTokenCertificateEnrollment?: boolean;
  /**
   * Folder of the official auth XSDs (schemat_auth_v2-0.xsd, schemat_auth_v2-1.xsd) that a XAdES
   * AuthTokenRequest is validated against (21401). Default: $KSEF_AUTH_XSD_DIR, else
   * `../shared/schemas/auth` beside the repository; without them only the elements are checked.
   */
  authSchemaDir?: string;
  /** How far SigningTime may be in the future of the simulator's clock, or before the challenge was issued (default 5 min). */
  signingTimeToleranceMs?: number;
  /** Active KSeF certificates one subject may hold, and enrolments it may file. Default 100 and 300. */
  certificateLimits?: { certificates: number; enrollments: number };
}

export interface ResolvedOptions {
  readonly mode: SimMode;
  rateLimits: RateLimitMode;
  readonly processingDelayMs: number;
  readonly accessTokenTtlMs: number;
  readonly stateDir: string | undefined;
  readonly now: () => number;
  readonly random: () => number;
  readonly checkNip: boolean;
  readonly queryMaxRows: number;
  readonly exportMaxInvoices: number;
  readonly exportPartBytes: number;
  readonly permanentStorageDelayMs: number;
  readonly certificateCheckDelayMs: number;
  readonly allowTokenCertificateEnrollment: boolean;
  readonly authSchemaDir: string | undefined;
  readonly signingTimeToleranceMs: number;
  readonly certificateLimits: { certificates: number; enrollments: number };
}

export function resolveOptions(opts: SimulatorOptions): ResolvedOptions {
  const mode = opts.mode ?? 'test';
  return {
    mode,
    rateLimits: opts.rateLimits ?? 'prod',
    processingDelayMs: opts.processingDelayMs ?? 0,
    accessTokenTtlMs: opts.accessTokenTtlMs ?? 15 * 60_000,
    stateDir: opts.stateDir,
    now: opts.now ?? Date.now,
    random: opts.random ?? Math.random,
    checkNip: opts.checkNip ?? mode === 'prod',
    queryMaxRows: opts.queryMaxRows ?? 10_000,
    exportMaxInvoices: opts.exportMaxInvoices ?? 10_000,
    exportPartBytes: opts.exportPartBytes ?? 50_000_000,
    permanentStorageDelayMs: opts.permanentStorageDelayMs ?? 0,
    certificateCheckDelayMs: opts.certificateCheckDelayMs ?? 0,
    allowTokenCertificateEnrollment: opts.allowTokenCertificateEnrollment ?? false,
    authSchemaDir: opts.authSchemaDir,
    signingTimeToleranceMs: opts.signingTimeToleranceMs ?? 5 * 60_000,
    certificateLimits: opts.certificateLimits ?? { certificates: 100, enrollments: 300 },
  };
}
