/**
 * The one judgement of the agent's health, shared by GET /health and the status command: a pure
 * function from a snapshot of facts to a verdict with its reasons.
 *
 * - `failing`: a person must act — KSeF refused a company (held), a folder cannot be used, the
 *   disk is (nearly) full. Retrying alone will not fix it.
 * - `degraded`: the agent retries by itself and work waits — KSeF unreachable or answering
 *   errors, a purchase download failed.
 * - `ok`: nothing of the above.
 * Warnings (a credential expiring within 30 days, the end of KSeF tokens) are listed beside the
 * verdict and never change it: an advance notice must not look like an outage to a monitor.
 */
export type HealthStatus = 'ok' | 'degraded' | 'failing';

export interface HealthReason {
  readonly level: Exclude<HealthStatus, 'ok'>;
  /** stable: COMPANY_HELD, KSEF_TROUBLE, INTAKE_FAILED, INBOX_CLAIM_FAILED, INBOX_CROSS_DEVICE, KSEF_UNREACHABLE, PURCHASES_FAILED, FOLDER_UNUSABLE, DISK_LOW, CREDENTIAL_EXPIRED, INVOICES_UNSETTLED, AGENT_CRASHED */
  readonly code: string;
  readonly companyId?: string;
  readonly message: string;
}

/** Advance notice a person should act on, which does not change the status (a credential expiring soon, the token deadline). */
export interface HealthWarning {
  readonly code: string;
  readonly companyId?: string;
  readonly message: string;
}

export interface HealthVerdict {
  readonly status: HealthStatus;
  readonly reasons: readonly HealthReason[];
  /** present only when there are some */
  readonly warnings?: readonly HealthWarning[];
}

export interface CompanyFacts {
  readonly id: string;
  /** files taken in and not finished */
  readonly activeFiles: number;
  readonly planned: number;
  readonly inFlight: number;
  readonly held?: { readonly code: string; readonly message: string; readonly since: string; readonly until: string };
  /** what the pipeline keeps retrying (transient trouble) */
  readonly trouble?: { readonly code: string; readonly message: string; readonly since: string };
  /** the last purchase download failed (after its last success) */
  readonly purchaseError?: { readonly code: string; readonly message: string; readonly at: string };
  /** the in-flight invoice waiting longest for KSeF: since its send (or its recorded intent) */
  readonly oldestInFlight?: { readonly number: string; readonly since: string; readonly ageMs: number };
  /** claimed files the pipeline could not take in, each until it is (see CompanyPipeline.intakeTrouble) */
  readonly intake?: readonly { readonly sourceName: string; readonly code: string; readonly message: string; readonly since: string; readonly until: string; readonly transient: boolean }[];
  /** inbox files whose claim failed, still in the inbox (see InboxWatcher.claimFailures) */
  readonly unclaimed?: readonly { readonly inboxId: string; readonly name: string; readonly code: string; readonly message: string; readonly since: string }[];
}

export interface FolderFacts {
  readonly companyId?: string;
  readonly role: string;
  readonly path: string;
  /** undefined when the folder can be used */
  readonly problem?: string;
}

export interface DiskFacts {
  readonly path: string;
  readonly freeBytes: number;
  readonly minFreeBytes: number;
}

export interface HealthSnapshot {
  readonly companies: readonly CompanyFacts[];
  readonly folders: readonly FolderFacts[];
  readonly disks: readonly DiskFacts[];
  /** a probe of KSeF made just now (status); the running agent judges by its pipelines' trouble instead */
  readonly ksef?: { readonly reachable: boolean; readonly detail: string };
  /** credential expiry and the token deadline (see credential-warnings.ts), already judged: failing ones are reasons, the others warnings */
  readonly credentials?: readonly (HealthWarning & { readonly level: 'warning' | 'failing' })[];
  /** in-flight invoices older than this are unsettled (INVOICES_UNSETTLED); DEFAULT_UNSETTLED_AFTER_MS when absent */
  readonly unsettledAfterMs?: number;
  /** reasons judged elsewhere, e.g. an agent that stopped without releasing its lock (stopped-agent.ts) */
  readonly reasons?: readonly HealthReason[];
}

/** KSeF settles an invoice in seconds to minutes; an hour without its answer is not normal. */
export const DEFAULT_UNSETTLED_AFTER_MS = 60 * 60_000;

const MiB = 1024 * 1024;
const waits = (c: CompanyFacts): string => `${c.activeFiles} file(s), ${c.planned} invoice(s) to send and ${c.inFlight} awaiting KSeF wait`;

/** What only the running agent knows (it publishes it in runtime.json for `status`). */
export type RuntimeFacts = Pick<CompanyFacts, 'id' | 'held' | 'trouble' | 'intake' | 'unclaimed'>;

