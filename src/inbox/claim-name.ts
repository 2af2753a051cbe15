import { fitName } from '../core/fit-name.ts';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Longest claim name, in UTF-8 bytes. File systems count NAME_MAX (255) in bytes, and names built
 * from the claim name must fit too: the hidden source-name sidecar (`.<claim>.source`) and the FA
 * XML of each invoice in the work area (`<claim>_<n>.xml`, made safe).
 */
export const CLAIM_NAME_MAX_BYTES = 200;

/** `<claim prefix>__<source name, fitted>`: at most CLAIM_NAME_MAX_BYTES bytes. */
export function claimNameFor(prefix: string, sourceName: string): { name: string; fitted: boolean } {
  const room = CLAIM_NAME_MAX_BYTES - bytes(prefix) - 2;
  const part = fitName(sourceName, room);
  return { name: `${prefix}__${part}`, fitted: part !== sourceName };
}

/** Recovers the name the ERP wrote from a claim name (`<stamp>-<rand>__<name>`), as far as it fits. */
export function sourceNameOf(claimName: string): string {
  const i = claimName.indexOf('__');
  return i < 0 ? claimName : claimName.slice(i + 2);
}

/** The hidden file beside a claim that keeps the full source name when the claim name had to shorten it. */
export const sourceSidecarName = (claimName: string): string => `.${claimName}.source`;

/** The claim time a claim name starts with (`yyyyMMddHHmmssSSS`, UTC), as ISO; now when it has none. */
export function claimTimeOf(claimName: string, now: () => number = Date.now): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})/.exec(claimName);
  const t = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`) : NaN;
  return new Date(Number.isNaN(t) ? now() : t).toISOString();
}
