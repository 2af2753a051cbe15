/**
 * A small test-side KSeF client for simulator tests (the real client lives in src/ksef/ and is
 * not used here). Every response goes through the OpenAPI contract check; tests assert that
 * `violations` stays empty.
 */
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { OpenApiContract } from './openapi-contract.ts';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  bytes: Buffer;
  json: any;
}

export const sha256b64 = (data: Buffer | string): string => createHash('sha256').update(data).digest('base64');

export function aesEncrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

export function rsaEncrypt(certificateB64: string, data: Buffer): string {
  const key = new X509Certificate(Buffer.from(certificateB64, 'base64')).publicKey;
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data).toString('base64');
}

export function sendInvoiceBody(xml: Buffer | string, key: Buffer, iv: Buffer): Record<string, unknown> {
  const plain = Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8');
  const enc = aesEncrypt(key, iv, plain);
  return {
    invoiceHash: sha256b64(plain),
    invoiceSize: plain.length,
    encryptedInvoiceHash: sha256b64(enc),
    encryptedInvoiceSize: enc.length,
    encryptedInvoiceContent: enc.toString('base64'),
  };
}

export const FA3_FORM = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' };
export const FA2_FORM = { systemCode: 'FA (2)', schemaVersion: '1-0E', value: 'FA' };

let sharedContract: OpenApiContract | undefined | null = null;
export function contract(): OpenApiContract | undefined {
  if (sharedContract === null) sharedContract = OpenApiContract.load();
  return sharedContract;
}

export class SimTestClient {
  readonly violations: string[] = [];
  accessToken = '';
  refreshToken = '';

  constructor(readonly baseUrl: string, readonly opts: { problemDetails?: boolean } = {}) {}

  async call(method: string, path: string, o: { json?: unknown; token?: string | null; headers?: Record<string, string>; raw?: boolean } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token === undefined ? this.accessToken : o.token;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (o.json !== undefined) headers['Content-Type'] = 'application/json';
    if (this.opts.problemDetails) headers['X-Error-Format'] = 'problem-details';
    const url = path.startsWith('http') ? path : this.baseUrl + path;
    const res = await fetch(url, { method, headers, ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const hdrs: Record<string, string> = {};
    res.headers.forEach((v, k) => (hdrs[k] = v));
    const ct = hdrs['content-type'] ?? '';
    let json: unknown;
    if (ct.includes('json') && text) json = JSON.parse(text);
    if (!o.raw && url.startsWith(this.baseUrl) && res.status < 500) {
      this.violations.push(...(contract()?.check({ method, url, status: res.status, contentType: ct, headers: hdrs, body: text }) ?? []));
    }
    return { status: res.status, headers: hdrs, text, bytes, json };
  }

  async certificate(usage: 'KsefTokenEncryption' | 'SymmetricKeyEncryption'): Promise<{ certificate: string; publicKeyId: string }> {
    const r = await this.call('GET', '/security/public-key-certificates', { token: null });
    const list = r.json as { certificate: string; publicKeyId: string; usage: string[]; validFrom: string }[];
    const hit = list.filter((c) => c.usage.includes(usage)).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
    if (!hit) throw new Error(`no ${usage} certificate`);
    return hit;
  }

  /** Challenge → encrypted token → auth reference + operation token (no polling). */
  async startAuth(nip: string, ksefToken: string, o: { certificate?: string; publicKeyId?: string } = {}): Promise<HttpResult> {
    const ch = await this.call('POST', '/auth/challenge', { token: null });
    const cert = o.certificate ? { certificate: o.certificate, publicKeyId: o.publicKeyId } : await this.certificate('KsefTokenEncryption');
    const encryptedToken = rsaEncrypt(cert.certificate, Buffer.from(`${ksefToken}|${ch.json.timestampMs}`, 'utf8'));
    return this.call('POST', '/auth/ksef-token', {
      token: null,
      json: { challenge: ch.json.challenge, contextIdentifier: { type: 'Nip', value: nip }, encryptedToken, ...(cert.publicKeyId ? { publicKeyId: cert.publicKeyId } : {}) },
    });
  }

  /** Full login; sets accessToken and refreshToken. */
  async login(nip: string, ksefToken: string): Promise<void> {
    const init = await this.startAuth(nip, ksefToken);
    if (init.status !== 202) throw new Error(`ksef-token: ${init.status} ${init.text}`);
    const op = init.json.authenticationToken.token as string;
    for (let i = 0; i < 100; i++) {
      const st = await this.call('GET', `/auth/${init.json.referenceNumber}`, { token: op });
      if (st.json.status.code === 200) break;
      if (st.json.status.code !== 100) throw new Error(`auth status ${st.json.status.code}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const red = await this.call('POST', '/auth/token/redeem', { token: op });
    if (red.status !== 200) throw new Error(`redeem: ${red.status} ${red.text}`);
    this.accessToken = red.json.accessToken.token;
    this.refreshToken = red.json.refreshToken.token;
  }

  /** Open an online session with a fresh AES key. */
  async openOnline(formCode = FA3_FORM): Promise<{ ref: string; key: Buffer; iv: Buffer; res: HttpResult }> {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const cert = await this.certificate('SymmetricKeyEncryption');
    const res = await this.call('POST', '/sessions/online', {
      json: { formCode, encryption: { encryptedSymmetricKey: rsaEncrypt(cert.certificate, key), initializationVector: iv.toString('base64'), publicKeyId: cert.publicKeyId } },
    });
    return { ref: res.json?.referenceNumber, key, iv, res };
  }

  async send(session: { ref: string; key: Buffer; iv: Buffer }, xml: Buffer | string): Promise<HttpResult> {
    return this.call('POST', `/sessions/online/${session.ref}/invoices`, { json: sendInvoiceBody(xml, session.key, session.iv) });
  }
}

/** An encrypted batch package: ZIP of the files, cut into `parts` pieces, each AES-encrypted. */
export async function buildBatch(files: { name: string; data: Buffer | string }[], key: Buffer, iv: Buffer, parts: number) {
  const { zipEntries } = await import('../../src/simulator/zip.ts');
  const zip = await zipEntries(files.map((f) => ({ name: f.name, data: Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data, 'utf8') })));
  const size = Math.ceil(zip.length / parts);
  const encrypted: Buffer[] = [];
  for (let i = 0; i < zip.length; i += size) encrypted.push(aesEncrypt(key, iv, zip.subarray(i, i + size)));
  return {
    encrypted,
    batchFile: {
      fileSize: zip.length,
      fileHash: sha256b64(zip),
      fileParts: encrypted.map((p, i) => ({ ordinalNumber: i + 1, fileSize: p.length, fileHash: sha256b64(p) })),
    },
  };
}
