/** Polish NIP utilities, shared by config (seller NIP), mapping (the "nip" conversion) and invoice validation. */

const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const;

/**
 * A NIP as FA wants it: ten digits. Removes spaces (incl. non-breaking), dashes, dots and a
 * leading "PL" country prefix ("PL 123-456-32-18" → "1234563218"). Anything else is kept, so the
 * checksum rule can name the bad value.
 */
export function normaliseNip(raw: string): string {
  let s = raw.replace(/[\s\u00a0\u2007\u202f.\-‐-―]/g, '');
  if (/^pl/i.test(s)) s = s.slice(2);
  return s;
}

/** The check digit of the first nine digits, or null when the weighted sum gives 10 (no valid NIP). */
export function nipCheckDigit(first9: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += WEIGHTS[i]! * Number(first9[i]);
  const d = sum % 11;
  return d === 10 ? null : d;
}

/** True for ten digits whose checksum holds (and which FA's NIP pattern accepts). */
export function isValidNip(nip: string): boolean {
  if (!/^\d{10}$/.test(nip)) return false;
  if (!/^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/.test(nip)) return false;
  return nipCheckDigit(nip.slice(0, 9)) === Number(nip[9]);
}

/** Why a (normalised) NIP is not valid, in words; undefined when it is. */
export function nipProblem(nip: string): string | undefined {
  if (!/^\d{10}$/.test(nip)) return 'a NIP has exactly 10 digits';
  if (!/^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/.test(nip)) return 'a NIP does not start with 0 and has no "00" at positions 2-3';
  const check = nipCheckDigit(nip.slice(0, 9));
  if (check === null) return 'no valid NIP has these first nine digits (weighted sum mod 11 is 10)';
  if (check !== Number(nip[9])) return `NIP checksum: the last digit should be ${check}`;
  return undefined;
}
