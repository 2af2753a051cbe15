/**
 * The KSeF 2.0 simulator, in-process. It imports nothing from the agent (only node built-ins,
 * npm packages, the leaf XSD library and leaf modules of core/ that import nothing, such as the
 * Warsaw calendar), and the agent imports nothing from it but this file.
 */
import type { KeyObject } from 'node:crypto';
import type { CertificateSubject, CertificateType, IssuedCertificate, Validity } from './ca.ts';
import type { AddressInfo } from 'node:net';
import { expireSessions, setFaults } from './admin.ts';
import { registerToken, revokeToken } from './auth.ts';
import { counters, type SimCounters } from './counters.ts';
import { generateIncoming, seedInvoiceXml, type GenerateOptions, type SeedOptions } from './incoming.ts';
import type { KeyUsage, PublicKeyCertificate } from './key-ring.ts';
import { resolveOptions, type FaultOptions, type RateLimitMode, type SimulatorOptions } from './options.ts';
import { grantPermissions, type PermissionGrant, type PermissionName } from './permissions.ts';
import { createSimServer } from './server.ts';
import { Sim } from './sim-context.ts';

export type { FaultOptions, RateLimitMode, SimMode, SimulatorOptions } from './options.ts';
export type { SimCounters, SendCounterRow } from './counters.ts';
export type { GenerateOptions, SeedOptions } from './incoming.ts';
export type { KeyUsage, PublicKeyCertificate } from './key-ring.ts';
export type { CertificateSubject, CertificateType, IssuedCertificate, Validity } from './ca.ts';
export { createCertificate } from './ca.ts';
export type { PermissionGrant, PermissionName } from './permissions.ts';
export { crc8, isValidKsefNumber, isValidNip, isValidReferenceNumber, ksefNumber, referenceNumber, randomNip } from './ids.ts';

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:PORT/v2`: the only thing a client needs. */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
  /** Register a KSeF token for a NIP; returns it (generated in the real token shape if omitted). With `permissions`, a login with it holds only those. */
  registerToken(nip: string, token?: string, opts?: { permissions?: readonly PermissionName[] }): string;
  revokeToken(token: string): boolean;
  /** Seed one invoice XML as received by its buyer; returns its KSeF number. */
  seedIncoming(xml: string, opts?: SeedOptions): string;
  /** Generate N valid FA(3) purchase invoices for a buyer; returns their KSeF numbers. */
  generateIncoming(opts: GenerateOptions): string[];
  counters(): SimCounters;
  setFaults(f: Partial<FaultOptions> & { outageMs?: number }): void;
  /** Retire the active key(s) (one usage or both); old-key encryptions then get 21470. */
  rotateKeys(usage?: KeyUsage): void;
  publicKeys(): PublicKeyCertificate[];
  /**
   * End the lifetime of open sessions now (all, or one): online ones close, batch ones never
   * closed are cancelled (440, upload window over). Returns the references hit.
   */
  expireSessions(referenceNumber?: string): string[];
  setRateLimits(mode: RateLimitMode): void;
  /** Give `subjectNip` (e.g. an accounting office) permissions for `contextNip` (its client). */
  grantPermissions(g: PermissionGrant): PermissionGrant;
  /** Wait until background work (batch processing) is done. */
  idle(): Promise<void>;
  /** PEM of the simulator's CA: what the certificates it issues (admin API and certificate endpoints) chain to; the only issuer prod mode trusts for the XAdES login. */
  caCertificate(): Promise<string>;
  /**
   * Issue a certificate from the simulator's CA for `subject` over the key in `csrOrPublicKey`
   * (a KeyObject, an SPKI PEM, or a PKCS#10 CSR whose signature is checked). Validity defaults to
   * one year from the simulator's now.
   */
  issueCertificate(csrOrPublicKey: KeyObject | string | Buffer, subject: CertificateSubject, type?: CertificateType, validity?: Validity): Promise<IssuedCertificate>;
  /** Revoke a certificate the CA issued (serial, hex); its logins get 460 "Certyfikat odwołany". */
  revokeCertificate(serialNumber: string): Promise<boolean>;
  /** Forget sessions, invoices, tokens and counters (keys stay); start tokens are registered again. */
  reset(): void;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = new Sim(resolveOptions(opts), opts.faults);
  const startTokens = opts.tokens ?? [];
  const registerStartTokens = (): void => {
    for (const t of startTokens) registerToken(sim, t.nip, t.token);
    sim.state.flush();
  };
  registerStartTokens();
  const server = createSimServer(sim, registerStartTokens);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  sim.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const flushAfter = <T>(fn: () => T): T => {
    const out = fn();
    sim.state.flush();
    return out;
  };
  return {
    baseUrl: sim.baseUrl,
    port,
    async close() {
      await sim.idle();
      sim.state.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    registerToken: (nip, token, o) => flushAfter(() => registerToken(sim, nip, token, o)),
    revokeToken: (token) => flushAfter(() => revokeToken(sim, token)),
    seedIncoming: (xml, o) => flushAfter(() => seedInvoiceXml(sim, xml, o).ksefNumber),
    generateIncoming: (o) => flushAfter(() => generateIncoming(sim, o).map((i) => i.ksefNumber)),
    counters: () => counters(sim),
    setFaults: (f) => void setFaults(sim, f),
    rotateKeys: (usage) => flushAfter(() => { sim.keys.rotate(usage, sim.now()); sim.state.touch(); }),
    publicKeys: () => sim.keys.listing(),
    expireSessions: (ref) => flushAfter(() => expireSessions(sim, ref)),
    grantPermissions: (g) => flushAfter(() => grantPermissions(sim, g)),
    setRateLimits: (mode) => { sim.limiter.mode = mode; sim.limiter.reset(); },
    idle: () => sim.idle(),
    caCertificate: async () => {
      const ca = await sim.ca();
      sim.state.flush();
      return ca.certificatePem;
    },
    issueCertificate: async (key, subject, type = 'Authentication', validity) => {
      const now = sim.now();
      const out = await (await sim.ca()).issueCertificate(key, subject, type, validity ?? { notBefore: now - 60_000, notAfter: now + 365 * 86_400_000 });
      sim.state.flush();
      return out;
    },
    revokeCertificate: async (serial) => {
      const out = (await sim.ca()).revoke(serial, sim.now());
      sim.state.flush();
      return out;
    },
    reset: () => { sim.reset(); registerStartTokens(); },
  };
}
