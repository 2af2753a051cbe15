/**
 * Test hook for the crash tests: when the environment variable KSEF_HOTFOLDER_CRASH_AT names this
 * point (optionally `name@N` for the N-th time it is reached), the process kills itself with
 * SIGKILL right there — no clean-up, no flush, exactly like kill -9 or a power cut. Points:
 * - `after-claim`: a file moved into the work area, not yet recorded;
 * - `between-pair-claims`: the primary file of a pair (input.companion) claimed, its companion
 *   still in the inbox;
 * - `during-intake`: a file's intake attempt recorded, the file about to be read and checked (as
 *   if reading it took the process down: out of memory);
 * - `after-intent`: intent recorded (online: with the session reference; batch: no session yet);
 * - `after-send`: an online send answered, its reference not yet recorded;
 * - `after-batch-open`: batch session opened and its reference durable (journal + every invoice),
 *   no part uploaded yet;
 * - `before-batch-close`: every part uploaded, the close not yet sent;
 * - `after-batch-submit`: batch closed, before the `ksef.sent` events;
 * - `while-outbox`: between the UPO and the sent XML of an accepted invoice;
 * - `before-archive`: results written, source not yet archived;
 * - `between-pair-moves`: the companion of a pair archived, its primary not yet.
 * Never set it in production.
 */
const hits = new Map<string, number>();

export function crashPoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  const want = env['KSEF_HOTFOLDER_CRASH_AT'];
  if (!want) return;
  const [point, nth] = want.split('@');
  if (point !== name) return;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  if (n >= Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}
