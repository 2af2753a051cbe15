/**
 * `ksef-hotfolder preview FILE --mapping MAPPING [--schema FA(3)|FA(2)] [--config CONFIG --company ID] [--out DIR]`
 * `ksef-hotfolder preview FILE --config CONFIG [--company ID] [--inbox ID] …` (the mapping the agent would choose)
 *
 * The admin's tool: prints the FA XML of every invoice in FILE (or writes `<number>.xml` files to
 * DIR), or every problem on its own line (file, row/line/cell, field, value, rule). Exit code 0
 * when every invoice is valid (warnings allowed), 1 on any problem. Sends nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AgentError, describeError } from '../core/errors.ts';
import type { CompanyProfile, FaSchema } from '../core/invoice.ts';
import type { Limits } from '../core/limits.ts';
import { loadConfig } from '../config/load-config.ts';
import { PLACEHOLDER_COMPANY, asAgentError, previewFile, withInvoiceErrors } from '../pipeline/preview-file.ts';
import { checkSellers } from '../pipeline/check-sellers.ts';
import { appliesProblems, chooseMapping, mappingCandidates } from '../pipeline/choose-mapping.ts';
import type { CompanyConfig, InboxConfig } from '../config/agent-config.ts';
import type { PreviewResult } from '../pipeline/preview-file.ts';

export interface PreviewCliOptions {
  /** the mapping; with --config it may be left out: the inbox's mapping that applies to the file is used */
  readonly mapping?: string;
  /** with --config and no --mapping: the inbox whose mappings are chosen from (default: the one whose folder holds the file, or the company's only one) */
  readonly inbox?: string;
  readonly schema?: string;
  readonly config?: string;
  readonly company?: string;
  readonly out?: string;
  /** yyyy-mm-dd the dates are checked against (default: today, local time) */
  readonly today?: string;
}

export interface PreviewIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** the clock (tests inject one) */
  readonly now?: () => Date;
}

const SCHEMAS: readonly FaSchema[] = ['FA(3)', 'FA(2)'];

/** `FA/231/2026` → `FA_231_2026.xml`: safe on Windows shares and Unix alike. */
export function xmlFileName(invoiceNumber: string): string {
  const safe = invoiceNumber.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+|[._]+$/g, '');
  return `${safe || 'invoice'}.xml`;
}

function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function parseSchema(s: string | undefined): FaSchema | undefined {
  if (s === undefined) return undefined;
  const norm = s.toUpperCase().replace(/\s+/g, '');
  const hit = SCHEMAS.find((x) => x === norm || x.replace(/[()]/g, '') === norm);
  if (!hit) {
    throw new AgentError('CLI_SCHEMA', `unknown schema "${s}"`, { kind: 'config', where: { value: s }, rule: 'FA(3) or FA(2)' });
  }
  return hit;
}

/**
 * The seller, default schema and limits of one configured company: the limits of its inbox that
 * uses this mapping, else the top-level ones (so preview refuses what the agent would refuse).
 * Without a mapping, the inbox's mapping that applies to the file (said on stderr, with why).
 */
