/**
 * Preview: read → map → FA XML → business rules → official XSD for one file, as data. Pure
 * composition of the stages; it prints nothing, writes nothing and sends nothing (the CLI and the
 * tests decide what to do with the result).
 */
import { basename } from 'node:path';
import { AgentError, isAgentError } from '../core/errors.ts';
import type { CompanyProfile, FaSchema, Invoice, InvoiceXml, IsoDate } from '../core/invoice.ts';
import { provenanceWhere } from '../core/records.ts';
import { describeEncoding, readRecords, resolveEncoding } from '../readers/index.ts';
import { MappingInvalidError, NameCheckError, loadMapping, mapRecords } from '../mapping/index.ts';
import type { CompiledMapping, MappingCache } from '../mapping/index.ts';
import { buildFaXml } from '../invoice/build-fa-xml.ts';
import { validateInvoice } from '../invoice/validate.ts';
import { checkXsd } from '../invoice/check-xsd.ts';
import type { CheckPool } from './check-pool.ts';
import { DEFAULT_LIMITS, LIMIT_CODES, limitExceeded } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { numbersTwiceInFile } from './numbers-twice-in-file.ts';
import { pairOf, readPair } from './read-pair.ts';
import type { PairFile } from './read-pair.ts';

/**
 * The seller used when neither a configuration nor the mapping names one. Clearly a placeholder:
 * its name says so, and the CLI tells the admin it is in use.
 */
export const PLACEHOLDER_COMPANY: CompanyProfile = {
  nip: '9999999999',
  name: 'Przykładowa Spółka Demo sp. z o.o. (DEMO – placeholder seller for preview)',
  address: { country: 'PL', line1: 'ul. Przykładowa 1', line2: '00-001 Warszawa' },
};

export type SellerSource = 'config' | 'mapping' | 'placeholder';

export interface PreviewOptions {
  /** the mapping file read and compiled */
  readonly mapping: string;
  /**
   * What errors and the result call the mapping (default: `mapping`): the file the admin
   * configured, when `mapping` is the kept copy of the version a file was claimed with
   * (work/mappings/<sha256>.json), which is no place to fix anything.
   */
  readonly mappingName?: string;
  /** the sha256 of that kept version, named in the errors of a mapping that cannot be loaded */
  readonly mappingVersion?: string;
  readonly schema: FaSchema;
  /** the seller from the company configuration; without it the placeholder is used unless the mapping names a seller */
  readonly company?: CompanyProfile;
  /** the day business rules compare dates with (P_1 not in the future, offline warning) */
  readonly today: IsoDate;
  /** creation time written into the XML (DataWytworzeniaFa); default: now */
  readonly now?: Date;
  /** what errors call the file (default: its base name) */
  readonly displayName?: string;
  /**
   * Worker threads for rules → FA XML → XSD (createCheckPool), shared across files, sent
   * CHECK_BATCH invoices at a time; without it every invoice is checked on this thread. Results
   * are the same either way, in the same order.
   */
  readonly checkPool?: CheckPool;
  /**
   * Where the compiled mapping comes from: a cache that compiles each mapping file once and again
   * only when it changes (the agent's intake). Without it the file is read and compiled for this call.
   */
  readonly mappings?: MappingCache;
  /**
   * Keep only what taking the file in needs — number, FA XML, errors — and drop each invoice's
   * canonical model and warnings as soon as it is checked, so a file of many invoices is not held
   * in memory twice (the agent's intake). Default: everything is kept (preview shows it all).
   */
  readonly lean?: boolean;
  /**
   * Size limits checked while the file is read, before mapping (the inbox's, from the
   * configuration); default DEFAULT_LIMITS. A file over one gets only its LIMIT_* error.
   */
  readonly limits?: Limits;
  /**
   * A path of the mapping that matches nothing in any record of an XML/JSON file
   * (MAP_PATH_UNMATCHED): a file-level warning (default: preview shows the invoices anyway) or a
   * file-level error (the agent's intake: the file goes to errors, nothing of it is sent).
   */
  readonly unmatchedPaths?: 'warning' | 'error';
  /**
   * The companion claimed with this file, for a mapping that reads pairs (input.companion); without
   * it the companion is looked for beside `file` (read-pair.ts).
   */
  readonly companion?: PairFile;
}

