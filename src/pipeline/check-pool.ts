/**
 * A pool of worker threads that run checkInvoice (business rules → FA XML → official XSD) while
 * the caller's thread goes on reading and mapping. On a machine with free cores this overlaps the
 * CPU-bound half of the local pipeline with the reading half (DESIGN.md §7); results come back in
 * the order the caller asked for them, with AgentErrors rebuilt as AgentErrors.
 *
 * The pool is made once per process and shared by every file; it keeps the process alive only
 * while a check is in flight, and close() ends its workers.
 */
import { Worker } from 'node:worker_threads';
import { AgentError, type ErrorKind, type Where } from '../core/errors.ts';
import type { Invoice, InvoiceXml } from '../core/invoice.ts';
import type { CheckOptions, PreviewedInvoice } from './preview-file.ts';

export interface CheckPool {
  /** number of worker threads */
  readonly size: number;
  /** checkInvoices in a worker: the results in the order of `invoices`. */
  check(invoices: readonly Invoice[], opts: CheckOptions): Promise<PreviewedInvoice[]>;
  /** Ends the workers; checks still in flight are rejected. */
  close(): Promise<void>;
}

/** An AgentError as it crosses the thread boundary (structured clone keeps no class or own fields of an Error). */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly kind: ErrorKind;
  readonly where: Where;
  readonly rule?: string;
  readonly details?: readonly string[];
  readonly stack?: string;
}

/** What a worker sends back: the invoice itself stays with the caller. */
export interface WireResult {
  readonly number?: string;
  readonly seller?: PreviewedInvoice['seller'];
  readonly xml?: Omit<InvoiceXml, 'xml'> & { readonly xml: Uint8Array };
  readonly errors: readonly WireError[];
  readonly warnings: readonly WireError[];
}

export type WorkerRequest = { readonly id: number; readonly invoices: readonly Invoice[]; readonly opts: CheckOptions };
export type WorkerReply = { readonly id: number; readonly results: readonly WireResult[] } | { readonly id: number; readonly crash: string };

export function toWire(e: AgentError): WireError {
  return {
    code: e.code, message: e.message, kind: e.kind, where: e.where,
    ...(e.rule !== undefined ? { rule: e.rule } : {}),
    ...(e.details !== undefined ? { details: e.details } : {}),
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
  };
}

export function fromWire(w: WireError): AgentError {
  const e = new AgentError(w.code, w.message, { kind: w.kind, where: w.where, ...(w.rule !== undefined ? { rule: w.rule } : {}), ...(w.details !== undefined ? { details: w.details } : {}) });
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

function fromWireResult(r: WireResult, invoice: Invoice): PreviewedInvoice {
  return {
    ...(r.number !== undefined ? { number: r.number } : {}),
    invoice,
    ...(r.seller !== undefined ? { seller: r.seller } : {}),
    ...(r.xml ? { xml: { ...r.xml, xml: Buffer.from(r.xml.xml.buffer, r.xml.xml.byteOffset, r.xml.xml.byteLength) } } : {}),
    errors: r.errors.map(fromWire),
    warnings: r.warnings.map(fromWire),
  };
}

// Workers start from this script so that they load the TypeScript sources through tsx however the
// main thread got it (bin/ registers it in code; tests and benches pass --import tsx, which the
// workers do not need twice).
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });
`;

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (r: PreviewedInvoice[]) => void; reject: (e: unknown) => void; invoices: readonly Invoice[] }>;
}

export function createCheckPool(size: number): CheckPool {
  const n = Math.max(1, Math.floor(size));
  const workerData = { tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./check-worker.ts', import.meta.url).href };
  const execArgv = process.execArgv.filter((a, i, all) => !(a === 'tsx' && all[i - 1] === '--import') && a !== '--import=tsx' && !(a === '--import' && all[i + 1] === 'tsx'));
  let nextId = 1;
  let closed = false;
  const lanes: Lane[] = [];

  const failAll = (lane: Lane, reason: string) => {
    for (const p of lane.pending.values()) p.reject(new Error(reason));
    lane.pending.clear();
  };

  for (let i = 0; i < n; i++) {
    const worker = new Worker(BOOT, { eval: true, workerData, execArgv });
    worker.unref(); // idle workers do not keep the process alive
    const lane: Lane = { worker, pending: new Map() };
    worker.on('message', (msg: WorkerReply) => {
      const p = lane.pending.get(msg.id);
      if (!p) return;
      lane.pending.delete(msg.id);
      if (lane.pending.size === 0) worker.unref();
      if ('crash' in msg) p.reject(new Error(msg.crash));
      else p.resolve(msg.results.map((r, k) => fromWireResult(r, p.invoices[k]!)));
    });
    worker.on('error', (err) => failAll(lane, `check worker failed: ${err instanceof Error ? err.message : String(err)}`));
    worker.on('exit', (code) => {
      if (!closed) failAll(lane, `check worker exited (code ${code})`);
    });
    lanes.push(lane);
  }

  return {
    size: n,
    check(invoices, opts) {
      if (closed) return Promise.reject(new Error('the check pool is closed'));
      let lane = lanes[0]!;
      for (const l of lanes) if (l.pending.size < lane.pending.size) lane = l;
      const id = nextId++;
      return new Promise<PreviewedInvoice[]>((resolve, reject) => {
        if (lane.pending.size === 0) lane.worker.ref();
        lane.pending.set(id, { resolve, reject, invoices });
        lane.worker.postMessage({ id, invoices, opts } satisfies WorkerRequest);
      });
    },
    async close() {
      closed = true;
      for (const l of lanes) failAll(l, 'the check pool is closed');
      await Promise.all(lanes.map((l) => l.worker.terminate()));
    },
  };
}