async function companyFromConfig(configPath: string, companyId: string | undefined, mapping: string | undefined, file: string, inboxId: string | undefined, io: PreviewIo): Promise<{ company: CompanyConfig; profile: CompanyProfile; schema: FaSchema; limits: Limits; mapping: string }> {
  const config = await loadConfig(configPath);
  const ids = config.companies.map((c) => c.id);
  const company = companyId === undefined && config.companies.length === 1 ? config.companies[0] : config.companies.find((c) => c.id === companyId);
  if (!company) {
    const msg = companyId === undefined ? 'the configuration has several companies: choose one with --company' : `no company "${companyId}" in the configuration`;
    throw new AgentError('CLI_COMPANY', msg, { kind: 'config', where: { file: config.configFile, ...(companyId ? { value: companyId } : {}) }, rule: `one of: ${ids.join(', ')}` });
  }
  const profile: CompanyProfile = {
    nip: company.nip,
    name: company.name,
    address: company.address,
    ...(company.email !== undefined ? { email: company.email } : {}),
    ...(company.bankAccount !== undefined ? { bankAccount: company.bankAccount } : {}),
  };
  if (mapping !== undefined) {
    const inbox = company.inboxes.find((b) => (b.mappings ?? [b.mapping]).includes(resolve(mapping)));
    return { company, profile, schema: company.schema, limits: inbox?.limits ?? config.limits, mapping };
  }
  const inbox = inboxFor(company, file, inboxId, config.configFile);
  const candidates = await mappingCandidates(inbox);
  const choice = chooseMapping(inbox.id, candidates, basename(file));
  if (choice.chosen === undefined) throw choice.problem;
  io.stderr(`mapping: ${choice.chosen} (${choice.why})\n`);
  const compiled = candidates.find((c) => c.path === choice.chosen)?.compiled;
  const contradicts = compiled ? appliesProblems(compiled.applies, company.id, inbox.id) : [];
  if (contradicts.length) {
    throw new AgentError('CFG_MAPPING_APPLIES', `mapping ${choice.chosen} ${contradicts.join('; ')} (the agent refuses to start so)`, { kind: 'config', where: { file: config.configFile } });
  }
  return { company, profile, schema: company.schema, limits: inbox.limits ?? config.limits, mapping: choice.chosen };
}

/** The inbox a previewed file belongs to: --inbox, else the one whose folder holds it, else the company's only one. */
function inboxFor(company: CompanyConfig, file: string, inboxId: string | undefined, configFile: string): InboxConfig {
  const ids = company.inboxes.map((b) => b.id).join(', ');
  if (inboxId !== undefined) {
    const b = company.inboxes.find((x) => x.id === inboxId);
    if (!b) throw new AgentError('CLI_INBOX', `no inbox "${inboxId}" in company ${company.id}`, { kind: 'config', where: { file: configFile, value: inboxId }, rule: `one of: ${ids}` });
    return b;
  }
  const here = company.inboxes.filter((b) => b.folder === resolve(dirname(file)));
  if (here.length === 1) return here[0]!;
  if (company.inboxes.length === 1) return company.inboxes[0]!;
  throw new AgentError('CLI_INBOX', `company ${company.id} has several inboxes and the file is in none of their folders: choose one with --inbox (or give --mapping)`, { kind: 'config', where: { file: configFile }, rule: `one of: ${ids}` });
}

function report(result: PreviewResult, io: PreviewIo): void {
  for (const e of result.errors) io.stderr(`error: ${describeError(e)}\n`);
  for (const w of result.warnings ?? []) io.stderr(`warning: ${describeError(w)}\n`);
  for (const inv of result.invoices) {
    for (const e of inv.errors) io.stderr(`error: ${describeError(e)}\n`);
    for (const w of inv.warnings) io.stderr(`warning: ${describeError(w)}\n`);
  }
}

