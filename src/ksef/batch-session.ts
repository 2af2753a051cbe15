import { boundedPool, firstFailure } from '../core/bounded-pool.ts';
import type { FaSchema } from '../core/invoice.ts';
import { aesEncrypt, encryptionInfo, generateSymmetricKey, sha256Base64 } from './crypto.ts';
import { KsefError, isKsefError } from './errors.ts';
import type { KsefHttp } from './http.ts';
import { withFreshKey } from './public-keys.ts';
import type { KeyRing } from './public-keys.ts';
import { getSessionStatus, listSessionInvoices, waitForSession } from './status.ts';
import type { PollOptions } from './status.ts';
import { FORM_CODES, invoiceState } from './types.ts';
import type { InvoiceState, SessionInvoice, SessionStatus } from './types.ts';
import { buildZip } from './zip.ts';

const enc = encodeURIComponent;

export const MAX_PART_BYTES = 100_000_000;
export const MAX_PARTS = 50;
export const MAX_INVOICES_PER_SESSION = 10_000;
/** close requests with an unknown outcome, each checked with the session status before the next */
const CLOSE_ATTEMPTS = 3;

export interface BatchFile {
  /** name inside the ZIP; KSeF echoes it as `invoiceFileName` */
  readonly fileName: string;
  readonly content: Uint8Array | string;
}

export interface BatchOptions {
  /** bytes per part before encryption (default and maximum 100,000,000) */
  readonly maxPartBytes?: number;
  readonly offlineMode?: boolean;
  /** parallel part uploads (default 4) */
  readonly uploadConcurrency?: number;
  /**
   * Awaited as soon as KSeF has named the session (`POST /sessions/batch` answered) and before any
   * part is uploaded: the place to make the reference durable. If it throws, nothing is uploaded
   * and the error propagates (KSeF cancels the empty session when its upload window ends).
   */
  readonly onOpened?: (sessionReferenceNumber: string) => Promise<void>;
  /**
   * Awaited after every part is uploaded, right before the first close request. Until a close
   * arrives KSeF processes nothing, so a failure before this hook means the invoices were not
   * taken; a failure after it leaves the outcome to KSeF's final session status.
   */
  readonly onClosing?: (sessionReferenceNumber: string) => Promise<void>;
}

export interface SubmittedFile {
  readonly fileName: string;
  readonly invoiceHash: string;
  readonly invoiceSize: number;
}

/** What must be kept (durably, by the caller) to collect the results of a batch later. */
export interface BatchSubmission {
  readonly sessionReferenceNumber: string;
  readonly files: readonly SubmittedFile[];
  readonly partCount: number;
  readonly zipSize: number;
  readonly zipHash: string;
}

export interface BatchInvoiceResult extends SubmittedFile {
  /** `missing` = KSeF lists nothing for this file (yet) */
  readonly state: InvoiceState | 'missing';
  readonly ksef?: SessionInvoice;
}

export interface BatchResult {
  readonly sessionReferenceNumber: string;
  readonly session: SessionStatus;
  readonly invoices: readonly BatchInvoiceResult[];
}

/**
 * ZIP the invoices, split into ≤100 MB parts, encrypt each with the session key, open the batch
 * session, upload every part to the URL KSeF names (no Authorization header), close. The hooks
 * `onOpened` (before any upload) and `onClosing` (before the close) let the caller record how far
 * it got, so that an interruption can be reconciled without presuming anything.
 */
