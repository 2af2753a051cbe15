import type { Writable } from 'node:stream';
import winston from 'winston';
import type { Redactor } from './redactor.ts';
import { RotatingFileTransport } from './rotating-file-transport.ts';
import type { FallbackStream, LogFileSystem } from './rotating-file-transport.ts';

export interface LoggerOptions {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** folder of the JSON-lines files; no file logging when undefined */
  readonly dir?: string;
  /** bytes at which `agent.log` is rotated */
  readonly maxSize: number;
  readonly maxFiles: number;
  /** readable lines on the console (stdout) */
  readonly console: boolean;
  readonly redactor: Redactor;
  /** where readable lines go instead of stdout (tests) */
  readonly consoleStream?: Writable;
  /** where file lines go while the log file cannot be written (default stderr; tests) */
  readonly fileFallback?: FallbackStream;
  /** how long after a failed write the log file is tried again (default 30 s) */
  readonly fileRetryMs?: number;
  readonly now?: () => number;
  readonly fs?: LogFileSystem;
}

const SKIP = new Set(['level', 'message', 'timestamp']);

/** Redacts every field of a log entry, the message and any error stack included; symbol keys are kept. */
function redactFormat(redactor: Redactor) {
  return winston.format((info) => {
    const rec = info as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (k === 'level') continue;
      rec[k] = redactor.redact(rec[k]);
    }
    return info;
  })();
}

/** `12:00:01.234 info  inbox.claimed: claimed faktury.csv {"companyId":"acme"}` */
const readable = winston.format.printf((info) => {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!SKIP.has(k) && k !== 'stack') rest[k] = v;
  const meta = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
  const stack = typeof info['stack'] === 'string' ? '\n' + info['stack'] : '';
  const time = String(info['timestamp'] ?? '').slice(11, 23);
  return `${time} ${info.level.padEnd(5)} ${String(info.message)}${meta}${stack}`;
});

/**
 * The agent's logger: readable console lines and JSON lines in `<dir>/agent.log`, rotated at
 * `maxSize` keeping `maxFiles` (agent.1.log is the previous one, and so on). Secrets are redacted before any
 * transport sees an entry. The log is lossy by design: durable state lives in the store.
 */
export function createLogger(o: LoggerOptions): winston.Logger {
  const transports: winston.transport[] = [];
  // errors and redaction at the logger level: a transport sees a shallow copy, which drops an Error's message and stack
  const base = [winston.format.timestamp()];
  if (o.console) {
    const format = winston.format.combine(...base, readable);
    transports.push(o.consoleStream ? new winston.transports.Stream({ stream: o.consoleStream, format }) : new winston.transports.Console({ format }));
  }
  if (o.dir) {
    transports.push(new RotatingFileTransport({
      dir: o.dir, name: 'agent', maxSize: o.maxSize, maxFiles: o.maxFiles, format: winston.format.combine(...base, winston.format.json()),
      ...(o.fileFallback ? { fallback: o.fileFallback } : {}),
      ...(o.fileRetryMs !== undefined ? { retryMs: o.fileRetryMs } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.fs ? { fs: o.fs } : {}),
    }));
  }
  if (!transports.length) transports.push(new winston.transports.Console({ silent: true }));
  return winston.createLogger({
    level: o.level,
    format: winston.format.combine(winston.format.errors({ stack: true }), redactFormat(o.redactor)),
    transports,
    exitOnError: false,
  });
}

/** Ends the logger and resolves when every transport has flushed (call before a clean exit). */
export function closeLogger(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.once('finish', () => {
      for (const t of logger.transports) (t as { close?: () => void }).close?.();
      resolve();
    });
    logger.end();
  });
}
