/**
 * `ksef-hotfolder cert …`: KSeF certificates for an operator.
 * - `keygen`: a key (file mode 0600, optionally encrypted) and a CSR whose subject is the enrolment
 *   data KSeF gives the company's current login;
 * - `enroll`: sends the CSR, waits for KSeF, stores the certificate beside the key;
 * - `show`: subject, serial, type, validity, fingerprint and days left of a certificate file;
 * - `check`: logs in with the configured credential and sends nothing else.
 * Secrets (tokens, keys, passphrases) are never printed.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import * as x509 from '@peculiar/x509';
import type { AgentConfig, CompanyConfig } from '../config/agent-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { readCertificate } from '../config/read-certificate.ts';
import { readToken } from '../config/read-token.ts';
import { AgentError } from '../core/errors.ts';
import { createKsefClient, type KsefCertificateType, type KsefClient } from '../ksef/index.ts';
import { buildKeyAndCsr, certificatePem, csrDerOf, type CsrKeyType } from '../ksef/csr.ts';
import { EXIT } from './exit-codes.ts';
import { certificateFingerprint } from '../core/certificate-fingerprint.ts';

const out = (line: string): void => void process.stdout.write(line + '\n');

/** Files of one certificate type in the output folder: `authentication.key.pem`, … */
export function certFiles(dir: string, type: KsefCertificateType): { key: string; csr: string; cert: string } {
  const base = join(resolve(dir), type.toLowerCase());
  return { key: `${base}.key.pem`, csr: `${base}.csr.pem`, cert: `${base}.crt.pem` };
}

function companyOf(config: AgentConfig, id: string): CompanyConfig {
  const co = config.companies.find((c) => c.id === id);
  if (!co) throw new AgentError('CERT_COMPANY_UNKNOWN', `no company "${id}" in the configuration (companies: ${config.companies.map((c) => c.id).join(', ')})`, { kind: 'config' });
  return co;
}

/** A KSeF client for the company on the configured environment, logging in with its credential. */
async function clientFor(config: AgentConfig, co: CompanyConfig): Promise<KsefClient> {
  if (config.environment === 'sim' && config.simulator.url === undefined) {
    throw new AgentError('CERT_NO_SIMULATOR', 'environment "sim" without simulator.url: the in-process simulator lives only inside a running agent; start `ksef-hotfolder sim` and set simulator.url to its base URL', { kind: 'config' });
  }
  // the company's configured credential, read at login: a token or a certificate (XAdES); a
  // certificate that cannot be read fails the login with the reader's message (nothing printed of the key)
  const credential = co.certificate
    ? { certificate: () => readCertificate(co.certificate!, () => undefined, process.env, `$.companies[${config.companies.indexOf(co)}].certificate`) }
    : { token: () => readToken(co.token!) };
  return createKsefClient({
    environment: config.environment,
    ...(config.environment === 'sim' ? { baseUrl: config.simulator.url! } : config.ksef.baseUrl ? { baseUrl: config.ksef.baseUrl } : {}),
    nip: co.nip,
    ...credential,
    timeoutMs: config.ksef.timeoutMs,
    fetchRateLimits: false,
  });
}

function passphraseFrom(envName: string | undefined): string | undefined {
  if (envName === undefined) return undefined;
  const v = process.env[envName];
  if (!v) throw new AgentError('CERT_PASSPHRASE_MISSING', `environment variable ${envName} (the key passphrase) is not set or empty`, { kind: 'config', where: { field: '--passphrase-env' } });
  return v;
}

