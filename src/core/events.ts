import type { InboxFile } from './records.ts';

/**
 * Named events the stages emit; logs and metrics subscribe instead of stages logging from deep
 * inside. Payloads are plain data (never a secret, never a library object).
 */
export interface AgentEvents {
  /** a candidate passed the stability check and is about to be claimed */
  'inbox.ready': { readonly companyId: string; readonly inboxId: string; readonly name: string; readonly size: number };
  /** a file was claimed into the work area */
  'inbox.claimed': { readonly file: InboxFile };
  /**
   * a claim was refused because the writer still holds the file (EBUSY/EPERM/EACCES). `companionOf`:
   * the file held is the companion (lines file) of this primary, which went back to the inbox
   */
  'inbox.busy': { readonly companyId: string; readonly inboxId: string; readonly name: string; readonly code: string; readonly companionOf?: string };
  /**
   * scanning or watching an inbox failed (share offline, permissions); retried on every scan but
   * reported once until it changes. `code` is stable (INBOX_FOLDER_MISSING, INBOX_FOLDER_DENIED,
   * INBOX_FOLDER_UNREADABLE, or a claim/watch failure); `systemCode` the OS error code when known.
   * Also one entry of the inbox (`name`): INBOX_NOT_A_FILE (a link, folder, pipe … never taken) and
   * INBOX_CLAIM_FAILED (a file that cannot be moved out of the inbox), each reported once.
   */
  'inbox.error': { readonly companyId: string; readonly inboxId: string; readonly folder: string; readonly code: string; readonly message: string; readonly systemCode?: string; readonly name?: string };
  /** a scan of an inbox that had failed succeeded again */
  'inbox.recovered': { readonly companyId: string; readonly inboxId: string; readonly folder: string };
  /** a file ended in errors/ with a report */
  'file.failed': { readonly companyId: string; readonly sourceName: string; readonly codes: readonly string[] };
  /** a file's invoices are all final, its results written and the source archived */
  'file.done': { readonly companyId: string; readonly sourceName: string; readonly accepted: number; readonly rejected: number; readonly failed: number };
  /** a re-dropped file with identical content was recognised */
  'file.duplicate': { readonly companyId: string; readonly sourceName: string; readonly sha256: string; readonly firstSeenAs: string };
  'ksef.sent': { readonly companyId: string; readonly invoice: string; readonly sessionReferenceNumber: string; readonly invoiceReferenceNumber?: string };
  /** `invoicingMode`: how KSeF recorded it (Online/Offline), when it said */
  'ksef.accepted': { readonly companyId: string; readonly invoice: string; readonly ksefNumber: string; readonly invoicingMode?: string };
  /** a file's invoices were planned with warnings: one event per warning code, naming the invoices (they are in the results too) */
  'file.warnings': { readonly companyId: string; readonly sourceName: string; readonly code: string; readonly message: string; readonly count: number; readonly invoices: readonly string[] };
  'ksef.rejected': { readonly companyId: string; readonly invoice: string; readonly code: string; readonly message: string };
  /**
   * a send got no clear answer (timed out, connection dropped after the request left): KSeF may
   * or may not have the invoice, so it is not sent again blindly but looked up in its session first
   */
  'ksef.unconfirmed': { readonly companyId: string; readonly invoice: string; readonly sessionReferenceNumber: string; readonly code: string; readonly message: string };
  /** KSeF closed or forgot the reused online session (it expired): the next send opens a new one */
  'ksef.session-renewed': { readonly companyId: string; readonly sessionReferenceNumber: string; readonly invoice: string; readonly code: string };
  /** the service is ready: what it serves and where it logs */
  'agent.started': {
    readonly version: string;
    readonly environment: string;
    readonly companies: readonly string[];
    /** `<company>/<inbox>: <folder>` */
    readonly inboxes: readonly string[];
    readonly healthPort?: number;
    readonly logDir?: string;
  };
  /** the agent closed (the last line it logs) */
  'agent.stopped': { readonly reason: string };
  /** something the operator should see that has no better event */
  'agent.warning': { readonly message: string; readonly code?: string; readonly companyId?: string };
  'agent.error': { readonly message: string; readonly code?: string; readonly companyId?: string; readonly error?: unknown };
}

export type AgentEventName = keyof AgentEvents;
export type AgentEventListener<K extends AgentEventName> = (payload: AgentEvents[K]) => void;
export type AnyEventListener = <K extends AgentEventName>(name: K, payload: AgentEvents[K]) => void;

/**
 * A small synchronous, typed event bus. A listener that throws never breaks the emitter (events
 * are observations, not control flow); the failure is passed to `onListenerError`.
 */
export class EventBus {
  readonly #listeners = new Map<AgentEventName, Set<(payload: never) => void>>();
  readonly #any = new Set<AnyEventListener>();
  readonly #onListenerError: (error: unknown, name: AgentEventName) => void;

  constructor(opts: { onListenerError?: (error: unknown, name: AgentEventName) => void } = {}) {
    this.#onListenerError = opts.onListenerError ?? (() => {});
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends AgentEventName>(name: K, listener: AgentEventListener<K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Subscribes to every event (loggers, metrics); returns the unsubscribe function. */
  onAny(listener: AnyEventListener): () => void {
    this.#any.add(listener);
    return () => this.#any.delete(listener);
  }

  emit<K extends AgentEventName>(name: K, payload: AgentEvents[K]): void {
    for (const fn of this.#listeners.get(name) ?? []) {
      try {
        (fn as AgentEventListener<K>)(payload);
      } catch (e) {
        this.#onListenerError(e, name);
      }
    }
    for (const fn of this.#any) {
      try {
        fn(name, payload);
      } catch (e) {
        this.#onListenerError(e, name);
      }
    }
  }
}
