import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AgentError } from './errors.ts';

/** fsyncs a directory so a rename in it survives power loss (not possible on Windows: skipped). */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Waits between tries of a rename (or unlink) another program blocks: on Windows a file open in
 * Excel, an antivirus scan or an indexer makes the replace fail with EPERM/EBUSY for a moment, or
 * for as long as the file stays open. About 6 s in all, then the caller gets OUTBOX_FILE_BUSY
 * (transient: the next pass tries again).
 */
export const BUSY_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800, 1600, 3200];

export interface BusyRetryOptions {
  readonly busyDelaysMs?: readonly number[];
  /** injectable wait (tests) */
  readonly sleep?: (ms: number) => Promise<void>;
  /** whose error codes these are (tests): EPERM and EACCES mean "held open" only on Windows */
  readonly platform?: NodeJS.Platform;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * EPERM and EACCES are what Windows says for a file held open elsewhere; on POSIX systems they mean
 * no permission (a sticky folder, an immutable file), which waiting does not fix.
 */
const isBusy = (e: unknown, platform: NodeJS.Platform): boolean => {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EBUSY' || ((code === 'EPERM' || code === 'EACCES') && platform === 'win32');
};

/**
 * Runs `fn` (a rename or unlink of `path`), again after each delay while it fails because another
 * program holds the file; then throws OUTBOX_FILE_BUSY naming the file. Other failures pass through.
 */
export async function retryWhileBusy<T>(path: string, fn: () => Promise<T>, o: BusyRetryOptions = {}): Promise<T> {
  const delays = o.busyDelaysMs ?? BUSY_RETRY_DELAYS_MS;
  const sleep = o.sleep ?? realSleep;
  for (let k = 0; ; k++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e, o.platform ?? process.platform)) throw e;
      if (k >= delays.length) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new AgentError(
          'OUTBOX_FILE_BUSY',
          `${path} could not be replaced or moved (${code}): another program holds it open (a spreadsheet, an antivirus scan?); tried ${delays.length + 1} times in ${Math.round(delays.reduce((a, b) => a + b, 0) / 100) / 10} s, the agent tries again on its next pass`,
          { kind: 'transient', where: { file: path }, cause: e },
        );
      }
      await sleep(delays[k]!);
    }
  }
}

export interface WriteFileAtomicOptions extends BusyRetryOptions {
  /** create the folder when missing (default true); false makes a vanished folder an ENOENT error */
  readonly createDir?: boolean;
  /**
   * fsync the folder after the rename (default true). Writers of many files into one folder pass
   * false and call fsyncDir once for the folder before they rely on the files being durable.
   */
  readonly syncDir?: boolean;
  /** injectable rename (tests simulate a file held open by another program) */
  readonly rename?: (from: string, to: string) => Promise<void>;
}

/** The hidden temp name an atomic write of `path` goes through: `.<final name>.<8 hex>.tmp`. */
export const tempPathFor = (path: string): string => join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);

/** Whether a file name is such a temp name (what a crash between write and rename leaves). */
export const isTempName = (name: string): boolean => /^\..+\.[0-9a-f]{8}\.tmp$/.test(name);

/**
 * Writes a file so no reader ever sees it half-written: a hidden temp file in the same folder,
 * fsync, rename over the final name, fsync the folder. The temp name starts with `.` and ends in
 * `.tmp`, which the agent's own inboxes and most ERPs ignore; it is removed when a step fails.
 * A rename refused because another program holds the target open is retried with a bounded backoff.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const dir = dirname(path);
  if (options.createDir !== false) await mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  const h = await open(tmp, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } catch (e) {
    await h.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await h.close();
  try {
    const move = options.rename ?? rename;
    await retryWhileBusy(path, () => move(tmp, path), options);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  if (options.syncDir !== false) await fsyncDir(dir);
}
