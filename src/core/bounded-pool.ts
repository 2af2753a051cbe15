/**
 * Bounded concurrency for the pipeline, the jobs and the KSeF client.
 *
 * Runs `work` over `items` with at most `limit` running at once, in item order of start. Every
 * item's outcome is returned in input order (a failure does not stop the others that already
 * started). When `stopAfter(error)` says so, or `shouldStop()` is true, no further item starts;
 * the items never started come back as `{ started: false }`.
 */
export type PoolOutcome<R> = { started: true; ok: true; value: R } | { started: true; ok: false; error: unknown } | { started: false };

export async function boundedPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  opts: { stopAfter?: (error: unknown) => boolean; shouldStop?: () => boolean } = {},
): Promise<PoolOutcome<R>[]> {
  const out: PoolOutcome<R>[] = items.map(() => ({ started: false }));
  let next = 0;
  let halted = false;
  const lane = async (): Promise<void> => {
    while (!halted && next < items.length) {
      if (opts.shouldStop?.()) {
        halted = true;
        return;
      }
      const k = next++;
      try {
        out[k] = { started: true, ok: true, value: await work(items[k]!, k) };
      } catch (error) {
        out[k] = { started: true, ok: false, error };
        if (opts.stopAfter?.(error)) halted = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

/** A gate letting at most `limit` of the tasks given to it run at once, in the order given. */
export function createLimiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    running--;
    waiting.shift()?.();
  };
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (running >= limit) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** The error of the first item that failed, if any (for callers that want all-or-error). */
export function firstFailure<R>(outcomes: readonly PoolOutcome<R>[]): unknown {
  for (const o of outcomes) if (o.started && !o.ok) return o.error;
  return undefined;
}
