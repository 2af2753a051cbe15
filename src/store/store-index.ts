import type { HistoryEntry } from './history-log.ts';
import type { FileRecord, InvoiceRecord } from './state-store.ts';
import { localDay } from '../core/local-day.ts';

interface DayCounts {
  accepted: number;
  rejected: number;
  failed: number;
  filesFailed: number;
}

/** a flat string (not a concatenation holding on to its parts) */
const bizKey = (sellerNip: string, kind: string, number: string): string => [sellerNip, kind, number].join('\u0000');

/*
 * Finished work stays in memory for the whole life of the agent (it is what recognises a file or
 * an invoice sent before), so it is kept packed: one JSON string per accepted invoice and per
 * finished file, holding only what a lookup gives back, and unpacked into a fresh record when
 * asked for. About a quarter of the memory of the parsed records (measured: 100,000 finished
 * invoices ≈ 97 MiB as records) — what a long-running agent holds grows with its history only
 * by that much.
 */

/**
 * An accepted invoice's facts, in this order; number, kind and seller NIP are its key, fileId is
 * part of its id, updatedAt is null when it equals finalAt; intentAt and sentAt are not kept.
 */
type PackedInvoice = [
  id: string, companyId: string, hash: string, sessionKind: string | null, sessionReferenceNumber: string | null, invoiceReferenceNumber: string | null,
  ksefNumber: string | null, acquisitionDate: string | null, upoFile: string | null, duplicateOfOriginal: 1 | 0, finalAt: string | null, updatedAt: string | null,
  contentHash?: string,
];

function packInvoice(i: InvoiceRecord): string {
  const p: PackedInvoice = [
    i.id, i.companyId, i.hash, i.sessionKind ?? null, i.sessionReferenceNumber ?? null, i.invoiceReferenceNumber ?? null,
    i.ksefNumber ?? null, i.acquisitionDate ?? null, i.upoFile ?? null, i.duplicateOfOriginal ? 1 : 0, i.finalAt ?? null, i.updatedAt === i.finalAt ? null : i.updatedAt,
  ];
  if (i.contentHash !== undefined) p.push(i.contentHash);
  return JSON.stringify(p);
}

function unpackInvoice(key: string, s: string): InvoiceRecord {
  const [sellerNip, kind, number] = key.split('\u0000') as [string, string, string];
  const [id, companyId, hash, sessionKind, sessionRef, invoiceRef, ksefNumber, acquisitionDate, upoFile, dup, finalAt, updatedAt, contentHash] = JSON.parse(s) as PackedInvoice;
  return {
    id, fileId: id.slice(0, id.lastIndexOf('#')), companyId, number, kind, sellerNip, hash, state: 'accepted',
    ...(contentHash !== undefined ? { contentHash } : {}),
    ...(sessionKind !== null ? { sessionKind: sessionKind as 'online' | 'batch' } : {}),
    ...(sessionRef !== null ? { sessionReferenceNumber: sessionRef } : {}),
    ...(invoiceRef !== null ? { invoiceReferenceNumber: invoiceRef } : {}),
    ...(ksefNumber !== null ? { ksefNumber } : {}),
    ...(acquisitionDate !== null ? { acquisitionDate } : {}),
    ...(upoFile !== null ? { upoFile } : {}),
    ...(dup ? { duplicateOfOriginal: true } : {}),
    ...(finalAt !== null ? { finalAt } : {}),
    updatedAt: updatedAt ?? finalAt ?? '',
  };
}

/** A finished file without its invoice ids and errors (those stay in the history on disk). */
function packFile(f: FileRecord): string {
  const { invoiceIds: _ids, errors: _errors, ...rest } = f;
  return JSON.stringify(rest);
}

function unpackFile(s: string): FileRecord {
  return { ...(JSON.parse(s) as Omit<FileRecord, 'invoiceIds'>), invoiceIds: [] };
}

