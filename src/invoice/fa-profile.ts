import type { FaSchema } from '../core/invoice.ts';

/** What differs between the FA schema versions, as far as the writer is concerned. */
export interface FaProfile {
  readonly schema: FaSchema;
  readonly namespace: string;
  /** `kodSystemowy` attribute of KodFormularza */
  readonly systemCode: string;
  readonly variant: string;
  /** FA(3) requires Podmiot2/JST and Podmiot2/GV */
  readonly buyerJstGv: boolean;
  /** FA(2) accepts only letters and digits in a foreign NrID; FA(3) any text up to 50 characters */
  readonly nrIdAlnumOnly: boolean;
}

export const FA3_PROFILE: FaProfile = {
  schema: 'FA(3)',
  namespace: 'http://crd.gov.pl/wzor/2025/06/25/13775/',
  systemCode: 'FA (3)',
  variant: '3',
  buyerJstGv: true,
  nrIdAlnumOnly: false,
};

export const FA2_PROFILE: FaProfile = {
  schema: 'FA(2)',
  namespace: 'http://crd.gov.pl/wzor/2023/06/29/12648/',
  systemCode: 'FA (2)',
  variant: '2',
  buyerJstGv: false,
  nrIdAlnumOnly: true,
};
