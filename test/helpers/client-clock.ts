import type { Clock } from '../../src/ksef/clock.ts';

/** A clock whose sleep jumps time forward at once: rate limits and expiries without waiting. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  /** total time "slept" through sleep() */
  slept: number;
}

export function createFakeClock(start = Date.parse('2026-03-02T10:00:00Z')): FakeClock {
  let t = start;
  const clock: FakeClock = {
    slept: 0,
    now: () => t,
    async sleep(ms: number) {
      const d = Math.max(0, ms);
      t += d;
      clock.slept += d;
      // let other tasks run, as a real sleep would
      await new Promise<void>((r) => setImmediate(r));
    },
    advance(ms: number) {
      t += ms;
    },
  };
  return clock;
}
