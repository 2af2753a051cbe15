/** Certificates for the XAdES login tests: self-signed or from the simulator's CA, RSA or EC P-256. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createCertificate, type CertificateSubject, type RunningSimulator } from '../../src/simulator/index.ts';

export interface TestCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly privateKey: KeyObject;
}

const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

/** One key pair per algorithm per process (RSA generation is slow); `fresh` makes a new one. */
export function keyPair(alg: 'rsa' | 'ec', fresh = false): { privateKey: KeyObject; publicKey: KeyObject } {
  const hit = pairs.get(alg);
  if (hit && !fresh) return hit;
  const p = alg === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (!hit) pairs.set(alg, p);
  return p;
}

/** A company seal subject (organizationIdentifier VATPL-<NIP>), as a qualified seal or KSeF certificate has. */
export const sealOf = (nip: string, name = 'Firma testowa sp. z o.o.'): CertificateSubject => ({ countryName: 'PL', organizationName: name, organizationIdentifier: `VATPL-${nip}`, commonName: name });

/** A person with the NIP in serialNumber (TINPL-<NIP>). */
export const personOf = (nip: string): CertificateSubject => ({ countryName: 'PL', givenName: 'Jan', surname: 'Kowalski', serialNumber: `TINPL-${nip}`, commonName: 'Jan Kowalski' });

export async function selfSigned(opts: { alg: 'rsa' | 'ec'; subject: CertificateSubject; notBefore?: number; notAfter?: number; fresh?: boolean }): Promise<TestCertificate> {
  const { privateKey, publicKey } = keyPair(opts.alg, opts.fresh);
  const now = Date.now();
  const certificatePem = await createCertificate({
    subject: opts.subject, publicKey, selfKey: privateKey,
    validity: { notBefore: opts.notBefore ?? now - 86_400_000, notAfter: opts.notAfter ?? now + 365 * 86_400_000 },
  });
  return { certificatePem, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKey };
}

export async function fromSimCa(sim: RunningSimulator, opts: { alg: 'rsa' | 'ec'; subject: CertificateSubject }): Promise<TestCertificate & { serialNumber: string }> {
  const { privateKey, publicKey } = keyPair(opts.alg);
  const issued = await sim.issueCertificate(publicKey, opts.subject, 'Authentication');
  return { certificatePem: issued.certificatePem, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKey, serialNumber: issued.serialNumber };
}
