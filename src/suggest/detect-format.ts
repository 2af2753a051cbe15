/**
 * Which reader a file needs, from its first bytes and its name: a zip is a workbook, `<` is XML,
 * a JSON document or one JSON object per line, `[NAME]` marker lines are a section file, a
 * delimiter found the same number of times on every line is CSV, anything else fixed-width.
 */
import { extname } from 'node:path';
import { DELIMITER_CANDIDATES } from '../readers/sniff-delimiter.ts';

export type SuggestFormat = 'csv' | 'xlsx' | 'xml' | 'json' | 'jsonl' | 'sections' | 'fixed';

const SECTION_MARKER = /^\s*\[[^\]\s"]+\]\s*$/;

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function looksJsonLines(lines: readonly string[]): boolean {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 20);
  if (sample.length < 2) return false;
  // the last line of a head may be cut off
  return sample.slice(0, -1).every((l) => {
    try {
      const v: unknown = JSON.parse(l);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      return false;
    }
  });
}

/** CSV when some candidate delimiter occurs the same (non-zero) number of times on most lines. */
export function looksDelimited(lines: readonly string[]): boolean {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 30);
  if (sample.length === 0) return false;
  return DELIMITER_CANDIDATES.some((d) => {
    const counts = sample.map((l) => l.split(d).length - 1).filter((n) => n > 0);
    if (counts.length < Math.ceil(sample.length * 0.6)) return false;
    const freq = new Map<number, number>();
    for (const n of counts) freq.set(n, (freq.get(n) ?? 0) + 1);
    return Math.max(...freq.values()) >= Math.ceil(sample.length * 0.6);
  });
}

/** `text` is the decoded head of the file (not needed for a zip). */
export function detectFormat(fileName: string, bytes: Uint8Array, text: string): SuggestFormat {
  if (isZip(bytes)) return 'xlsx';
  const ext = extname(fileName).toLowerCase();
  const body = text.replace(/^\ufeff/, '').trimStart();
  if (body.startsWith('<')) return 'xml';
  const lines = body.split(/\r?\n/);
  if (ext === '.jsonl' || ext === '.ndjson' || (body.startsWith('{') && looksJsonLines(lines))) return 'jsonl';
  if (body.startsWith('{') || body.startsWith('[')) {
    if (body.startsWith('[') && SECTION_MARKER.test(lines[0] ?? '')) return 'sections';
    return 'json';
  }
  if (ext === '.epp' || lines.filter((l) => SECTION_MARKER.test(l)).length >= 2) return 'sections';
  if (ext === '.csv' || ext === '.tsv' || looksDelimited(lines)) return 'csv';
  return 'fixed';
}
