/** Replacement text for anything secret. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are secret wherever they appear (token, accessToken, authorization, passphrase, privateKeyPem, …). */
const SECRET_KEY = /token|authorization|password|passwd|passphrase|secret|cookie|api[-_]?key|credential|private[-_]?key|pkcs12/i;
/** Bearer credentials inside free text, e.g. a logged request header line */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const MAX_DEPTH = 12;

/**
 * Removes secrets from anything about to be logged or reported: the registered values (the KSeF
 * tokens read at start, access and refresh tokens as they are issued) wherever they appear in
 * text — messages, stacks, nested objects, error causes — and the values of token-like keys.
 */
export class Redactor {
  #secrets: string[] = [];

  /** Registers a secret value; values shorter than 6 characters are refused (they would blank out ordinary text). */
  register(secret: string): void {
    const s = secret.trim();
    if (s.length < 6 || this.#secrets.includes(s)) return;
    this.#secrets.push(s);
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  redactString(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out.replace(BEARER, `$1 ${REDACTED}`);
  }

  /** A redacted deep copy: errors become plain objects (name, message, code, stack, cause, own fields). */
  redact(value: unknown): unknown {
    return this.#walk(value, 0, new WeakSet());
  }

  #walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Too deep]';
    seen.add(value);
    try {
      if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return value.map((v) => this.#walk(v, depth + 1, seen));
      if (value instanceof Map) return this.#walk(Object.fromEntries(value), depth, seen);
      if (value instanceof Set) return this.#walk([...value], depth, seen);
      const out: Record<string, unknown> = {};
      if (value instanceof Error) {
        out['name'] = value.name;
        out['message'] = this.redactString(value.message);
        if (value.stack) out['stack'] = this.redactString(value.stack);
        if (value.cause !== undefined) out['cause'] = this.#walk(value.cause, depth + 1, seen);
      }
      for (const [k, v] of Object.entries(value)) {
        if (k in out) continue;
        // a token-like key hides a plain value; an object under it is walked (its own keys decide)
        out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'object' ? REDACTED : this.#walk(v, depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
}
