import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';

// winston re-exports winston-transport's class at runtime; its typings only name it as a namespace
const TransportBase = (winston as unknown as { Transport: new (opts?: { format?: winston.Logform.Format }) => winston.transports.StreamTransportInstance }).Transport;
const MESSAGE = Symbol.for('message');

export interface RotatingFileOptions {
  readonly dir: string;
  /** base name without extension, e.g. `agent` → agent.log, agent.1.log … */
  readonly name: string;
  readonly maxSize: number;
  /** files kept, the current one included */
  readonly maxFiles: number;
  readonly format?: winston.Logform.Format;
}

/**
 * JSON-lines file transport with size rotation (`agent.log` current, `agent.1.log` the previous,
 * … up to maxFiles). Each line is written synchronously, so nothing is lost when the process
 * ends or is killed right after logging — winston's File transport loses buffered lines and
 * never finishes when a rotation coincides with `end()`.
 */
export class RotatingFileTransport extends TransportBase {
  readonly #o: RotatingFileOptions;
  #fd: number;
  #size: number;

  constructor(o: RotatingFileOptions) {
    super(o.format ? { format: o.format } : {});
    this.#o = o;
    mkdirSync(o.dir, { recursive: true });
    this.#fd = openSync(this.#path(0), 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  #path(n: number): string {
    return join(this.#o.dir, n === 0 ? `${this.#o.name}.log` : `${this.#o.name}.${n}.log`);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = Buffer.from(String(info[MESSAGE] ?? JSON.stringify(info)) + '\n');
    if (this.#size > 0 && this.#size + line.length > this.#o.maxSize) this.#rotate();
    writeSync(this.#fd, line);
    this.#size += line.length;
    this.emit('logged', info);
    next();
  }

  #rotate(): void {
    closeSync(this.#fd);
    const keep = Math.max(1, this.#o.maxFiles);
    rmSync(this.#path(keep - 1), { force: true });
    for (let n = keep - 2; n >= 0; n--) {
      try {
        renameSync(this.#path(n), this.#path(n + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    this.#fd = openSync(this.#path(0), 'a');
    this.#size = 0;
  }

  override close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