export async function submitBatch(
  http: KsefHttp,
  keys: KeyRing,
  files: readonly BatchFile[],
  schema: FaSchema,
  opts: BatchOptions = {},
  onKeyRotation?: () => void,
): Promise<BatchSubmission> {
  if (files.length === 0) throw new KsefError('KSEF_BAD_REQUEST', 'a batch needs at least one invoice');
  if (files.length > MAX_INVOICES_PER_SESSION) {
    throw new KsefError('KSEF_BATCH_TOO_LARGE', `a batch session holds at most ${MAX_INVOICES_PER_SESSION} invoices, got ${files.length}: split it`);
  }
  const seen = new Set<string>();
  const named = files.map((f) => {
    if (seen.has(f.fileName)) throw new KsefError('KSEF_BAD_REQUEST', `file name "${f.fileName}" appears twice in the batch`);
    seen.add(f.fileName);
    return { fileName: f.fileName, content: typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content) };
  });
  const submitted: SubmittedFile[] = named.map((f) => ({ fileName: f.fileName, invoiceHash: sha256Base64(f.content), invoiceSize: f.content.length }));
  const zip = await buildZip(named);
  const partBytes = Math.min(opts.maxPartBytes ?? MAX_PART_BYTES, MAX_PART_BYTES);
  const partCount = Math.ceil(zip.length / partBytes);
  if (partCount > MAX_PARTS) {
    throw new KsefError('KSEF_BATCH_TOO_LARGE', `the archive (${zip.length} B) needs ${partCount} parts of ${partBytes} B; KSeF takes at most ${MAX_PARTS}`);
  }
  const key = generateSymmetricKey();
  const parts = Array.from({ length: partCount }, (_, i) => {
    const encrypted = aesEncrypt(key, zip.subarray(i * partBytes, (i + 1) * partBytes));
    return { ordinalNumber: i + 1, encrypted, fileSize: encrypted.length, fileHash: sha256Base64(encrypted) };
  });
  const zipHash = sha256Base64(zip);

  type Opened = { referenceNumber: string; partUploadRequests: { ordinalNumber: number; method: string; url: string; headers?: Record<string, string> }[] };
  const opened = await withFreshKey(keys, 'SymmetricKeyEncryption', onKeyRotation, async ({ publicKey, publicKeyId }) => {
    const r = await http.call<Opened>({
      method: 'POST',
      path: '/sessions/batch',
      json: {
        formCode: FORM_CODES[schema],
        batchFile: {
          fileSize: zip.length,
          fileHash: zipHash,
          fileParts: parts.map((p) => ({ ordinalNumber: p.ordinalNumber, fileSize: p.fileSize, fileHash: p.fileHash })),
        },
        encryption: encryptionInfo(key, publicKey, publicKeyId),
        offlineMode: opts.offlineMode ?? false,
      },
      auth: 'access',
      group: 'batchSession',
      // an opened batch processes nothing until its parts are uploaded and it is closed, so
      // a lost answer costs an orphan session (KSeF cancels it), never a duplicate invoice
      idempotent: false,
      expect: 'json',
      operation: 'POST /sessions/batch',
    });
    return r.body;
  });
  const sessionRef = opened.referenceNumber;
  await opts.onOpened?.(sessionRef);

  const byOrdinal = new Map(parts.map((p) => [p.ordinalNumber, p]));
  const uploads = await boundedPool(opened.partUploadRequests, opts.uploadConcurrency ?? 4, async (req) => {
    const part = byOrdinal.get(req.ordinalNumber);
    if (!part) throw new KsefError('KSEF_PROTOCOL', `batch ${sessionRef}: KSeF asked for part ${req.ordinalNumber}, which was not declared`);
    await http.call({
      method: (req.method?.toUpperCase() ?? 'PUT') as 'PUT',
      url: req.url,
      headers: req.headers ?? {},
      body: part.encrypted,
      // writing the same bytes to the same blob twice is harmless
      idempotent: true,
      expect: 'none',
      operation: `upload batch part ${req.ordinalNumber}`,
    });
  }, { stopAfter: () => true });
  // a part that failed (after the client's own retries) ends the send before the close
  const failed = firstFailure(uploads);
  if (failed !== undefined) throw failed;

  await opts.onClosing?.(sessionRef);
  for (let attempt = 1; ; attempt++) {
    try {
      await http.call({
        method: 'POST',
        path: `/sessions/batch/${enc(sessionRef)}/close`,
        auth: 'access',
        group: 'batchSession',
        idempotent: false,
        expect: 'none',
        operation: 'POST /sessions/batch/{ref}/close',
      });
      break;
    } catch (e) {
      if (!isKsefError(e) || e.code !== 'KSEF_OUTCOME_UNKNOWN' || attempt >= CLOSE_ATTEMPTS) throw e;
      // ask rather than repeat: still 100 means the close never arrived (and a session is
      // processed at most once: a close that did arrive makes the next one fail with 21180)
      const s = await getSessionStatus(http, sessionRef);
      if (s.status.code !== 100) break;
    }
  }
  return { sessionReferenceNumber: sessionRef, files: submitted, partCount, zipSize: zip.length, zipHash };
}

/**
 * Wait for the batch session to finish, list its invoices (all pages) and match them to our files
 * by file name, then by hash. Usable after a restart with a stored BatchSubmission.
 */
export async function collectBatch(http: KsefHttp, submission: Pick<BatchSubmission, 'sessionReferenceNumber' | 'files'>, poll: PollOptions = {}): Promise<BatchResult> {
  const sessionRef = submission.sessionReferenceNumber;
  const session = await waitForSession(http, sessionRef, poll);
  const listed = session.status.code === 200 || (session.invoiceCount ?? 0) > 0 ? await listSessionInvoices(http, sessionRef) : [];
  const byName = new Map<string, SessionInvoice>();
  const byHash = new Map<string, SessionInvoice>();
  for (const inv of listed) {
    if (inv.invoiceFileName) byName.set(inv.invoiceFileName, inv);
    byHash.set(inv.invoiceHash, inv);
  }
  const invoices = submission.files.map((f): BatchInvoiceResult => {
    const ksef = byName.get(f.fileName) ?? byHash.get(f.invoiceHash);
    return ksef ? { ...f, state: invoiceState(ksef.status.code), ksef } : { ...f, state: 'missing' };
  });
  return { sessionReferenceNumber: sessionRef, session, invoices };
}
