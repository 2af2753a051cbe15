/**
 * Expiry of credentials and the end of KSeF tokens are never a surprise (issue 10, Deliver 5):
 * - 30 days before a certificate or a time-limited token expires: a warning;
 * - from 1 December 2026 (Warsaw time), for every company still logging in with a KSeF token: a
 *   warning naming 31 December 2026 — by § 13 ust. 1 pkt 1 of the KSeF regulation (Dz. U. 2025
 *   poz. 1815) tokens authenticate only until then — and what to do;
 * - an expired credential: the company is held (its logins are refused before KSeF is asked).
 * Judged from `CredentialFacts`, so that any credential (token today, certificate later) plugs in.
 * Logged once per company, kind and Warsaw day; shown by /health and `status` while true.
 */
import type { AgentConfig } from '../config/agent-config.ts';
import { readCertificateValidTo } from '../config/read-certificate.ts';
import { AgentError } from '../core/errors.ts';
import { warsawDate } from '../core/warsaw-day.ts';
import type { HealthWarning } from './assess-health.ts';

export interface CredentialFacts {
  readonly kind: 'token' | 'certificate';
  /** ISO time after which the credential no longer works, when it has one */
  readonly notAfter?: string;
}

/** The credential facts of a company, or undefined when unknown. */
export type CredentialFactsProvider = (companyId: string) => CredentialFacts | undefined;

/**
 * From the configuration: a token company has a KSeF token without an end date; a certificate
 * company reports its certificate's notAfter (`certificateValidTo`, by company id, from the loaded
 * certificate; a certificate that could not be read has no date and is held by its login instead).
 */
export function configCredentialFacts(config: AgentConfig, certificateValidTo: ReadonlyMap<string, string> = new Map()): CredentialFactsProvider {
  return (id) => {
    const co = config.companies.find((c) => c.id === id);
    if (!co) return undefined;
    if (!co.certificate) return { kind: 'token' };
    const notAfter = certificateValidTo.get(id);
    return notAfter ? { kind: 'certificate', notAfter } : { kind: 'certificate' };
  };
}

/**
 * The end date of every certificate company's certificate, read from its files or variables now
 * (companies whose certificate cannot be read are left out). One function for the agent (at start
 * and again at each login, so a replaced certificate counts at once) and for `status`.
 */
export async function certificateValidTo(config: AgentConfig, env: NodeJS.ProcessEnv = process.env): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const co of config.companies) {
    const validTo = co.certificate ? await readCertificateValidTo(co.certificate, env) : undefined;
    if (validTo) out.set(co.id, validTo);
  }
  return out;
}

export const TOKEN_LAST_DAY = '2026-12-31';
/** Warsaw day from which token companies are warned every day. */
export const TOKEN_WARNING_FROM = '2026-12-01';
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type CredentialNoticeCode = 'CREDENTIAL_EXPIRING' | 'CREDENTIAL_EXPIRED' | 'TOKEN_DEADLINE';

export interface CredentialNotice extends HealthWarning {
  /** `failing` only for an expired credential; the rest are warnings that leave the health status alone */
  readonly level: 'warning' | 'failing';
  readonly code: CredentialNoticeCode;
  readonly companyId: string;
}

const WHAT_TO_DO = 'move it to a KSeF certificate: `ksef-hotfolder cert keygen` and `cert enroll` (or the Ministry of Finance certificate module), then configure the certificate instead of the token; see docs/authentication.md';
const credentialName = (f: CredentialFacts): string => (f.kind === 'token' ? 'KSeF token' : 'KSeF certificate');

/** What is true now about one company's credential (pure). */
export function assessCredential(companyId: string, facts: CredentialFacts, nowMs: number): CredentialNotice[] {
  const out: CredentialNotice[] = [];
  const notAfter = facts.notAfter !== undefined ? Date.parse(facts.notAfter) : NaN;
  if (!Number.isNaN(notAfter)) {
    const when = new Date(notAfter).toISOString();
    if (nowMs >= notAfter) {
      out.push({ level: 'failing', code: 'CREDENTIAL_EXPIRED', companyId, message: `company ${companyId}: its ${credentialName(facts)} expired on ${when}; KSeF refuses it, so nothing is sent for this company until a valid credential is configured${facts.kind === 'token' ? ` (${WHAT_TO_DO})` : ' (enrol a new certificate: `ksef-hotfolder cert keygen` and `cert enroll`, docs/authentication.md)'}` });
    } else if (notAfter - nowMs <= EXPIRY_WARNING_DAYS * DAY_MS) {
      const days = Math.ceil((notAfter - nowMs) / DAY_MS);
      out.push({ level: 'warning', code: 'CREDENTIAL_EXPIRING', companyId, message: `company ${companyId}: its ${credentialName(facts)} expires on ${when} (in ${days} day(s)); after that KSeF refuses its logins and nothing is sent for it. ${facts.kind === 'token' ? `Renew it, or ${WHAT_TO_DO}` : 'Enrol a new certificate now: `ksef-hotfolder cert keygen` and `cert enroll` (docs/authentication.md)'}` });
    }
  }
  if (facts.kind === 'token' && warsawDate(nowMs) >= TOKEN_WARNING_FROM) {
    const past = warsawDate(nowMs) > TOKEN_LAST_DAY;
    out.push({
      level: 'warning', code: 'TOKEN_DEADLINE', companyId,
      message: `company ${companyId} still logs in with a KSeF token; KSeF tokens serve for authentication only until 31 December 2026 (§ 13 ust. 1 pkt 1, Dz. U. 2025 poz. 1815)${past ? ', a date now past: its logins may be refused at any time' : ''}: ${WHAT_TO_DO}`,
    });
  }
  return out;
}

/** Every company's notices now. */
export function credentialNotices(companyIds: readonly string[], facts: CredentialFactsProvider, nowMs: number): CredentialNotice[] {
  return companyIds.flatMap((id) => {
    const f = facts(id);
    return f ? assessCredential(id, f, nowMs) : [];
  });
}

/**
 * Remembers what was logged: each notice goes to the log once per company, code and Warsaw day
 * (an expiry that becomes "expired" is logged at once, as it is a new code).
 */
export class CredentialWarnings {
  readonly #logged = new Map<string, string>();

  constructor(private readonly companyIds: readonly string[], private readonly facts: CredentialFactsProvider) {}

  /** The notices not yet logged today (and marks them logged). */
  due(nowMs: number): CredentialNotice[] {
    const day = warsawDate(nowMs);
    return credentialNotices(this.companyIds, this.facts, nowMs).filter((n) => {
      const key = `${n.companyId}|${n.code}`;
      if (this.#logged.get(key) === day) return false;
      this.#logged.set(key, day);
      return true;
    });
  }

  /** Throws when the company's credential has expired: the login is not even tried. */
  assertUsable(companyId: string, nowMs: number): void {
    const f = this.facts(companyId);
    const expired = f ? assessCredential(companyId, f, nowMs).find((n) => n.code === 'CREDENTIAL_EXPIRED') : undefined;
    if (expired) throw new AgentError('CREDENTIAL_EXPIRED', expired.message, { kind: 'config' });
  }
}
