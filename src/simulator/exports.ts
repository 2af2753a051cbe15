/**
 * Asynchronous export of invoices (PROTOCOL §10.3): a ZIP of `{ksefNumber}.xml` files plus
 * `_metadata.json`, cut into parts, each AES-256-CBC encrypted with the caller's key, downloaded
 * from pre-signed URLs on this host. Packages stop at exportMaxInvoices (10,000) with isTruncated.
 */
import { aesEncrypt, sha256b64 } from './crypto.ts';
import { apiError, gone } from './http-errors.ts';
import { referenceNumber } from './ids.ts';
import { hwmDate, invoiceMetadata, matchInvoices, parseFilters, type DateType } from './invoice-query.ts';
import { parseJson, route, type Route, type SimRequest } from './router.ts';
import { KEY_ERROR, unwrapSessionKey } from './session-common.ts';
import type { Sim } from './sim-context.ts';
import type { ExportRecord, StoredInvoice } from './state.ts';
import { zipEntries } from './zip.ts';
import { REQUIRES } from './permissions.ts';

const RETENTION_MS = 7 * 86_400_000;
const MAX_CONCURRENT = 10;

interface ExportExtra {
  dateType: DateType;
}

function startHandler(sim: Sim, req: SimRequest) {
  const body = parseJson(req);
  const filters = parseFilters(sim, body['filters']);
  if (body['compressionType'] !== undefined && body['compressionType'] !== null && body['compressionType'] !== 'Zip') {
    throw apiError(21405, `Symulator eksportuje paczki Zip (otrzymano ${String(body['compressionType'])}).`);
  }
  const key = unwrapSessionKey(sim, body['encryption']);
  const now = sim.now();
  const nip = req.auth!['context-identifier-value'];
  const running = sim.state.data.exports.filter((e) => e.nip === nip && now < e.createdAt + sim.opts.processingDelayMs).length;
  if (running >= MAX_CONCURRENT) throw apiError(21182, `Osiągnięto limit ${MAX_CONCURRENT} równoczesnych eksportów.`);
  const hwm = hwmDate(sim);
  const record: ExportRecord & ExportExtra = {
    referenceNumber: referenceNumber('EH', now),
    nip,
    createdAt: now,
    ...(key.aesKey ? { aesKey: key.aesKey } : { failure: KEY_ERROR }),
    iv: key.iv,
    onlyMetadata: body['onlyMetadata'] === true,
    ksefNumbers: [],
    isTruncated: false,
    hwm,
    dateType: filters.dateType,
  };
  if (!record.failure) {
    if (filters.restrictToHwm && filters.dateType === 'PermanentStorage' && filters.from > hwm) {
      record.failure = { code: 420, description: 'Zakres filtrowania wykracza poza dostępny zakres danych', details: [`Data początkowa jest późniejsza niż permanentStorageHwmDate (${sim.iso(hwm)}).`] };
    } else {
      const rows = matchInvoices(sim, nip, filters, 'Asc', hwm);
      record.ksefNumbers = rows.slice(0, sim.opts.exportMaxInvoices).map((r) => r.ksefNumber);
      record.isTruncated = rows.length > sim.opts.exportMaxInvoices;
    }
  }
  sim.state.addExport(record);
  return { status: 201, json: { referenceNumber: record.referenceNumber } };
}

async function buildParts(sim: Sim, e: ExportRecord): Promise<Buffer[]> {
  const cached = sim.exportParts.get(e.referenceNumber);
  if (cached) return cached;
  const docs = e.ksefNumbers.map((k) => sim.state.invoices.get(k)!).filter(Boolean);
  const entries = e.onlyMetadata ? [] : docs.map((d) => ({ name: `${d.ksefNumber}.xml`, data: Buffer.from(d.xml, 'utf8') }));
  entries.push({ name: '_metadata.json', data: Buffer.from(JSON.stringify({ invoices: docs.map((d) => invoiceMetadata(sim, d)) }), 'utf8') });
  const zip = await zipEntries(entries);
  const parts: Buffer[] = [];
  for (let i = 0; i < zip.length; i += sim.opts.exportPartBytes) parts.push(zip.subarray(i, i + sim.opts.exportPartBytes));
  sim.exportParts.set(e.referenceNumber, parts);
  return parts;
}