/** Write a new file with this mode; never overwrite a key or certificate already there. */
async function writeNew(file: string, data: string, mode: number): Promise<void> {
  try {
    await writeFile(file, data, { flag: 'wx', mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AgentError('CERT_FILE_EXISTS', `${file} already exists; move it away or choose another --out folder (it is never overwritten)`, { kind: 'config', where: { file } });
    throw e;
  }
  await chmod(file, mode); // the umask may have narrowed or widened what writeFile set
}

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  /** from KeyUsage: digitalSignature = Authentication, nonRepudiation = Offline */
  readonly type: KsefCertificateType | 'unknown';
  readonly validFrom: string;
  readonly validTo: string;
  readonly sha256: string;
  readonly daysLeft: number;
}

/** What `cert show` prints, as data; `now` injected. */
export function certificateFacts(text: Buffer, now: number): CertificateFacts {
  const cert = new X509Certificate(text);
  const ku = new x509.X509Certificate(new Uint8Array(cert.raw)).getExtension(x509.KeyUsagesExtension);
  const type = !ku ? 'unknown' : ku.usages & x509.KeyUsageFlags.digitalSignature ? 'Authentication' : ku.usages & x509.KeyUsageFlags.nonRepudiation ? 'Offline' : 'unknown';
  const validTo = new Date(cert.validTo).toISOString();
  return {
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    serialNumber: cert.serialNumber.toUpperCase(),
    type,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo,
    sha256: certificateFingerprint(cert.raw),
    daysLeft: Math.floor((Date.parse(validTo) - now) / 86_400_000),
  };
}

export function formatCertificateFacts(f: CertificateFacts): string[] {
  return [
    `subject: ${f.subject}`,
    `issuer: ${f.issuer}`,
    `serial number: ${f.serialNumber}`,
    `type: ${f.type === 'unknown' ? 'unknown (no KSeF key usage)' : f.type}`,
    `valid from: ${f.validFrom}`,
    `valid to: ${f.validTo} (${f.daysLeft < 0 ? `EXPIRED ${-f.daysLeft} day(s) ago` : `${f.daysLeft} day(s) left`})`,
    `SHA-256 fingerprint: ${f.sha256}`,
  ];
}

interface CompanyFlags {
  company: string;
  config: string;
  type: KsefCertificateType;
}

async function keygen(o: CompanyFlags & { out: string; keyType: CsrKeyType; passphraseEnv?: string }): Promise<void> {
  const config = await loadConfig(o.config);
  const co = companyOf(config, o.company);
  const passphrase = passphraseFrom(o.passphraseEnv);
  const files = certFiles(o.out, o.type);
  const client = await clientFor(config, co);
  try {
    const data = await client.certificates.enrollmentData();
    const made = await buildKeyAndCsr(data, o.keyType, passphrase);
    await mkdir(resolve(o.out), { recursive: true, mode: 0o700 });
    await writeNew(files.key, made.privateKeyPem, 0o600);
    await writeNew(files.csr, made.csrPem, 0o644);
    out(`company ${co.id} (NIP ${co.nip}): ${o.keyType === 'ec' ? 'EC P-256' : 'RSA 2048'} key and CSR for a KSeF ${o.type} certificate`);
    out(`subject: ${made.subject}`);
    out(`private key: ${files.key} (mode 0600${passphrase ? `, encrypted with the passphrase from ${o.passphraseEnv}` : ', NOT encrypted: keep it safe'})`);
    out(`CSR: ${files.csr}`);
    out(`next: ksef-hotfolder cert enroll --company ${co.id} --config ${o.config} --dir ${o.out}${o.type === 'Offline' ? ' --type Offline' : ''}`);
  } finally {
    await client.close();
  }
}

async function enroll(o: CompanyFlags & { dir: string; name?: string; validFrom?: string; pollMs: number; reference?: string }): Promise<void> {
  const config = await loadConfig(o.config);
  const co = companyOf(config, o.company);
  const files = certFiles(o.dir, o.type);
  let csrDer: Buffer;
  try {
    csrDer = csrDerOf(await readFile(files.csr));
  } catch {
    throw new AgentError('CERT_CSR_MISSING', `no CSR at ${files.csr}: run \`ksef-hotfolder cert keygen --company ${co.id} --config ${o.config} --out ${o.dir}${o.type === 'Offline' ? ' --type Offline' : ''}\` first`, { kind: 'config', where: { file: files.csr } });
  }
  const client = await clientFor(config, co);
  try {
    let ref = o.reference;
    if (!ref) {
      const limits = await client.certificates.limits();
      if (!limits.canRequest) throw new AgentError('CERT_LIMIT_REACHED', `KSeF will not take another certificate request for this subject (requests left ${limits.enrollment.remaining} of ${limits.enrollment.limit}, certificates left ${limits.certificate.remaining} of ${limits.certificate.limit})`, { kind: 'config' });
      const name = o.name ?? `ksef-hotfolder ${co.id} ${o.type}`.replace(/[^a-zA-Z0-9_\- ]/g, '-');
      const sent = await client.certificates.enroll({ certificateName: name, certificateType: o.type, csrDer, ...(o.validFrom ? { validFrom: o.validFrom } : {}) });
      ref = sent.referenceNumber;
      out(`certificate request sent: reference ${ref}; waiting for KSeF`);
    }
    const done = await client.certificates.waitForEnrollment(ref, { intervalMs: o.pollMs });
    const [got] = await client.certificates.retrieve([done.certificateSerialNumber]);
    if (!got) throw new AgentError('CERT_NOT_RETRIEVED', `KSeF issued certificate ${done.certificateSerialNumber} (request ${ref}) but did not return it; try again with --reference ${ref}`, { kind: 'transient' });
    const der = Buffer.from(got.certificate, 'base64');
    const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(csrDer));
    const spki = Buffer.from(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));
    if (!spki.equals(Buffer.from(csr.publicKey.rawData))) {
      throw new AgentError('CERT_KEY_MISMATCH', `the certificate KSeF returned (${done.certificateSerialNumber}) is not for the key of ${files.csr}; it was not stored`, { kind: 'internal' });
    }
    await writeNew(files.cert, certificatePem(der), 0o644);
    const f = certificateFacts(der, Date.now());
    out(`KSeF issued a ${got.certificateType} certificate for company ${co.id} (NIP ${co.nip})`);
    for (const line of formatCertificateFacts(f)) out(`  ${line}`);
    out(`certificate: ${files.cert}`);
    out(`private key: ${files.key}`);
    out(got.certificateType === 'Authentication'
      ? `to log in with it, set company "${co.id}" to use the certificate file and the private key file above (and the passphrase variable, if the key is encrypted) instead of its token: see docs/authentication.md, "Moving a company from a token to a certificate"`
      : 'an Offline certificate signs the KOD II QR code of offline invoices; it cannot be used to log in (docs/authentication.md)');
  } finally {
    await client.close();
  }
}

