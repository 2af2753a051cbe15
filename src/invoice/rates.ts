import type { FaSchema, VatRate } from '../core/invoice.ts';

/** FA totals field a rate's net sum goes to. P_13_1..4 carry a P_14_x VAT sum too. */
export type RateGroup =
  | 'P_13_1' | 'P_13_2' | 'P_13_3' | 'P_13_4'
  | 'P_13_6_1' | 'P_13_6_2' | 'P_13_6_3'
  | 'P_13_7' | 'P_13_8' | 'P_13_9' | 'P_13_10';

export interface RateInfo {
  readonly group: RateGroup;
  /** VAT percent for taxed rates; null for 0 %, zw, np, oo (no VAT on the invoice) */
  readonly percent: string | null;
  /** P_12 value in FA(3) */
  readonly fa3: string;
  /** P_12 value in FA(2) */
  readonly fa2: string;
}

/** Canonical rate → FA facts. `0` alone means domestic 0 % (FA(3) `0 KR`); `np` alone means `np I`. */
export const RATES: Readonly<Record<VatRate, RateInfo>> = {
  '23': { group: 'P_13_1', percent: '23', fa3: '23', fa2: '23' },
  '22': { group: 'P_13_1', percent: '22', fa3: '22', fa2: '22' },
  '8': { group: 'P_13_2', percent: '8', fa3: '8', fa2: '8' },
  '7': { group: 'P_13_2', percent: '7', fa3: '7', fa2: '7' },
  '5': { group: 'P_13_3', percent: '5', fa3: '5', fa2: '5' },
  '4': { group: 'P_13_4', percent: '4', fa3: '4', fa2: '4' },
  '3': { group: 'P_13_4', percent: '3', fa3: '3', fa2: '3' },
  '0': { group: 'P_13_6_1', percent: null, fa3: '0 KR', fa2: '0' },
  '0 KR': { group: 'P_13_6_1', percent: null, fa3: '0 KR', fa2: '0' },
  '0 WDT': { group: 'P_13_6_2', percent: null, fa3: '0 WDT', fa2: '0' },
  '0 EX': { group: 'P_13_6_3', percent: null, fa3: '0 EX', fa2: '0' },
  zw: { group: 'P_13_7', percent: null, fa3: 'zw', fa2: 'zw' },
  np: { group: 'P_13_8', percent: null, fa3: 'np I', fa2: 'np' },
  'np I': { group: 'P_13_8', percent: null, fa3: 'np I', fa2: 'np' },
  'np II': { group: 'P_13_9', percent: null, fa3: 'np II', fa2: 'np' },
  oo: { group: 'P_13_10', percent: null, fa3: 'oo', fa2: 'oo' },
};

/** Groups in the order the FA sequence lists them. */
export const GROUP_ORDER: readonly RateGroup[] = [
  'P_13_1', 'P_13_2', 'P_13_3', 'P_13_4', 'P_13_6_1', 'P_13_6_2', 'P_13_6_3', 'P_13_7', 'P_13_8', 'P_13_9', 'P_13_10',
];

/** Groups that have a VAT field P_14_x (and P_14_xW in foreign currency). */
export const VAT_GROUPS: readonly RateGroup[] = ['P_13_1', 'P_13_2', 'P_13_3', 'P_13_4'];

export function rateInfo(rate: string): RateInfo | undefined {
  return Object.prototype.hasOwnProperty.call(RATES, rate) ? RATES[rate as VatRate] : undefined;
}

/** The P_12 code a schema writes for a canonical rate. */
export function rateCode(rate: VatRate, schema: FaSchema): string {
  const info = RATES[rate];
  return schema === 'FA(3)' ? info.fa3 : info.fa2;
}
