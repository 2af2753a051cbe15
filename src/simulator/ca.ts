/**
 * The simulator's certificate authority: one EC P-256 key and a self-signed CA certificate, kept
 * in the simulator state (so a restarted simulator still trusts what it issued). It issues the
 * KSeF certificates of the certificate endpoints (Authentication: digitalSignature; Offline:
 * nonRepudiation, as certyfikaty-KSeF.md says) and keeps the revocation list.
 * Certificates are built with @peculiar/x509, not by hand, so their DER is what real parsers expect.
 */
import { randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_NAME = 'CN=KSeF simulator CA, O=KSeF simulator, C=PL';

export type KsefCertificateType = 'Authentication' | 'Offline';
export type RevocationReason = 'Unspecified' | 'Superseded' | 'KeyCompromise';

export interface CaRecord {
  /** PKCS#8 DER, Base64. */
  readonly privateKey: string;
  /** CA certificate DER, Base64. */
  readonly certificate: string;
  readonly revoked: { serialNumber: string; reason: RevocationReason; date: string }[];
}

export interface IssueInput {
  /** The subject's public key: SPKI DER, or a parsed key (e.g. from a CSR). */
  readonly publicKey: Buffer | x509.PublicKey;
  /** The subject name: an x509 Name (keeps the CSR's exact encoding) or a DN string. */
  readonly subject: x509.Name | string;
  readonly type: KsefCertificateType;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface IssuedCertificate {
  readonly der: Buffer;
  readonly pem: string;
  /** 16 upper-case hex digits, as KSeF shows certificate serial numbers. */
  readonly serialNumber: string;
}

/** A new CA (key + self-signed certificate valid for ten years from `nowMs`). */
export async function createCa(nowMs: number): Promise<CaRecord> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex(),
    name: CA_NAME,
    notBefore: new Date(nowMs - 86_400_000),
    notAfter: new Date(nowMs + 10 * 365 * 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { privateKey: pkcs8.toString('base64'), certificate: Buffer.from(cert.rawData).toString('base64'), revoked: [] };
}

/** 8 random bytes, positive and without a leading zero byte (DER INTEGERs are minimal). */
function serialHex(): string {
  const b = randomBytes(8);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex').toUpperCase();
}

export class SimulatorCa {
  private signingKey: CryptoKey | undefined;

  constructor(readonly record: CaRecord) {}

  get certificateDer(): Buffer {
    return Buffer.from(this.record.certificate, 'base64');
  }

  get certificatePem(): string {
    return new NodeX509(this.certificateDer).toString();
  }

  private async key(): Promise<CryptoKey> {
    this.signingKey ??= await webcrypto.subtle.importKey('pkcs8', new Uint8Array(Buffer.from(this.record.privateKey, 'base64')), ALG, false, ['sign']);
    return this.signingKey;
  }

  async issueCertificate(input: IssueInput): Promise<IssuedCertificate> {
    const ca = new x509.X509Certificate(new Uint8Array(this.certificateDer));
    const publicKey = Buffer.isBuffer(input.publicKey) ? new x509.PublicKey(new Uint8Array(input.publicKey)) : input.publicKey;
    const usage = input.type === 'Authentication' ? x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.nonRepudiation;
    const serialNumber = serialHex();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: input.subject,
      issuer: ca.subjectName,
      notBefore: input.notBefore,
      notAfter: input.notAfter,
      publicKey,
      signingKey: await this.key(),
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usage, true),
        await x509.AuthorityKeyIdentifierExtension.create(ca, false),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ],
    });
    const der = Buffer.from(cert.rawData);
    return { der, pem: cert.toString('pem'), serialNumber };
  }

  isRevoked(serialNumber: string): boolean {
    return this.record.revoked.some((r) => r.serialNumber === serialNumber.toUpperCase());
  }

  revoke(serialNumber: string, reason: RevocationReason, date: string): void {
    if (!this.isRevoked(serialNumber)) this.record.revoked.push({ serialNumber: serialNumber.toUpperCase(), reason, date });
  }
}

const loaded = new WeakMap<object, Promise<SimulatorCa>>();

/** The simulator's CA from its state, created (and stored) on first use; one per state. */
export function simulatorCa(state: { data: { ca?: CaRecord }; touch(): void }, nowMs: number): Promise<SimulatorCa> {
  const data = state.data;
  let ca = loaded.get(data);
  if (!ca) {
    ca = (async () => {
      if (!data.ca) {
        data.ca = await createCa(nowMs);
        state.touch();
      }
      return new SimulatorCa(data.ca);
    })();
    loaded.set(data, ca);
  }
  return ca;
}
