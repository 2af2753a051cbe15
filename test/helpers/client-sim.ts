/** A simulator and a client pointed at it, sharing one fake clock: the client ↔ simulator test bed. */
import { createKsefClient } from '../../src/ksef/index.ts';
import type { KsefClient, KsefClientOptions } from '../../src/ksef/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { createFakeClock } from './client-clock.ts';
import type { FakeClock } from './client-clock.ts';
import { makeNip } from './fa-samples.ts';
import { OpenApiContract } from './openapi-contract.ts';

const contract = OpenApiContract.load();
let warned = false;

export interface ClientSim {
  readonly sim: RunningSimulator;
  readonly client: KsefClient;
  readonly clock: FakeClock;
  readonly nip: string;
  readonly token: string;
  /** how many times the client asked for the KSeF token */
  readonly tokenReads: () => number;
  /** responses the client saw that break openapi.json (checked again in close()) */
  readonly contractProblems: () => string[];
  /** a second client on the same simulator and NIP (as after a restart) */
  newClient(extra?: Partial<KsefClientOptions>): KsefClient;
  close(): Promise<void>;
}

let seed = Math.floor(Math.random() * 1_000_000);

export async function startClientSim(opts: { sim?: SimulatorOptions; client?: Partial<KsefClientOptions>; nip?: string } = {}): Promise<ClientSim> {
  const clock = createFakeClock(Date.now());
  const sim = await startSimulator({ now: clock.now, ...(opts.sim ?? {}) });
  const nip = opts.nip ?? makeNip(seed++);
  const token = sim.registerToken(nip);
  let reads = 0;
  const problems: string[] = [];
  let checked = 0;
  if (!contract && !warned) {
    warned = true;
    console.log('# openapi.json not found: client ↔ simulator responses are not contract-checked');
  }
  const onResponse: KsefClientOptions['onResponse'] = (r) => {
    // storage URLs are not part of the API; injected 5xx and HTML firewall pages are faults by design
    if (!contract || !r.url.includes('/v2/') || r.status >= 500 || /text\/html/.test(r.headers['content-type'] ?? '')) return;
    checked++;
    problems.push(...contract.check({ method: r.method, url: r.url, status: r.status, contentType: r.headers['content-type'] ?? '', headers: r.headers, body: r.body.toString('utf8') }));
  };
  const clients: KsefClient[] = [];
  const newClient = (extra: Partial<KsefClientOptions> = {}): KsefClient => {
    const c = createKsefClient({
      environment: 'sim',
      baseUrl: sim.baseUrl,
      nip,
      token: async () => {
        reads++;
        return token;
      },
      clock,
      poll: { intervalMs: 200, timeoutMs: 120_000 },
      onResponse,
      ...(opts.client ?? {}),
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    sim,
    client,
    clock,
    nip,
    token,
    tokenReads: () => reads,
    contractProblems: () => [...problems],
    newClient,
    async close() {
      for (const c of clients) await c.close().catch(() => undefined);
      await sim.close();
      if (problems.length) throw new Error(`simulator responses seen by the client break openapi.json (${problems.length} of ${checked} checked):\n${[...new Set(problems)].slice(0, 20).join('\n')}`);
    },
  };
}
