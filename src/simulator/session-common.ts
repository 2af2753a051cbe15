/** Pieces shared by online and batch sessions: form codes, the wrapped AES key, session lookup. */
import { decodeBase64 } from './crypto.ts';
import { apiError } from './http-errors.ts';
import { schemaOfFormCode } from './invoice-check.ts';
import type { SimRequest } from './router.ts';
import type { Sim } from './sim-context.ts';
import type { FormCode, SessionRecord } from './state.ts';

export function parseFormCode(sim: Sim, value: unknown): FormCode {
  const fc = value as Partial<FormCode> | undefined;
  if (!fc || typeof fc.systemCode !== 'string' || typeof fc.schemaVersion !== 'string' || typeof fc.value !== 'string') {
    throw apiError(21405, 'Wymagane pole formCode {systemCode, schemaVersion, value}.');
  }
  const schema = schemaOfFormCode(fc.systemCode, fc.schemaVersion, fc.value);
  if (!schema) throw apiError(21405, `Wskazany kod formularza nie jest wspierany (${fc.systemCode} ${fc.schemaVersion} ${fc.value}); symulator przyjmuje FA (2) i FA (3) 1-0E.`);
  if (schema === 'FA(2)' && sim.opts.mode === 'prod') {
    throw apiError(21405, 'Wskazany kod formularza nie jest wspierany: FA (2) jest przyjmowany wyłącznie w środowisku TEST.');
  }
  return { systemCode: fc.systemCode, schemaVersion: fc.schemaVersion, value: fc.value };
}

export interface SessionKey {
  /** Base64 of the 32-byte AES key; undefined when it did not decrypt (the session gets 415). */
  readonly aesKey?: string;
  readonly iv: string;
}

export function unwrapSessionKey(sim: Sim, value: unknown): SessionKey {
  const enc = value as { encryptedSymmetricKey?: unknown; initializationVector?: unknown; publicKeyId?: unknown } | undefined;
  const wrapped = decodeBase64(enc?.encryptedSymmetricKey);
  const iv = decodeBase64(enc?.initializationVector);
  if (!wrapped || !iv) throw apiError(21405, 'Wymagane pole encryption {encryptedSymmetricKey, initializationVector} w Base64.');
  if (iv.length !== 16) throw apiError(21405, `Wektor inicjalizujący musi mieć 16 bajtów (ma ${iv.length}).`);
  const key = sim.keys.decrypt('SymmetricKeyEncryption', wrapped, typeof enc?.publicKeyId === 'string' ? enc.publicKeyId : undefined);
  return { ...(key && key.length === 32 ? { aesKey: key.toString('base64') } : {}), iv: iv.toString('base64') };
}

export const KEY_ERROR = { code: 415, description: 'Błąd odszyfrowania dostarczonego klucza' };

/** The session named in the path, if it belongs to the caller's context. */
export function sessionOf(sim: Sim, req: SimRequest, kind?: 'Online' | 'Batch'): SessionRecord {
  const s = sim.state.sessions.get(req.params['referenceNumber']!);
  if (!s || s.nip !== req.auth!['context-identifier-value'] || (kind && s.kind !== kind)) {
    throw apiError(21173, `Brak sesji o numerze referencyjnym ${req.params['referenceNumber']}.`);
  }
  return s;
}

export function encodeContinuation(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeContinuation(token: string | string[] | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const v = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch {
    /* fall through */
  }
  throw apiError(21418, 'Nieprawidłowy token kontynuacji.');
}

export function pageSizeOf(query: URLSearchParams, min: number, max: number, dflt: number): number {
  const raw = query.get('pageSize');
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw apiError(21405, `pageSize musi być liczbą całkowitą z zakresu ${min}..${max}.`);
  return n;
}
