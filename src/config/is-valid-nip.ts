const WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const;

/** True when `nip` is 10 digits whose last digit is the NIP checksum (weights 6,5,7,2,3,4,5,6,7, mod 11). */
export function isValidNip(nip: string): boolean {
  if (!/^[0-9]{10}$/.test(nip)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nip[i]) * WEIGHTS[i]!;
  const check = sum % 11;
  return check !== 10 && check === Number(nip[9]);
}
