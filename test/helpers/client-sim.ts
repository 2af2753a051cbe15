/** A simulator and a client pointed at it, sharing one fake clock: the client ↔ simulator test bed. */
import { createKsefClient } from '../../src/ksef/index.ts';
import type { KsefClient, KsefClientOptions } from '../../src/ksef/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { createFakeClock } from './client-clock.ts';
import type { FakeClock } from './client-clock.ts';
import { makeNip } from './fa-samples.ts';

export interface ClientSim {
  readonly sim: RunningSimulator;
  readonly client: KsefClient;
  readonly clock: FakeClock;
  readonly nip: string;
  readonly token: string;
  /** how many times the client asked for the KSeF token */
  readonly tokenReads: () => number;
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
    newClient,
    async close() {
      for (const c of clients) await c.close().catch(() => undefined);
      await sim.close();
    },
  };
}
