import { createHash } from 'node:crypto';

/** KSeF's certificate fingerprint: SHA-256 of the certificate's DER, hex upper case. */
export const certificateFingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex').toUpperCase();
