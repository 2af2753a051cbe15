import { createHash } from 'node:crypto';

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest start of `s` that takes at most `max` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * `name` if it fits in `max` UTF-8 bytes; otherwise its start, `~`, 8 hex digits of the hash of
 * the whole name (two long names that share a start stay apart) and its extension (up to 16
 * bytes), together at most `max` bytes.
 */
export function fitName(name: string, max: number): string {
  if (utf8Bytes(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && utf8Bytes(name.slice(dot)) <= 16 ? name.slice(dot) : '';
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  return truncateUtf8(name.slice(0, name.length - ext.length), max - utf8Bytes(tag) - utf8Bytes(ext)) + tag + ext;
}

