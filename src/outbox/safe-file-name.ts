const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX = 200;

/**
 * A file name safe on Windows shares and POSIX: reserved characters and control characters become
 * `_`, trailing dots and spaces go, device names (CON, NUL, COM1 …) get a `_` prefix, and the
 * name is kept under 200 characters with its extension.
 */
export function safeFileName(name: string): string {
  let s = name.replace(/[<>:"/\\|?*\u0000-\u001f\u007f]/g, '_').replace(/[. ]+$/, '');
  if (!s) s = '_';
  if (RESERVED.test(s)) s = '_' + s;
  if (s.length > MAX) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    s = s.slice(0, MAX - ext.length) + ext;
  }
  return s;
}

/** `name (n).ext` — the n-th alternative when `name.ext` is taken. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
