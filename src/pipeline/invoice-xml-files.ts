import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/write-file-atomic.ts';
import { safeFileName } from '../outbox/safe-file-name.ts';

/**
 * The FA XML of every planned invoice is kept in the work area until its file is finished, so a
 * send after a restart sends exactly the bytes whose hash the store recorded.
 */
export const invoiceXmlPath = (workDir: string, invoiceId: string): string => join(workDir, 'xml', `${safeFileName(invoiceId.replace('#', '_'))}.xml`);

/** Base64 SHA-256, the form KSeF uses for invoice hashes. */
export const ksefHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

export function writeInvoiceXml(workDir: string, invoiceId: string, xml: Uint8Array): Promise<void> {
  return writeFileAtomic(invoiceXmlPath(workDir, invoiceId), xml);
}

export function readInvoiceXml(workDir: string, invoiceId: string): Promise<Buffer> {
  return readFile(invoiceXmlPath(workDir, invoiceId));
}

export async function removeInvoiceXml(workDir: string, invoiceId: string): Promise<void> {
  await rm(invoiceXmlPath(workDir, invoiceId), { force: true });
}
