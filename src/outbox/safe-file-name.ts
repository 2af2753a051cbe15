import { fitName } from '../core/fit-name.ts';

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/**
 * Longest safe name, in UTF-8 bytes (file systems count NAME_MAX = 255 in bytes): room is left
 * for what callers add — ` (n)` for a taken name, `.error.json` / `.result.json`, and the temp
 * name of an atomic write (`.<name>.<8 hex>.tmp`).
 */
const MAX_BYTES = 200;

/**
 * A file name safe on Windows shares and POSIX: reserved characters and control characters become
 * `_`, trailing dots and spaces go, device names (CON, NUL, COM1 …) get a `_` prefix, and a name
 * longer than 200 UTF-8 bytes keeps its start, a short hash of the whole name (so two long names
 * with the same start stay apart) and its extension.
 */
export function safeFileName(name: string): string {
  let s = name.replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, '_').replace(/[. ]+$/, '');
  if (!s) s = '_';
  if (RESERVED.test(s)) s = '_' + s;
  return fitName(s, MAX_BYTES);
}

/** `name (n).ext` — the n-th alternative when `name.ext` is taken. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
