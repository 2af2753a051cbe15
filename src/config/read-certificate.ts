import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AgentError } from '../core/errors.ts';
import type { CertificateSource } from './agent-config.ts';
import { readPkcs12 } from './read-pkcs12.ts';
import { certificateFingerprint } from '../core/certificate-fingerprint.ts';

/** A certificate ready for the XAdES login: plain PEM strings, the key unencrypted (memory only). */
export interface LoadedCertificate {
  readonly certificatePem: string;
  /** PKCS#8 PEM, unencrypted: registered with the log redactor, never written anywhere */
  readonly privateKeyPem: string;
  readonly subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint';
  readonly subject: string;
  readonly serialNumber: string;
  /** SHA-256 of the DER, hex upper case (what KSeF calls the fingerprint) */
  readonly fingerprint: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly keyType: 'rsa' | 'ec';
}

type Register = (secret: string) => void;

/** A PEM key as a whole, its Base64 body in one piece, and each body line: any of them may end up in a text. */
function registerPem(text: string, register: Register): void {
  register(text);
  for (const block of text.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? []) {
    const lines = block.split(/\r?\n/).filter((l) => l && !l.startsWith('-----') && !/^[A-Za-z-]+:/.test(l));
    register(lines.join(''));
    for (const l of lines) register(l.trim());
  }
}

const fail = (message: string, field: string, file?: string): AgentError =>
  new AgentError('CFG_CERTIFICATE_INVALID', message, { kind: 'config', where: { field, ...(file ? { file } : {}) } });

const missing = (message: string, field: string, file?: string): AgentError =>
  new AgentError('CFG_CERTIFICATE_MISSING', message, { kind: 'config', where: { field, ...(file ? { file } : {}) } });

async function readSource(src: CertificateSource, key: 'certificate' | 'privateKey' | 'pkcs12' | 'passphrase', env: NodeJS.ProcessEnv, what: string, at: string): Promise<Buffer | undefined> {
  const fileKey = `${key}File` as const;
  const envKey = `${key}Env` as const;
  const file = src[fileKey];
  const name = src[envKey];
  if (file !== undefined) {
    try {
      return await readFile(file);
    } catch (e) {
      throw missing(`${at}.${fileKey}: cannot read the ${what} file ${file} (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`, `certificate.${fileKey}`, file);
    }
  }
  if (name !== undefined) {
    const v = env[name];
    if (!v?.trim()) throw missing(`${at}.${envKey}: environment variable ${name} holding the ${what} is not set or empty`, `certificate.${envKey}`);
    return key === 'pkcs12' ? Buffer.from(v.replace(/\s+/g, ''), 'base64') : Buffer.from(v, 'utf8');
  }
  return undefined;
}

/**
 * Reads only that every configured source is there (files readable, variables set): what the
 * pre-start check needs. Decoding problems (wrong passphrase, key of another certificate) are
 * found at login and hold the company instead of stopping the agent.
 */
export async function checkCertificateSources(src: CertificateSource, env: NodeJS.ProcessEnv = process.env, at = '$.certificate'): Promise<void> {
  for (const [k, what] of [['certificate', 'certificate'], ['privateKey', 'private key'], ['pkcs12', 'PKCS#12'], ['passphrase', 'passphrase']] as const) {
    await readSource(src, k, env, what, at);
  }
}

function keyTypeOf(key: KeyObject, at: string): 'rsa' | 'ec' {
  if (key.asymmetricKeyType === 'rsa') return 'rsa';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ec';
    throw fail(`${at}: the EC key is on curve ${curve ?? 'unknown'}; KSeF signatures use P-256 (prime256v1)`, 'certificate');
  }
  throw fail(`${at}: the private key is ${key.asymmetricKeyType ?? 'of an unknown type'}; KSeF signatures need an RSA or EC P-256 key`, 'certificate');
}

/**
 * Reads and checks a company's certificate and key: every secret read (passphrase, key, PKCS#12
 * bytes, the decrypted key) goes to `register` before anything can fail, so no message or log
 * can carry it. Errors are AgentErrors naming the JSON path and the source, never a value.
 */
