import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';

// winston re-exports winston-transport's class at runtime; its typings only name it as a namespace
const TransportBase = (winston as unknown as { Transport: new (opts?: { format?: winston.Logform.Format }) => winston.transports.StreamTransportInstance }).Transport;
const MESSAGE = Symbol.for('message');

/** The file operations the transport uses (injectable so a test can make them fail). */
export interface LogFileSystem {
  openSync(path: string, flags: 'a'): number;
  writeSync(fd: number, data: Buffer): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number };
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: true }): void;
  mkdirSync(path: string, opts: { recursive: true }): unknown;
}

const REAL_FS: LogFileSystem = { openSync, writeSync, closeSync, fstatSync, renameSync, rmSync, mkdirSync };

/** Where lines go while the file cannot be written, and the notices about it. */
export interface FallbackStream {
  write(text: string): unknown;
}

export interface RotatingFileOptions {
  readonly dir: string;
  /** base name without extension, e.g. `agent` → agent.log, agent.1.log … */
  readonly name: string;
  readonly maxSize: number;
  /** files kept, the current one included */
  readonly maxFiles: number;
  readonly format?: winston.Logform.Format;
  /** while the file cannot be written: default stderr */
  readonly fallback?: FallbackStream;
  /** how long after a failure the file is tried again (default 30 s) */
  readonly retryMs?: number;
  readonly now?: () => number;
  readonly fs?: LogFileSystem;
}

export const LOG_FILE_RETRY_MS = 30_000;

const reasonOf = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${String(err.message).replace(/^\w+: /, '').replace(/, \w+( '.*')?$/, '')}` : String(e);
};

/**
 * JSON-lines file transport with size rotation (`agent.log` current, `agent.1.log` the previous,
 * … up to maxFiles). Each line is written synchronously, so nothing is lost when the process
 * ends or is killed right after logging — winston's File transport loses buffered lines and
 * never finishes when a rotation coincides with `end()`.
 *
 * It never throws: a logger whose transport throws stops logging altogether (the console too)
 * and never finishes, which once made a clean stop exit 13 after the disk filled up. When the
 * file cannot be written (disk full, folder gone, permissions), the lines go to stderr instead,
 * with one notice saying why; the file is tried again every `retryMs`, and one notice says when
 * it works again.
 */
export class RotatingFileTransport extends TransportBase {
  readonly #o: RotatingFileOptions;
  readonly #fs: LogFileSystem;
  readonly #now: () => number;
  readonly #fallback: FallbackStream;
  #fd = -1;
  #size = 0;
  /** set while the file cannot be written: when to try again, and lines sent elsewhere meanwhile */
  #failed: { retryAt: number; diverted: number } | undefined;

  constructor(o: RotatingFileOptions) {
    super(o.format ? { format: o.format } : {});
    this.#o = o;
    this.#fs = o.fs ?? REAL_FS;
    this.#now = o.now ?? Date.now;
    this.#fallback = o.fallback ?? process.stderr;
    try {
      this.#open();
    } catch (e) {
      this.#fail(e);
    }
  }

  /** path of the current log file */
  get path(): string {
    return this.#path(0);
  }

  /** true while lines go to the fallback instead of the file */
  get failing(): boolean {
    return this.#failed !== undefined;
  }

  #path(n: number): string {
    return join(this.#o.dir, n === 0 ? `${this.#o.name}.log` : `${this.#o.name}.${n}.log`);
  }

  #open(): void {
    this.#fs.mkdirSync(this.#o.dir, { recursive: true });
    this.#fd = this.#fs.openSync(this.#path(0), 'a');
    this.#size = this.#fs.fstatSync(this.#fd).size;
  }

  #closeFd(): void {
    if (this.#fd < 0) return;
    try {
      this.#fs.closeSync(this.#fd);
    } catch {
      // a descriptor that cannot be closed is dropped all the same
    }
    this.#fd = -1;
  }

  #fail(e: unknown): void {
    this.#closeFd();
    const first = this.#failed === undefined;
    this.#failed = { retryAt: this.#now() + (this.#o.retryMs ?? LOG_FILE_RETRY_MS), diverted: this.#failed?.diverted ?? 0 };
    if (first) {
      this.#notice(`cannot write the log file ${this.#path(0)} (${reasonOf(e)}); log lines go to stderr until it can be written again (tried every ${Math.round((this.#o.retryMs ?? LOG_FILE_RETRY_MS) / 1000)} s)`);
    }
  }

  #notice(text: string): void {
    try {
      this.#fallback.write(`ksef-hotfolder: ${text}\n`);
    } catch {
      // nowhere left to say it
    }
  }

  #writeLine(line: Buffer): void {
    if (this.#fd < 0) this.#open();
    if (this.#size > 0 && this.#size + line.length > this.#o.maxSize) this.#rotate();
    this.#fs.writeSync(this.#fd, line);
    this.#size += line.length;
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = Buffer.from(String(info[MESSAGE] ?? JSON.stringify(info)) + '\n');
    if (!this.#failed || this.#now() >= this.#failed.retryAt) {
      try {
        this.#writeLine(line);
        if (this.#failed) {
          this.#notice(`the log file ${this.#path(0)} can be written again; logging to it resumes (${this.#failed.diverted} line(s) went to stderr meanwhile)`);
          this.#failed = undefined;
        }
      } catch (e) {
        this.#fail(e);
      }
    }
    if (this.#failed) {
      this.#failed.diverted++;
      try {
        this.#fallback.write(line.toString());
      } catch {
        // the line is lost; the log is lossy by design, durable state lives in the store
      }
    }
    this.emit('logged', info);
    next();
  }

  #rotate(): void {
    this.#closeFd();
    const keep = Math.max(1, this.#o.maxFiles);
    this.#fs.rmSync(this.#path(keep - 1), { force: true });
    for (let n = keep - 2; n >= 0; n--) {
      try {
        this.#fs.renameSync(this.#path(n), this.#path(n + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    this.#open();
    this.#size = 0;
  }

  override close(): void {
    this.#closeFd();
  }
}
