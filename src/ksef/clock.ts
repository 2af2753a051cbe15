/** Time source for the client: injected so tests can run rate limits and expiries without sleeping. */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