export async function readCertificate(src: CertificateSource, register: Register, env: NodeJS.ProcessEnv = process.env, at = '$.certificate'): Promise<LoadedCertificate> {
  const passBytes = await readSource(src, 'passphrase', env, 'passphrase', at);
  // a passphrase file usually ends with a line break the passphrase does not contain
  const passphrase = passBytes?.toString('utf8').replace(/\r?\n$/, '');
  if (passphrase) register(passphrase);
  const passField = src.passphraseEnv !== undefined ? 'passphraseEnv' : 'passphraseFile';
  let cert: X509Certificate;
  let key: KeyObject;
  const p12 = await readSource(src, 'pkcs12', env, 'PKCS#12', at);
  if (p12) {
    register(p12.toString('base64'));
    const p12Field = src.pkcs12File !== undefined ? 'pkcs12File' : 'pkcs12Env';
    try {
      ({ certificate: cert, privateKey: key } = readPkcs12(p12, passphrase ?? ''));
    } catch (e) {
      const m = (e as Error).message;
      if (m === 'wrong passphrase') throw fail(`${at}.${passField}: the passphrase does not open the PKCS#12 ${src.pkcs12File ?? `in ${src.pkcs12Env ?? ''}`} (wrong passphrase?)`, `certificate.${passField}`, src.pkcs12File);
      throw fail(`${at}.${p12Field}: ${m}`, `certificate.${p12Field}`, src.pkcs12File);
    }
  } else {
    const certField = src.certificateFile !== undefined ? 'certificateFile' : 'certificateEnv';
    const keyField = src.privateKeyFile !== undefined ? 'privateKeyFile' : 'privateKeyEnv';
    const certBytes = (await readSource(src, 'certificate', env, 'certificate', at))!;
    const keyBytes = (await readSource(src, 'privateKey', env, 'private key', at))!;
    const keyText = keyBytes.toString('utf8');
    registerPem(keyText, register);
    try {
      cert = new X509Certificate(certBytes);
    } catch {
      throw fail(`${at}.${certField}: ${src.certificateFile ?? `variable ${src.certificateEnv ?? ''}`} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`, `certificate.${certField}`, src.certificateFile);
    }
    const where = src.privateKeyFile ?? `variable ${src.privateKeyEnv ?? ''}`;
    const encrypted = /ENCRYPTED/.test(keyText);
    if (encrypted && !passphrase) throw fail(`${at}.passphraseEnv: the private key in ${where} is encrypted; give its passphrase in passphraseEnv or passphraseFile`, 'certificate.passphraseEnv', src.privateKeyFile);
    try {
      key = createPrivateKey(encrypted ? { key: keyText, format: 'pem', passphrase: passphrase ?? '' } : { key: keyText, format: 'pem' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (encrypted) throw fail(`${at}.${passField}: the passphrase does not decrypt the private key in ${where} (wrong passphrase?)`, `certificate.${passField}`, src.privateKeyFile);
      throw fail(`${at}.${keyField}: ${where} does not hold a readable PEM private key${code ? ` (${code})` : ''}`, `certificate.${keyField}`, src.privateKeyFile);
    }
  }
  const keyType = keyTypeOf(key, at);
  if (!cert.checkPrivateKey(key)) {
    throw fail(`${at}: the private key does not belong to the certificate (subject ${cert.subject.replace(/\n/g, ', ')}, serial ${cert.serialNumber}): configure the key the certificate was issued for`, 'certificate');
  }
  const privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerPem(privateKeyPem, register);
  return {
    certificatePem: cert.toString(),
    privateKeyPem,
    subjectIdentifierType: src.subjectIdentifierType ?? 'certificateSubject',
    subject: cert.subject.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    fingerprint: certificateFingerprint(cert.raw),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    keyType,
  };
}

/**
 * When the configured certificate ends (ISO), read from the certificate alone (a PKCS#12 needs its
 * passphrase); undefined when it cannot be read. For expiry warnings and `status`: it decrypts no
 * key and says nothing, so no secret can leak from it; the login's readCertificate explains failures.
 */
export async function readCertificateValidTo(src: CertificateSource, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    const p12 = await readSource(src, 'pkcs12', env, 'PKCS#12', '$');
    if (p12) {
      const passphrase = (await readSource(src, 'passphrase', env, 'passphrase', '$'))?.toString('utf8').replace(/\r?\n$/, '') ?? '';
      return new Date(readPkcs12(p12, passphrase).certificate.validTo).toISOString();
    }
    const certBytes = await readSource(src, 'certificate', env, 'certificate', '$');
    return certBytes ? new Date(new X509Certificate(certBytes).validTo).toISOString() : undefined;
  } catch {
    return undefined;
  }
}
