/**
 * A minimal self-signed X.509 v3 certificate (DER) for the simulator's RSA keys, built with
 * node:crypto only. KSeF publishes its keys as certificates; clients read the SubjectPublicKeyInfo
 * from them, so the certificate only needs to be well-formed DER, not trusted.
 */
import { sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const nul = (): Buffer => Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

/** DER INTEGER, minimal: redundant leading zero bytes are dropped (strict parsers reject them). */
function integer(raw: Buffer): Buffer {
  let bytes = raw;
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1);
  const body = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return tlv(0x02, body);
}

function utf8(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

function time(ms: number): Buffer {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return year < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

function name(commonName: string): Buffer {
  return seq(
    set(seq(oid('2.5.4.6'), tlv(0x13, Buffer.from('PL', 'ascii')))),
    set(seq(oid('2.5.4.10'), utf8('KSeF simulator'))),
    set(seq(oid('2.5.4.3'), utf8(commonName))),
  );
}

export interface SelfSignedCertInput {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly serial: Buffer;
  readonly commonName: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/** DER bytes of a self-signed sha256WithRSAEncryption certificate. */
export function selfSignedCertificate(input: SelfSignedCertInput): Buffer {
  const sigAlg = seq(oid('1.2.840.113549.1.1.11'), nul());
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const subject = name(input.commonName);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(input.serial),
    sigAlg,
    subject,
    seq(time(input.notBefore), time(input.notAfter)),
    subject,
    spki,
  );
  const signature = sign('sha256', tbs, input.privateKey);
  return seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}