const LIMIT_CODE_SET: ReadonlySet<string> = new Set(Object.values(LIMIT_CODES));

/**
 * File-level errors after which the invoices read so far are not shown: over a limit the file
 * was not processed; with a name of the mapping that the file does not have, every invoice would
 * only repeat the one mistake (an empty field each), hiding it.
 */
const WHOLE_FILE_CODES: ReadonlySet<string> = new Set([...LIMIT_CODE_SET, 'MAP_COLUMN_UNKNOWN', 'MAP_PATH_UNMATCHED']);

/** How the file is decoded, in words, for errors about names that do not match (XLSX has no code page). */
function encodingOf(file: string, mapping: CompiledMapping, displayName: string): (() => Promise<string | undefined>) | undefined {
  const input = mapping.input;
  if (!('decode' in input)) return undefined;
  return async () => {
    try {
      return describeEncoding(await resolveEncoding(file, { decode: input.decode, displayName, xml: input.format === 'xml' }), input.decode);
    } catch {
      return undefined; // the file was read, so this cannot fail for a reason worth a second error
    }
  };
}

/** What checkInvoice needs besides the invoice. */
export type CheckOptions = Pick<PreviewOptions, 'schema' | 'company' | 'today' | 'now'>;

/** A batch slot whose check never ran (the stage before it failed the file). */
const NOT_CHECKED: PreviewedInvoice = { errors: [], warnings: [] };

/** Batches a pool may hold in flight per worker before the reader waits (bounds memory). */
const BATCHES_IN_FLIGHT_PER_WORKER = 2;

export interface PreviewedInvoice {
  /** invoice number when the mapping got that far */
  readonly number?: string;
  readonly invoice?: Invoice;
  /** present only when the invoice passed every check */
  readonly xml?: InvoiceXml;
  readonly seller?: SellerSource;
  readonly errors: readonly AgentError[];
  readonly warnings: readonly AgentError[];
}

export interface PreviewResult {
  readonly file: string;
  readonly mapping: string;
  readonly schema: FaSchema;
  readonly invoices: readonly PreviewedInvoice[];
  /** problems not tied to one invoice: mapping file errors, unreadable input, an empty file */
  readonly errors: readonly AgentError[];
  /** warnings not tied to one invoice: a mapping path that matches nothing in the file (MAP_PATH_UNMATCHED) */
  readonly warnings?: readonly AgentError[];
  /** true when there is at least one invoice and nothing failed (warnings allowed) */
  readonly ok: boolean;
}

/**
 * A problem of a kept mapping version, saying which version: the admin's file may have been fixed
 * since, and the file is still mapped with the version it was claimed with.
 */
function ofVersion(e: AgentError, sha256: string): AgentError {
  return new AgentError(e.code, `${e.message} (in the version of the mapping taken with the file when it was claimed, ${sha256.slice(0, 12)}; a fix applies to files dropped again)`, {
    kind: e.kind,
    where: e.where,
    ...(e.rule !== undefined ? { rule: e.rule } : {}),
    ...(e.details !== undefined ? { details: e.details } : {}),
    cause: e,
  });
}

/** An unexpected exception becomes an internal AgentError so the caller can still report it. */
export function asAgentError(err: unknown, where: { file?: string; invoice?: string } = {}): AgentError {
  if (isAgentError(err)) return err.at(where);
  const msg = err instanceof Error ? err.message : String(err);
  return new AgentError('PREVIEW_INTERNAL', `internal error: ${msg}`, { kind: 'internal', where, cause: err });
}

/**
 * Invoices checked together on this thread. Each stage runs over the whole batch before the next
 * (rules for all, then FA XML, then XSD): measured, that costs about a quarter less CPU per invoice
 * than taking each invoice through all stages in turn (the XSD validator's code and data stay warm).
 */
export const CHECK_BATCH = 64;

/** Builds, checks and XSD-validates one mapped invoice. */
export async function checkInvoice(invoice: Invoice, opts: CheckOptions): Promise<PreviewedInvoice> {
  return (await checkInvoices([invoice], opts))[0]!;
}