/**
 * The reasons from what only the running agent knows: a company KSeF refused, KSeF trouble it
 * retries, files it could not take in or claim. `label` names the company (and, for an agent that
 * stopped, that this is last known); `live` — the running agent's own facts — adds what waits and
 * when it tries next, which only a running agent can say.
 */
export function runtimeReasons(c: RuntimeFacts, label: string, live?: CompanyFacts): HealthReason[] {
  const out: HealthReason[] = [];
  if (c.held) {
    const next = live ? `${waits(live)}; next try ${c.held.until}` : 'the next start tries again';
    out.push({ level: 'failing', code: 'COMPANY_HELD', companyId: c.id, message: `${label}: KSeF refused it since ${c.held.since}: ${c.held.message} [${c.held.code}]; ${next}` });
  } else if (c.trouble) {
    out.push({ level: 'degraded', code: 'KSEF_TROUBLE', companyId: c.id, message: `${label}: ${live ? 'retrying' : 'it was retrying'} since ${c.trouble.since}: ${c.trouble.message} [${c.trouble.code}]${live ? `; ${waits(live)}` : ''}` });
  }
  for (const t of c.intake ?? []) {
    // not transient (a folder the agent cannot write, a bug): retrying alone will not fix it
    out.push({ level: t.transient ? 'degraded' : 'failing', code: 'INTAKE_FAILED', companyId: c.id, message: `${label}: ${t.sourceName} could not be taken in since ${t.since}: ${t.message.replace(`${c.id}: `, '')} [${t.code}]; it stays claimed in the work area${live ? `, next try ${t.until}` : ''}` });
  }
  for (const u of c.unclaimed ?? []) {
    out.push({ level: 'degraded', code: u.code, companyId: c.id, message: `${label}: inbox ${u.inboxId}: file ${u.name} cannot be taken since ${u.since}: ${u.message} [${u.code}]${live ? '; it stays in the inbox and is tried again' : ''}` });
  }
  return out;
}

export function assessHealth(s: HealthSnapshot): HealthVerdict {
  const reasons: HealthReason[] = [];
  for (const f of s.folders) {
    if (f.problem) reasons.push({ level: 'failing', code: 'FOLDER_UNUSABLE', ...(f.companyId ? { companyId: f.companyId } : {}), message: `${f.role} folder ${f.path}${f.companyId ? ` of company ${f.companyId}` : ''}: ${f.problem}` });
  }
  for (const d of s.disks) {
    if (d.freeBytes < d.minFreeBytes) {
      reasons.push({ level: 'failing', code: 'DISK_LOW', message: `only ${Math.floor(d.freeBytes / MiB)} MiB free on the volume of ${d.path} (health.minFreeMb asks for ${Math.ceil(d.minFreeBytes / MiB)} MiB): results, state and logs may not be written` });
    }
  }
  for (const c of s.companies) {
    reasons.push(...runtimeReasons(c, `company ${c.id}`, c));
    if (c.purchaseError) {
      reasons.push({ level: 'degraded', code: 'PURCHASES_FAILED', companyId: c.id, message: `company ${c.id}: the purchase download failed at ${c.purchaseError.at}: ${c.purchaseError.message} [${c.purchaseError.code}]` });
    }
    const unsettledAfterMs = s.unsettledAfterMs ?? DEFAULT_UNSETTLED_AFTER_MS;
    if (c.oldestInFlight && c.oldestInFlight.ageMs > unsettledAfterMs) {
      const o = c.oldestInFlight;
      reasons.push({ level: 'degraded', code: 'INVOICES_UNSETTLED', companyId: c.id, message: `company ${c.id}: ${c.inFlight} invoice(s) sent to KSeF and not settled; the oldest, ${o.number}, since ${o.since} (${Math.floor(o.ageMs / 60_000)} min, health.unsettledAfterMinutes is ${Math.round(unsettledAfterMs / 60_000)}): KSeF normally settles in seconds to minutes. A running agent keeps asking KSeF; check that an agent runs, that KSeF works (ksef-hotfolder status, KSeF announcements) and the log for that invoice's session. Do not send these invoices again by hand: KSeF may still accept them` });
    }
  }
  reasons.push(...(s.reasons ?? []));
  const warnings: HealthWarning[] = [];
  for (const { level, ...c } of s.credentials ?? []) {
    if (level === 'failing') reasons.push({ level, ...c });
    else warnings.push(c);
  }
  if (s.ksef && !s.ksef.reachable) reasons.push({ level: 'degraded', code: 'KSEF_UNREACHABLE', message: `KSeF: ${s.ksef.detail}` });
  const status: HealthStatus = reasons.some((r) => r.level === 'failing') ? 'failing' : reasons.length ? 'degraded' : 'ok';
  return { status, reasons, ...(warnings.length > 0 ? { warnings } : {}) };
}