export async function encryptedExportPart(sim: Sim, ref: string, ordinal: number): Promise<Buffer | undefined> {
  const e = sim.state.exports.get(ref);
  if (!e || !e.aesKey) return undefined;
  const parts = await buildParts(sim, e);
  const part = parts[ordinal - 1];
  return part ? aesEncrypt(Buffer.from(e.aesKey, 'base64'), Buffer.from(e.iv, 'base64'), part) : undefined;
}

function lastDate(docs: StoredInvoice[], pick: (d: StoredInvoice) => number): number | undefined {
  return docs.length ? Math.max(...docs.map(pick)) : undefined;
}

async function statusHandler(sim: Sim, req: SimRequest) {
  const e = sim.state.exports.get(req.params['referenceNumber']!) as (ExportRecord & Partial<ExportExtra>) | undefined;
  const now = sim.now();
  if (!e || e.nip !== req.auth!['context-identifier-value']) throw apiError(21175, `Eksport ${req.params['referenceNumber']} nie istnieje.`);
  if (now > e.createdAt + RETENTION_MS) throw gone('Status eksportu wygasł.');
  if (e.failure) return { status: 200, json: { status: e.failure } };
  const done = e.createdAt + sim.opts.processingDelayMs;
  if (now < done) return { status: 200, json: { status: { code: 100, description: 'Eksport faktur w toku' } } };
  const parts = await buildParts(sim, e);
  const key = Buffer.from(e.aesKey!, 'base64');
  const iv = Buffer.from(e.iv, 'base64');
  const expires = now + 60 * 60_000;
  const docs = e.ksefNumbers.map((k) => sim.state.invoices.get(k)!).filter(Boolean);
  const dateType = (e as ExportRecord & Partial<ExportExtra>).dateType;
  const lastIssue = docs.length ? docs.map((d) => d.issueDate).sort().at(-1) : undefined;
  const lastInvoicing = lastDate(docs, (d) => d.invoicingDate);
  const lastStorage = lastDate(docs, (d) => d.permanentStorageDate);
  return {
    status: 200,
    json: {
      status: { code: 200, description: 'Eksport faktur zakończony sukcesem' },
      completedDate: sim.iso(done),
      packageExpirationDate: sim.iso(done + RETENTION_MS),
      package: {
        invoiceCount: docs.length,
        size: parts.reduce((n, p) => n + p.length, 0),
        parts: parts.map((p, i) => {
          const enc = aesEncrypt(key, iv, p);
          return {
            ordinalNumber: i + 1,
            partName: `${e.referenceNumber}-${String(i + 1).padStart(3, '0')}.zip.aes`,
            method: 'GET',
            url: sim.signedUrl(`/storage/export/${e.referenceNumber}/${i + 1}`, expires),
            partSize: p.length,
            partHash: sha256b64(p),
            encryptedPartSize: enc.length,
            encryptedPartHash: sha256b64(enc),
            expirationDate: sim.iso(expires),
          };
        }),
        isTruncated: e.isTruncated,
        // only when the package was cut, and only for the filter's own date type (InvoiceExportPackage)
        ...(e.isTruncated && dateType === 'Issue' && lastIssue ? { lastIssueDate: lastIssue } : {}),
        ...(e.isTruncated && dateType === 'Invoicing' && lastInvoicing !== undefined ? { lastInvoicingDate: sim.iso(lastInvoicing) } : {}),
        ...(e.isTruncated && dateType === 'PermanentStorage' && lastStorage !== undefined ? { lastPermanentStorageDate: sim.iso(lastStorage) } : {}),
        ...(e.hwm !== undefined ? { permanentStorageHwmDate: sim.iso(e.hwm) } : {}),
      },
    },
  };
}

export const exportRoutes: Route[] = [
  route('POST', '/invoices/exports', 'invoiceExport', 'access', startHandler, REQUIRES.invoiceRead),
  route('GET', '/invoices/exports/{referenceNumber}', 'invoiceExportStatus', 'access', statusHandler, REQUIRES.invoiceRead),
];
