import { createHash } from 'node:crypto';

const OPEN = Buffer.from('<DataWytworzeniaFa>');
const CLOSE = Buffer.from('</DataWytworzeniaFa>');

/**
 * The invoice's business content as a hash: SHA-256 (Base64) of its FA XML without the value of
 * `DataWytworzeniaFa`, the moment the XML was made. Two FA documents with the same hash say the
 * same thing (our writer is deterministic: same canonical invoice, schema and seller → same bytes
 * but for that timestamp), whichever file, format or run produced them. The full-bytes hash is
 * what KSeF knows; this one decides whether an invoice number is used again for the same invoice.
 */
export function faContentHash(xml: Uint8Array): string {
  const bytes = Buffer.isBuffer(xml) ? xml : Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  const h = createHash('sha256');
  const open = bytes.indexOf(OPEN);
  const close = open < 0 ? -1 : bytes.indexOf(CLOSE, open);
  if (close < 0) return h.update(bytes).digest('base64');
  return h.update(bytes.subarray(0, open + OPEN.length)).update(bytes.subarray(close)).digest('base64');
}
