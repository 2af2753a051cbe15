/** The simulator's shared context: options, state, keys, faults, limiter, URLs and the clock. */
import { createHmac } from 'node:crypto';
import { createCaData, SimCa } from './ca.ts';
import { KeyRing } from './key-ring.ts';
import { NO_FAULTS, type FaultOptions, type ResolvedOptions } from './options.ts';
import { RateLimiter } from './rate-limits.ts';
import { SimState } from './state.ts';

export const API_PREFIX = '/v2';

export class Sim {
  state: SimState;
  keys: KeyRing;
  faults: FaultOptions;
  readonly limiter: RateLimiter;
  origin = '';
  /** Built export archives (encrypted parts), rebuilt on demand after a restart. */
  readonly exportParts = new Map<string, Buffer[]>();
  /** Batch parts uploaded but not yet processed; kept in memory only. */
  readonly batchUploads = new Map<string, Map<number, Buffer>>();

  private readonly pending = new Set<Promise<void>>();

  constructor(readonly opts: ResolvedOptions, faults: Partial<FaultOptions> = {}) {
    this.state = SimState.load(opts.stateDir);
    // Batch parts live in memory: a package closed but not processed before a restart is lost.
    for (const s of this.state.data.sessions) {
      if (s.kind === 'Batch' && s.closedAt !== undefined && !s.processed && !s.failure) {
        s.failure = { code: 500, description: 'Nieznany błąd', details: ['Symulator został zrestartowany w trakcie przetwarzania paczki.'] };
        s.processed = true;
      }
    }
    this.keys = new KeyRing(this.state.data.keys);
    this.keys.ensure(opts.now());
    this.state.touch();
    this.faults = { ...NO_FAULTS, ...faults };
    this.limiter = new RateLimiter(opts.rateLimits);
  }

  /** Keep track of background work (batch processing) so close() can wait for it. */
  track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  now(): number {
    return this.opts.now();
  }

  #ca: Promise<SimCa> | undefined;

  /** The certificate authority, created (and persisted) on first use. */
  ca(): Promise<SimCa> {
    this.#ca ??= (async () => {
      this.state.data.ca ??= await createCaData(this.now());
      this.state.touch();
      return new SimCa(this.state.data.ca, () => this.state.touch());
    })();
    return this.#ca;
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }

  get baseUrl(): string {
    return this.origin + API_PREFIX;
  }

  /** A pre-signed style URL on this host, valid until `expires`. */
  signedUrl(path: string, expires: number): string {
    const sig = createHmac('sha256', this.state.data.urlSecret).update(`${path}|${expires}`).digest('base64url');
    return `${this.origin}${path}?se=${expires}&sig=${sig}`;
  }

  checkSignedUrl(path: string, query: URLSearchParams): 'ok' | 'expired' | 'bad' {
    const expires = Number(query.get('se'));
    const sig = createHmac('sha256', this.state.data.urlSecret).update(`${path}|${expires}`).digest('base64url');
    if (query.get('sig') !== sig) return 'bad';
    return expires < this.now() ? 'expired' : 'ok';
  }

  /** Forget everything except the keys; new sessions, tokens and invoices start from scratch. */
  reset(): void {
    const keys = this.state.data.keys;
    const ca = this.state.data.ca;
    this.state = new SimState({ ...SimState.load(undefined).data, keys, ...(ca ? { ca } : {}) }, this.opts.stateDir);
    this.#ca = undefined;
    this.keys = new KeyRing(this.state.data.keys);
    this.state.touch();
    this.state.flush();
    this.exportParts.clear();
    this.batchUploads.clear();
    this.limiter.reset();
    this.faults = { ...NO_FAULTS };
  }
}
