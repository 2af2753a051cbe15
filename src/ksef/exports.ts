/** Asynchronous export of purchase invoices (PROTOCOL §10.3): start, poll, download + decrypt + unzip. */
import { aesDecrypt, encryptionInfo, generateSymmetricKey, sha256Base64 } from './crypto.ts';
import type { SymmetricKey } from './crypto.ts';
import { KsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import { withFreshKey } from './public-keys.ts';
import type { KeyRing } from './public-keys.ts';
import { normalizeMetadata } from './purchases.ts';
import type { InvoiceMetadata, InvoiceQueryFilters } from './purchases.ts';
import type { PollOptions } from './status.ts';
import type { KsefStatus } from './types.ts';
import { readZip } from './zip.ts';

const enc = encodeURIComponent;

/** What must be kept to read an export later: its reference and the AES key it is encrypted with. */
export interface ExportHandle {
  readonly referenceNumber: string;
  /** Base64 AES-256 key and IV; store them as carefully as the export contents */
  readonly key: string;
  readonly iv: string;
}

export async function startExport(
  http: KsefHttp,
  keys: KeyRing,
  filters: InvoiceQueryFilters,
  opts: { onlyMetadata?: boolean } = {},
  onKeyRotation?: () => void,
): Promise<ExportHandle> {
  const sym = generateSymmetricKey();
  return withFreshKey(keys, 'SymmetricKeyEncryption', onKeyRotation, async ({ publicKey, publicKeyId }) => {
    const r = await http.call<{ referenceNumber: string }>({
      method: 'POST',
      path: '/invoices/exports',
      json: { encryption: encryptionInfo(sym, publicKey, publicKeyId), filters, onlyMetadata: opts.onlyMetadata ?? false },
      auth: 'access',
      group: 'invoiceExport',
      // an export creates nothing a repeat could duplicate, but it spends one of 20 per hour
      idempotent: false,
      expect: 'json',
      operation: 'POST /invoices/exports',
    });
    return { referenceNumber: r.body.referenceNumber, key: sym.key.toString('base64'), iv: sym.iv.toString('base64') };
  });
}

export interface ExportPart {
  readonly ordinalNumber: number;
  readonly partName?: string;
  readonly method?: string;
  readonly url: string;
  readonly partSize?: number;
  readonly partHash?: string;
  readonly encryptedPartSize?: number;
  readonly encryptedPartHash?: string;
  readonly expirationDate?: string;
}

export interface ExportPackage {
  readonly invoiceCount: number;
  readonly size?: number;
  readonly parts: readonly ExportPart[];
  readonly isTruncated: boolean;
  readonly lastIssueDate?: string;
  readonly lastInvoicingDate?: string;
  readonly lastPermanentStorageDate?: string;
  readonly permanentStorageHwmDate?: string;
}

export interface ExportStatus {
  readonly status: KsefStatus;
  readonly completedDate?: string;
  readonly packageExpirationDate?: string;
  readonly package?: ExportPackage;
}

export async function getExport(http: KsefHttp, referenceNumber: string): Promise<ExportStatus> {
  const r = await http.call<ExportStatus>({
    method: 'GET',
    path: `/invoices/exports/${enc(referenceNumber)}`,
    auth: 'access',
    group: 'invoiceExportStatus',
    idempotent: true,
    expect: 'json',
    operation: 'GET /invoices/exports/{ref}',
  });
  return r.body;
}

/** Poll until the export is done (200); any other final status is KSEF_EXPORT_FAILED. */
export async function waitForExport(http: KsefHttp, referenceNumber: string, poll: PollOptions = {}): Promise<ExportStatus> {
  const deadline = http.clock.now() + (poll.timeoutMs ?? 600_000);
  for (;;) {
    const s = await getExport(http, referenceNumber);
    if (s.status.code === 200) return s;
    if (s.status.code !== 100) {
      throw new KsefError('KSEF_EXPORT_FAILED', `export ${referenceNumber} ended with status ${s.status.code} ${s.status.description}`, {
        statusCode: s.status.code,
        kind: s.status.code === 550 || s.status.code === 500 ? 'transient' : 'data',
      });
    }
    if (http.clock.now() >= deadline) throw new KsefError('KSEF_POLL_TIMEOUT', `export ${referenceNumber} is still in progress`);
    await http.clock.sleep(poll.intervalMs ?? 1_000);
  }
}

export interface ExportContents {
  /** `{ksefNumber}.xml` files of the package, by KSeF number */
  readonly invoices: ReadonlyArray<{ readonly ksefNumber: string; readonly fileName: string; readonly xml: Buffer }>;
  /** `_metadata.json` entries */
  readonly metadata: readonly InvoiceMetadata[];
  readonly isTruncated: boolean;
  /** where the next incremental export starts: lastPermanentStorageDate if truncated, else the HWM */
  readonly nextFrom?: string;
  readonly lastPermanentStorageDate?: string;
  readonly permanentStorageHwmDate?: string;
}

/** Download every part (pre-signed URLs, no token), check hashes, decrypt, join, unzip. */
export async function downloadExportPackage(http: KsefHttp, handle: Pick<ExportHandle, 'key' | 'iv'>, pkg: ExportPackage): Promise<ExportContents> {
  const sym: SymmetricKey = { key: Buffer.from(handle.key, 'base64'), iv: Buffer.from(handle.iv, 'base64') };
  const plainParts: Buffer[] = [];
  for (const part of [...pkg.parts].sort((a, b) => a.ordinalNumber - b.ordinalNumber)) {
    const r = await http.call<Buffer>({
      method: (part.method?.toUpperCase() ?? 'GET') as 'GET',
      url: part.url,
      idempotent: true,
      expect: 'bytes',
      operation: `download export part ${part.ordinalNumber}`,
    });
    if (part.encryptedPartHash && sha256Base64(r.body) !== part.encryptedPartHash) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} does not match its announced hash`);
    }
    let plain: Buffer;
    try {
      plain = aesDecrypt(sym, r.body);
    } catch (e) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} cannot be decrypted with the export key`, { cause: e });
    }
    if (part.partHash && sha256Base64(plain) !== part.partHash) {
      throw new KsefError('KSEF_INTEGRITY', `export part ${part.ordinalNumber} decrypts to bytes that do not match its hash`);
    }
    plainParts.push(plain);
  }
  const files = plainParts.length ? await readZip(Buffer.concat(plainParts)) : [];
  let metadata: InvoiceMetadata[] = [];
  const invoices: Array<{ ksefNumber: string; fileName: string; xml: Buffer }> = [];
  for (const f of files) {
    if (f.fileName === '_metadata.json') {
      const parsed = JSON.parse(f.content.toString('utf8')) as { invoices?: Record<string, unknown>[] };
      metadata = (parsed.invoices ?? []).map(normalizeMetadata);
    } else if (f.fileName.toLowerCase().endsWith('.xml')) {
      const base = f.fileName.split('/').pop() ?? f.fileName;
      invoices.push({ ksefNumber: base.replace(/\.xml$/i, ''), fileName: f.fileName, xml: f.content });
    }
  }
  const nextFrom = pkg.isTruncated ? pkg.lastPermanentStorageDate : pkg.permanentStorageHwmDate;
  return {
    invoices,
    metadata,
    isTruncated: pkg.isTruncated,
    ...(nextFrom ? { nextFrom } : {}),
    ...(pkg.lastPermanentStorageDate ? { lastPermanentStorageDate: pkg.lastPermanentStorageDate } : {}),
    ...(pkg.permanentStorageHwmDate ? { permanentStorageHwmDate: pkg.permanentStorageHwmDate } : {}),
  };
}
