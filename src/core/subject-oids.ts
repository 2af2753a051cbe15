/**
 * The X.500 subject attributes of KSeF certificates (the enrolment-data fields of
 * certyfikaty-KSeF.md §2) and their OIDs: the one table the CSR builder, the simulator's CA and
 * its certificate checks read.
 */
export const SUBJECT_OIDS = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  givenName: '2.5.4.42',
  uniqueIdentifier: '2.5.4.45',
  organizationIdentifier: '2.5.4.97',
} as const;

export type SubjectField = keyof typeof SUBJECT_OIDS;

/** The OID of an enrolment-data field name, or undefined for a name outside the table. */
export const oidOf = (field: string): string | undefined => (Object.hasOwn(SUBJECT_OIDS, field) ? SUBJECT_OIDS[field as SubjectField] : undefined);