/** checkInvoice for several invoices, stage by stage; results in the same order. */
export async function checkInvoices(invoices: readonly Invoice[], opts: CheckOptions): Promise<PreviewedInvoice[]> {
  const company = opts.company ?? PLACEHOLDER_COMPANY;
  const out: PreviewedInvoice[] = new Array<PreviewedInvoice>(invoices.length);
  const bases = invoices.map((invoice) => ({ number: invoice.number, invoice, seller: (invoice.seller ? 'mapping' : opts.company ? 'config' : 'placeholder') as SellerSource }));
  const warnings: (readonly AgentError[])[] = invoices.map(() => []);
  // one invoice that breaks a stage must not hide the others of the file
  const broken = (k: number, err: unknown) => {
    const invoice = invoices[k]!;
    out[k] = { ...bases[k]!, errors: [asAgentError(err, { file: invoice.provenance.file, invoice: invoice.number })], warnings: warnings[k]! };
  };
  const passed: number[] = [];
  invoices.forEach((invoice, k) => {
    try {
      const rules = validateInvoice(invoice, opts.schema, company, { today: opts.today });
      warnings[k] = rules.warnings;
      if (rules.errors.length > 0) out[k] = { ...bases[k]!, errors: rules.errors, warnings: rules.warnings };
      else passed.push(k);
    } catch (err) {
      broken(k, err);
    }
  });
  const built: { k: number; xml: InvoiceXml }[] = [];
  for (const k of passed) {
    try {
      built.push({ k, xml: buildFaXml(invoices[k]!, opts.schema, company, opts.now ? { now: opts.now } : {}) });
    } catch (err) {
      broken(k, err);
    }
  }
  for (const { k, xml } of built) {
    const xsd = await checkXsd(xml);
    out[k] = xsd.length > 0 ? { ...bases[k]!, errors: xsd, warnings: warnings[k]! } : { ...bases[k]!, xml, errors: [], warnings: warnings[k]! };
  }
  return out;
}

/** What a lean preview keeps of a checked invoice (the warnings too: they go into the invoice's result). */
function leanOf(p: PreviewedInvoice): PreviewedInvoice {
  return { ...(p.number !== undefined ? { number: p.number } : {}), ...(p.xml ? { xml: p.xml } : {}), ...(p.seller ? { seller: p.seller } : {}), errors: p.errors, warnings: p.warnings };
}

/**
 * A number met again in the same file makes the repeat an error (INVOICE_NUMBER_TWICE_IN_FILE,
 * naming both places) and takes away its FA XML: KSeF takes one invoice per number, so the file
 * cannot go as it is.
 */
function withoutRepeats(invoices: PreviewedInvoice[], displayName: string): PreviewedInvoice[] {
  return failed(invoices, numbersTwiceInFile(invoices, displayName));
}

/** The invoices with the error of each index added and, as they no longer pass every check, no FA XML. */
function failed(invoices: readonly PreviewedInvoice[], errors: ReadonlyMap<number, AgentError>): PreviewedInvoice[] {
  return invoices.map((inv, k) => {
    const err = errors.get(k);
    if (!err) return inv;
    const { xml: _xml, ...rest } = inv;
    return { ...rest, errors: [...inv.errors, err] };
  });
}

/** A preview after checks that need the company or the state (seller allowed, number accepted before): the refused invoices fail. */
export function withInvoiceErrors(p: PreviewResult, errors: ReadonlyMap<number, AgentError>): PreviewResult {
  return errors.size === 0 ? p : { ...p, ok: false, invoices: failed(p.invoices, errors) };
}

