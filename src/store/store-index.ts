import type { HistoryEntry } from './history-log.ts';
import type { FileRecord, InvoiceRecord } from './state-store.ts';
import { localDay } from './local-day.ts';

interface DayCounts {
  accepted: number;
  rejected: number;
  failed: number;
  filesFailed: number;
}

const bizKey = (sellerNip: string, kind: string, number: string): string => `${sellerNip}\u0000${kind}\u0000${number}`;

/** In-memory lookups over active and finished work, rebuilt from disk on open. */
export class StoreIndex {
  readonly #byHash = new Map<string, string[]>();
  readonly #accepted = new Map<string, InvoiceRecord>();
  readonly #finishedFiles = new Map<string, FileRecord>();
  readonly #days = new Map<string, DayCounts>();

  addActive(f: FileRecord): void {
    const key = `${f.companyId}\u0000${f.sha256}`;
    const ids = this.#byHash.get(key) ?? [];
    if (!ids.includes(f.id)) ids.push(f.id);
    this.#byHash.set(key, ids);
  }

  invoiceChanged(i: InvoiceRecord): void {
    if (i.state === 'accepted') this.#accepted.set(bizKey(i.sellerNip, i.kind, i.number), i);
  }

  addFinished(e: HistoryEntry): void {
    this.addActive(e.file);
    this.#finishedFiles.set(e.file.id, e.file);
    const day = (iso: string) => {
      const k = localDay(iso);
      let c = this.#days.get(k);
      if (!c) this.#days.set(k, (c = { accepted: 0, rejected: 0, failed: 0, filesFailed: 0 }));
      return c;
    };
    if (e.file.state === 'failed') day(e.file.updatedAt).filesFailed++;
    for (const i of e.invoices) {
      this.invoiceChanged(i);
      if (i.finalAt && (i.state === 'accepted' || i.state === 'rejected' || i.state === 'failed')) day(i.finalAt)[i.state]++;
    }
  }

  filesByHash(companyId: string, sha256: string): string[] {
    return [...(this.#byHash.get(`${companyId}\u0000${sha256}`) ?? [])];
  }
  accepted(sellerNip: string, kind: string, number: string): InvoiceRecord | undefined {
    return this.#accepted.get(bizKey(sellerNip, kind, number));
  }
  finishedFile(id: string): FileRecord | undefined {
    return this.#finishedFiles.get(id);
  }
  dayCounts(day: string): DayCounts {
    return this.#days.get(day) ?? { accepted: 0, rejected: 0, failed: 0, filesFailed: 0 };
  }
}