/** In-memory lookups over active and finished work, rebuilt from disk on open. */
export class StoreIndex {
  readonly #byHash = new Map<string, string[]>();
  /** claim ids by company and source name: which file of a name is the newest (its result has the plain name) */
  readonly #bySource = new Map<string, string[]>();
  /** accepted invoices: the live record while active, packed once finished */
  readonly #accepted = new Map<string, InvoiceRecord | string>();
  /** finished files, packed */
  readonly #finishedFiles = new Map<string, string>();
  readonly #days = new Map<string, DayCounts>();

  addActive(f: FileRecord): void {
    const key = `${f.companyId}\u0000${f.sha256}`;
    const ids = this.#byHash.get(key);
    if (!ids) this.#byHash.set(key, [f.id]);
    else if (!ids.includes(f.id)) ids.push(f.id);
    const byName = `${f.companyId}\u0000${f.sourceName}`;
    const named = this.#bySource.get(byName);
    if (!named) this.#bySource.set(byName, [f.id]);
    else if (!named.includes(f.id)) named.push(f.id);
  }

  invoiceChanged(i: InvoiceRecord): void {
    if (i.state === 'accepted' && !this.isRepeat(i)) this.#accepted.set(bizKey(i.sellerNip, i.kind, i.number), i);
  }

  /**
   * An accepted record that only repeats an invoice accepted before (a re-dropped file settled
   * with the earlier KSeF number): counted and remembered once, by its identity, not per file.
   */
  isRepeat(i: InvoiceRecord): boolean {
    if (!i.duplicateOfOriginal || i.ksefNumber === undefined) return false;
    const a = this.#accepted.get(bizKey(i.sellerNip, i.kind, i.number));
    if (a === undefined) return false;
    const earlier = typeof a === 'string' ? unpackInvoice(bizKey(i.sellerNip, i.kind, i.number), a) : a;
    return earlier.id !== i.id && earlier.ksefNumber === i.ksefNumber;
  }

  addFinished(e: HistoryEntry): void {
    this.addActive(e.file);
    this.#finishedFiles.set(e.file.id, packFile(e.file));
    const day = (iso: string) => {
      const k = localDay(iso);
      let c = this.#days.get(k);
      if (!c) this.#days.set(k, (c = { accepted: 0, rejected: 0, failed: 0, filesFailed: 0 }));
      return c;
    };
    if (e.file.state === 'failed') day(e.file.updatedAt).filesFailed++;
    for (const i of e.invoices) {
      if (i.state === 'accepted' && this.isRepeat(i)) continue;
      if (i.state === 'accepted') this.#accepted.set(bizKey(i.sellerNip, i.kind, i.number), packInvoice(i));
      if (i.finalAt && (i.state === 'accepted' || i.state === 'rejected' || i.state === 'failed')) day(i.finalAt)[i.state]++;
    }
  }

  filesByHash(companyId: string, sha256: string): string[] {
    return [...(this.#byHash.get(`${companyId}\u0000${sha256}`) ?? [])];
  }
  filesBySourceName(companyId: string, sourceName: string): string[] {
    return [...(this.#bySource.get(`${companyId}\u0000${sourceName}`) ?? [])];
  }
  /** the accepted invoice with this business key (a finished one comes back without intentAt/sentAt) */
  accepted(sellerNip: string, kind: string, number: string): InvoiceRecord | undefined {
    const key = bizKey(sellerNip, kind, number);
    const a = this.#accepted.get(key);
    return typeof a === 'string' ? unpackInvoice(key, a) : a;
  }
  /** a finished file (without its invoice ids and errors, which are in the history) */
  finishedFile(id: string): FileRecord | undefined {
    const f = this.#finishedFiles.get(id);
    return f === undefined ? undefined : unpackFile(f);
  }
  dayCounts(day: string): DayCounts {
    return this.#days.get(day) ?? { accepted: 0, rejected: 0, failed: 0, filesFailed: 0 };
  }
}