/** Runs the preview and returns the exit code; everything it says goes through `io`. */
export async function runPreview(file: string, opts: PreviewCliOptions, io: PreviewIo): Promise<number> {
  const now = io.now?.() ?? new Date();
  let result: PreviewResult;
  try {
    let schema = parseSchema(opts.schema);
    let company: CompanyProfile | undefined;
    /** with --config: the company whose sellers the agent would accept (its NIP and actsFor) */
    let sellersOf: CompanyConfig | undefined;
    let limits: Limits | undefined;
    let mapping = opts.mapping;
    if (opts.config !== undefined) {
      const chosen = await companyFromConfig(opts.config, opts.company, opts.mapping, file, opts.inbox, io);
      company = chosen.profile;
      sellersOf = chosen.company;
      limits = chosen.limits;
      mapping = chosen.mapping;
      schema ??= chosen.schema;
    } else if (opts.company !== undefined || opts.inbox !== undefined) {
      throw new AgentError('CLI_COMPANY', `${opts.company !== undefined ? '--company' : '--inbox'} needs --config`, { kind: 'config', rule: '--config CONFIG --company ID' });
    }
    if (mapping === undefined) {
      throw new AgentError('CLI_MAPPING', 'give the mapping with --mapping, or --config to use the mapping the agent would choose for the file', { kind: 'config', rule: '--mapping MAPPING or --config CONFIG' });
    }
    result = await previewFile(file, {
      mapping,
      schema: schema ?? 'FA(3)',
      today: opts.today ?? localDate(now),
      now,
      ...(company ? { company } : {}),
      ...(limits ? { limits } : {}),
    });
    // as at intake: an invoice of a seller the company may not invoice for would go to errors
    if (sellersOf) result = withInvoiceErrors(result, checkSellers(sellersOf, result, result.file));
  } catch (err) {
    io.stderr(`error: ${describeError(asAgentError(err))}\n`);
    return 1;
  }

  report(result, io);
  const valid = result.invoices.filter((i) => i.xml);
  if (opts.out !== undefined && valid.length > 0) {
    const used = new Set<string>();
    try {
      await mkdir(opts.out, { recursive: true });
      for (const inv of valid) {
        let name = xmlFileName(inv.xml!.invoiceNumber);
        for (let n = 2; used.has(name); n++) name = xmlFileName(`${inv.xml!.invoiceNumber}_${n}`);
        used.add(name);
        await writeFile(join(opts.out, name), inv.xml!.xml);
        io.stderr(`wrote ${join(opts.out, name)}\n`);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      io.stderr(`error: ${describeError(new AgentError('CLI_OUT', `cannot write to the --out folder (${code})`, { kind: 'config', where: { file: opts.out } }))}\n`);
      return 1;
    }
  } else {
    for (const inv of valid) io.stdout(inv.xml!.xml.toString('utf8').trimEnd() + '\n');
  }

  const failed = result.invoices.length - valid.length;
  if (result.invoices.some((i) => i.seller === 'placeholder')) {
    io.stderr(`note: seller is the placeholder demo company (NIP ${PLACEHOLDER_COMPANY.nip}); use --config CONFIG --company ID for your own\n`);
  }
  const fileProblems = result.errors.length > 0 ? `, ${result.errors.length} problem(s) with the file or mapping` : '';
  const fileWarnings = result.warnings?.length ? `, ${result.warnings.length} warning(s) about the file (the agent refuses it)` : '';
  io.stderr(`preview ${result.file}: ${result.invoices.length} invoice(s), ${valid.length} valid, ${failed} with errors${fileProblems}${fileWarnings} (${result.schema}); nothing was sent\n`);
  return result.ok ? 0 : 1;
}

export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('Show the FA XML a file would produce through a mapping, or every problem in it. Sends nothing.')
    .argument('<file>', 'an export file, e.g. inbox-example/optima/faktury-2026-11.csv')
    .option('-m, --mapping <mapping>', 'the mapping file (JSON); with --config, default: the inbox\'s mapping that applies to the file')
    .option('-s, --schema <schema>', 'FA(3) or FA(2) (default: the company\'s schema, else FA(3))')
    .option('-c, --config <config>', 'agent configuration: the seller comes from its company')
    .option('--company <id>', 'company id in the configuration (needed when it has several)')
    .option('--inbox <id>', 'with --config and no --mapping: the inbox whose mappings apply (default: the one whose folder holds the file)')
    .option('-o, --out <dir>', 'write <number>.xml files to this folder instead of printing them')
    .option('--today <yyyy-mm-dd>', 'check dates as if today were this day (default: today)')
    .action(async (file: string, opts: PreviewCliOptions) => {
      const code = await runPreview(file, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
      // Only main.ts ends the process; a command just sets the code.
      process.exitCode = code;
    });
}
