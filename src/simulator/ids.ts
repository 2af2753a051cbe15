/**
 * Identifiers KSeF hands out: 36-character reference numbers and 35-character KSeF numbers, both
 * ending in a CRC-8 (poly 0x07, init 0x00, no reflection, no xor-out) written as two hex digits.
 */
import { randomBytes } from 'node:crypto';
import { warsawDate } from '../core/warsaw-day.ts';

export function crc8(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'ascii')) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** `YYYYMMDD` of a moment, as a Warsaw calendar day (KSeF's days are Polish days). */
export function yyyymmdd(ms: number): string {
  return warsawDate(ms).replaceAll('-', '');
}

function randomHex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2)).toString('hex').toUpperCase().slice(0, chars);
}

/** Type codes seen in the spec: CR, AU, SO, SB, EE, EU, EH, EC. */
export function referenceNumber(type: string, nowMs: number): string {
  const head = `${yyyymmdd(nowMs)}-${type}-${randomHex(10)}-${randomHex(10)}-`;
  return head + hex2(crc8(head.slice(0, 33)));
}

/** `NNNNNNNNNN-YYYYMMDD-HHHHHHHHHHHH-CC`, CRC over the first 32 characters. */
export function ksefNumber(sellerNip: string, nowMs: number): string {
  const head = `${sellerNip}-${yyyymmdd(nowMs)}-${randomHex(12)}`;
  return `${head}-${hex2(crc8(head))}`;
}

export function isValidKsefNumber(value: string): boolean {
  if (!/^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/.test(value)) return false;
  return hex2(crc8(value.slice(0, 32))) === value.slice(33);
}

export function isValidReferenceNumber(value: string): boolean {
  if (!/^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/.test(value)) return false;
  return hex2(crc8(value.slice(0, 33))) === value.slice(34);
}

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

export function isValidNip(nip: string): boolean {
  if (!/^\d{10}$/.test(nip)) return false;
  const sum = NIP_WEIGHTS.reduce((acc, w, i) => acc + w * Number(nip[i]), 0);
  const check = sum % 11;
  return check !== 10 && check === Number(nip[9]);
}

/** A random NIP with a valid checksum that also matches the spec's NIP pattern. */
export function randomNip(): string {
  for (;;) {
    const digits = randomBytes(9).map((b) => b % 10);
    if (digits[0] === 0) continue;
    const body = Array.from(digits).join('');
    const sum = NIP_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0) % 11;
    if (sum === 10) continue;
    const nip = body + String(sum);
    if (/^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/.test(nip)) return nip;
  }
}
