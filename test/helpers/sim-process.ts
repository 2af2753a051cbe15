/**
 * The real `sim` command in a process of its own (its state lives as long as the process, so it
 * survives any number of agent restarts), with the admin calls and the KSeF-side view the proof
 * tests need: counters, session expiry, and every invoice a seller has in KSeF with its XML.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from './agent-env.ts';
import { SimTestClient } from './sim-client.ts';
import type { SimCounters } from '../../src/simulator/counters.ts';

export interface SimProcess {
  /** API base URL, ending in /v2 (what the agent's `simulator.url` takes) */
  readonly baseUrl: string;
  readonly child: ChildProcess;
  admin<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  counters(): Promise<SimCounters>;
  /** Ends every open session now (a batch never closed reads 440 from then on). */
  expireSessions(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts `ksef-hotfolder sim` with `args`; resolves once it printed its URL. */
export function startSimProcess(args: readonly string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'ksef-hotfolder.js'), 'sim', '--port', '0', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer): void => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      const m = /https?:\/\/\S+\/v2/.exec(out.slice(0, nl));
      if (!m) return reject(new Error(`simulator: unexpected first line: ${out.slice(0, nl)}`));
      const baseUrl = m[0];
      const origin = new URL(baseUrl).origin;
      const admin = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
        const res = await fetch(`${origin}/_sim/${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
        if (!res.ok) throw new Error(`simulator admin ${method} ${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      };
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        baseUrl,
        child,
        admin,
        counters: () => admin<SimCounters>('GET', 'counters'),
        expireSessions: async () => (await admin<{ expired: string[] }>('POST', 'sessions/expire', {})).expired,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
        },
      });
    };
    child.stdout!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator exited (${code}) before printing its URL: ${stderr}`)));
  });
}

export interface KsefInvoice {
  readonly ksefNumber: string;
  readonly invoiceNumber: string;
  readonly sellerNip: string;
  readonly xml: string;
}

/**
 * Every invoice the seller has in KSeF (acquired since `since`), with the XML KSeF keeps, read
 * through the public API as the seller (token login, metadata query, download).
 */
export async function invoicesInKsef(baseUrl: string, nip: string, token: string, since: Date): Promise<KsefInvoice[]> {
  const client = new SimTestClient(baseUrl);
  await client.login(nip, token);
  const rows: { ksefNumber: string; invoiceNumber: string; seller: { nip: string } }[] = [];
  for (let page = 0; ; page++) {
    const r = await client.call('POST', `/invoices/query/metadata?pageSize=250&pageOffset=${page}`, {
      json: { subjectType: 'Subject1', dateRange: { dateType: 'Invoicing', from: new Date(since.getTime() - 60_000).toISOString() } },
      raw: true,
    });
    if (r.status !== 200) throw new Error(`metadata query: ${r.status} ${r.text}`);
    rows.push(...r.json.invoices);
    if (!r.json.hasMore) break;
  }
  const out: KsefInvoice[] = [];
  for (const row of rows) {
    let xml: string | undefined;
    // a just-processed invoice may not be downloadable yet (21165): ask again shortly
    for (let i = 0; i < 100 && xml === undefined; i++) {
      const d = await client.call('GET', `/invoices/ksef/${encodeURIComponent(row.ksefNumber)}`, { raw: true });
      if (d.status === 200) xml = d.text;
      else await sleep(100);
    }
    if (xml === undefined) throw new Error(`invoice ${row.ksefNumber} could not be downloaded`);
    out.push({ ksefNumber: row.ksefNumber, invoiceNumber: row.invoiceNumber, sellerNip: row.seller.nip, xml });
  }
  return out;
}
