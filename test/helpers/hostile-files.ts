/**
 * Material for the hostile-input proof: good sources of every format with invoice numbers of the
 * test's choosing (so no two files share a number), and the means to spoil them — edits of the
 * text, re-encodings, truncations, XLSX rebuilt entry by entry. Everything is generated from the
 * repository's example inputs; nothing binary is committed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { REPO } from './agent-env.ts';
import { unzip, zipEntries } from '../../src/simulator/zip.ts';
import type { ZipEntry } from '../../src/simulator/zip.ts';

export interface Examples {
  /** Optima CSV text (decoded), invoice numbers FA/23x/2026 → `<prefix>/23x` */
  optima(prefix: string): string;
  /** shop orders JSON (parsed), invoice numbers → `<prefix>/<k>` */
  shop(prefix: string): { orders: Record<string, unknown>[] } & Record<string, unknown>;
  /** ERP XML text, every number attribute (invoices and what a correction corrects) → `<prefix>/<number>` */
  xml(prefix: string): string;
  /** the Excel register's entries, invoice numbers FV/2026/11/01x → `<prefix>/01x` */
  xlsxEntries(prefix: string): ZipEntry[];
}

export async function loadExamples(): Promise<Examples> {
  const csv = iconv.decode(await readFile(join(REPO, 'inbox-example/optima/faktury-2026-11.csv')), 'windows-1250');
  const shop = await readFile(join(REPO, 'inbox-example/shop/orders-20261121.json'), 'utf8');
  const xml = await readFile(join(REPO, 'inbox-example/erp-xml/export-20261121.xml'), 'utf8');
  const xlsx = await unzip(await readFile(join(REPO, 'inbox-example/excel/sprzedaz-listopad.xlsx')));
  return {
    optima: (prefix) => csv.replaceAll(/FA\/(\d+)\/2026/g, `${prefix}/$1`),
    shop: (prefix) => {
      const o = JSON.parse(shop) as { orders: Record<string, unknown>[] };
      o.orders.forEach((order, k) => (order['invoice_number'] = `${prefix}/${k + 1}`));
      return o;
    },
    xml: (prefix) => xml.replaceAll(/number="([^"]+)"/g, `number="${prefix}/$1"`),
    xlsxEntries: (prefix) => xlsx.map((e) => (e.name === 'xl/sharedStrings.xml' ? { name: e.name, data: Buffer.from(e.data.toString('utf8').replaceAll(/FV\/2026\/11\/(\d+)/g, `${prefix}/$1`)) } : e)),
  };
}

export const cp1250 = (text: string): Buffer => iconv.encode(text, 'windows-1250');
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
/** UTF-16LE with its BOM, as Windows tools write "Unicode" text */
export const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);

/** Replace the first match, failing loudly when the example no longer has it. */
export function edit(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`fixture edit found nothing to replace: ${String(from)}`);
  return out;
}

/** Replace every match, failing loudly when there is none. */
export function editAll(text: string, from: string | RegExp, to: string): string {
  const out = typeof from === 'string' ? text.replaceAll(from, to) : text.replace(new RegExp(from.source, 'g'), to);
  if (out === text) throw new Error(`fixture edit found nothing to replace: ${String(from)}`);
  return out;
}

export function rezip(entries: readonly ZipEntry[]): Promise<Buffer> {
  return zipEntries(entries);
}

export function replaceEntry(entries: readonly ZipEntry[], name: string, data: Buffer | string): ZipEntry[] {
  return entries.map((e) => (e.name === name ? { name, data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8') } : e));
}

/** Seeded bytes (xorshift), so the "binary" cases are the same on every run. */
export function noise(size: number, seed = 0x9e3779b9): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