async function check(o: { company: string; config: string }): Promise<void> {
  const config = await loadConfig(o.config);
  const co = companyOf(config, o.company);
  const client = await clientFor(config, co);
  try {
    await client.login();
    out(`company ${co.id} (NIP ${co.nip}): login OK at ${client.baseUrl} with its configured credential (nothing was sent)`);
  } catch (e) {
    process.stderr.write(`company ${co.id} (NIP ${co.nip}): login FAILED at ${client.baseUrl}: ${e instanceof Error ? e.message : String(e)}${e instanceof AgentError ? ` [${e.code}]` : ''}\n`);
    process.exitCode = EXIT.notDone;
  } finally {
    await client.close();
  }
}

const typeOption = (): Option => new Option('--type <type>', 'certificate type').choices(['Authentication', 'Offline']).default('Authentication');

export function registerCertCommand(program: Command): void {
  const cert = program.command('cert').description('KSeF certificates: generate a key and CSR, enrol, show a certificate, check a login');
  cert
    .command('keygen')
    .description('Generate a private key (mode 0600) and a CSR with the enrolment data KSeF gives the company\'s current login')
    .requiredOption('--company <id>', 'company id from the configuration')
    .requiredOption('-c, --config <file>', 'configuration file')
    .requiredOption('--out <dir>', 'folder for the key and CSR (created with mode 0700)')
    .addOption(typeOption())
    .addOption(new Option('--key-type <kind>', 'ec = P-256 (KSeF recommends it), rsa = 2048 bits').choices(['ec', 'rsa']).default('ec'))
    .option('--passphrase-env <VAR>', 'encrypt the private key with the passphrase in this environment variable')
    .action(keygen);
  cert
    .command('enroll')
    .description('Send the CSR made by keygen to KSeF, wait for the certificate and store it beside the key')
    .requiredOption('--company <id>', 'company id from the configuration')
    .requiredOption('-c, --config <file>', 'configuration file')
    .requiredOption('--dir <dir>', 'the keygen --out folder')
    .addOption(typeOption())
    .option('--name <name>', 'certificate name shown by KSeF (5–100 letters, digits, space, _ or -)')
    .option('--valid-from <iso>', 'start of validity (default: when issued)')
    .option('--reference <ref>', 'continue waiting for a request already sent')
    .option('--poll-ms <ms>', 'delay between status checks', (v) => Number(v), 1000)
    .action(enroll);
  cert
    .command('show')
    .description('Print a certificate\'s subject, serial number, type, validity, SHA-256 fingerprint and days left')
    .argument('<file>', 'certificate file (PEM or DER)')
    .action(async (file: string) => {
      let facts: CertificateFacts;
      try {
        facts = certificateFacts(await readFile(file), Date.now());
      } catch (e) {
        throw new AgentError('CERT_UNREADABLE', `${file} is not a readable X.509 certificate (PEM or DER): ${(e as NodeJS.ErrnoException).code ?? 'not a certificate'}`, { kind: 'config', where: { file } });
      }
      for (const line of formatCertificateFacts(facts)) out(line);
    });
  cert
    .command('check')
    .description('Log in to KSeF with the company\'s configured credential and send nothing; exit 1 when the login fails')
    .requiredOption('--company <id>', 'company id from the configuration')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(check);
}