/** Previews every invoice of `file` through the mapping at `opts.mapping`. */
export async function previewFile(file: string, opts: PreviewOptions): Promise<PreviewResult> {
  const displayName = opts.displayName ?? basename(file);
  const mappingName = opts.mappingName ?? opts.mapping;
  const head = { file: displayName, mapping: mappingName, schema: opts.schema };
  let mapping: Awaited<ReturnType<typeof loadMapping>>;
  try {
    mapping = opts.mappings ? await opts.mappings.get(opts.mapping, mappingName) : await loadMapping(opts.mapping, mappingName);
  } catch (err) {
    // every problem of the mapping file on its own line, not just the first
    const problems = err instanceof MappingInvalidError && err.problems.length > 0 ? [...err.problems] : [asAgentError(err)];
    return { ...head, invoices: [], errors: opts.mappingVersion ? problems.map((e) => ofVersion(e, opts.mappingVersion!)) : problems, ok: false };
  }
  const invoices: PreviewedInvoice[] = [];
  const errors: AgentError[] = [];
  const warnings: AgentError[] = [];
  const pool = opts.checkPool;
  const checkOpts: CheckOptions = { schema: opts.schema, today: opts.today, ...(opts.company ? { company: opts.company } : {}), ...(opts.now ? { now: opts.now } : {}) };
  // invoices waiting for the next batch, with their place in `invoices`
  let batch: { slot: number; invoice: Invoice }[] = [];
  // batches in the pool's workers, oldest first
  const inPool: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    const now = batch;
    batch = [];
    const fill = (results: readonly PreviewedInvoice[]) => now.forEach((b, k) => (invoices[b.slot] = opts.lean ? leanOf(results[k]!) : results[k]!));
    if (!pool) {
      fill(await checkInvoices(now.map((b) => b.invoice), checkOpts));
      return;
    }
    const checked = pool.check(now.map((b) => b.invoice), checkOpts).then(fill, (err: unknown) =>
      fill(now.map(({ invoice }) => ({ number: invoice.number, invoice, errors: [asAgentError(err, { file: invoice.provenance.file, invoice: invoice.number })], warnings: [] }))),
    );
    inPool.push(checked);
    if (inPool.length >= pool.size * BATCHES_IN_FLIGHT_PER_WORKER) await inPool.shift();
  };
  const limits = opts.limits ?? DEFAULT_LIMITS;
  try {
    try {
      // a function, so a mapping with lookups into reference records can read the file twice
      const pair = mapping.companion ? await pairOf(file, displayName, mapping.companion, opts.companion, mappingName) : undefined;
      if (pair instanceof AgentError) throw pair;
      const records = pair && mapping.companion
        ? () => readPair(file, displayName, pair, mapping.input, mapping.companion!, limits)
        : () => readRecords(file, mapping.input, displayName, limits);
      const encoding = encodingOf(file, mapping, displayName);
      const checks = { unmatchedPaths: opts.unmatchedPaths ?? 'warning', warn: (w: AgentError) => warnings.push(w), ...(encoding ? { encoding } : {}) } as const;
      for await (const mapped of mapRecords(mapping, records, { today: opts.today, ...(opts.company ? { company: opts.company } : {}) }, limits, checks)) {
        if (invoices.length >= limits.maxInvoicesPerFile) {
          const at = mapped.ok ? provenanceWhere(mapped.invoice.provenance) : { file: displayName };
          throw limitExceeded('maxInvoicesPerFile', limits.maxInvoicesPerFile, `the file has more than ${limits.maxInvoicesPerFile} invoices`, at);
        }
        if (!mapped.ok) {
          invoices.push({ ...(mapped.number !== undefined ? { number: mapped.number } : {}), errors: mapped.errors, warnings: [] });
          continue;
        }
        batch.push({ slot: invoices.length, invoice: mapped.invoice });
        invoices.push(NOT_CHECKED);
        if (batch.length >= CHECK_BATCH) await flush();
      }
    } finally {
      // what was read before a failure is still checked, as when each invoice went alone
      if (batch.length > 0) await flush();
      await Promise.all(inPool);
    }
  } catch (err) {
    // one error per name that does not fit the file, not one per row
    if (err instanceof NameCheckError) errors.push(...err.problems);
    else errors.push(asAgentError(err, { file: displayName }));
  }
  const wholeFile = errors.some((e) => WHOLE_FILE_CODES.has(e.code));
  const done = withoutRepeats(wholeFile ? [] : invoices.filter((i) => i !== NOT_CHECKED), displayName);
  if (errors.length === 0 && done.length === 0) {
    errors.push(new AgentError('PREVIEW_NO_INVOICES', 'the file holds no invoices', { kind: 'data', where: { file: displayName }, rule: 'at least one invoice per file' }));
  }
  const ok = errors.length === 0 && done.every((i) => i.errors.length === 0);
  return { ...head, invoices: done, errors, ...(warnings.length > 0 ? { warnings } : {}), ok };
}
