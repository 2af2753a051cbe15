/**
 * `ksef-hotfolder sim`: the KSeF 2.0 simulator, standalone. The first line of output carries the
 * base URL; the process runs until SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSimulator, type SimulatorOptions } from '../simulator/index.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a fraction between 0 and 1');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

interface SimFlags {
  port: number;
  host: string;
  token?: string[];
  mode: 'test' | 'prod';
  rateLimits: 'prod' | 'relaxed' | 'off';
  processingDelay: number;
  accessTokenTtl?: number;
  stateDir?: string;
  fault5xx?: number;
  faultLatency?: number;
  faultDrop?: number;
  faultFirewall?: number;
  faultSlowUpo?: number;
  faultPath?: string[];
  incoming?: string[];
  allowTokenEnrollment?: boolean;
}

function parseTokens(values: string[] = []): { nip: string; token?: string }[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const nip = eq < 0 ? v : v.slice(0, eq);
    if (!/^\d{10}$/.test(nip)) throw new InvalidArgumentError(`--token ${v}: expected NIP=TOKEN (or just NIP to generate one), NIP being 10 digits`);
    return eq < 0 ? { nip } : { nip, token: v.slice(eq + 1) };
  });
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('Run the KSeF 2.0 simulator (same paths, JSON, codes, crypto and limits as KSeF; base URL printed first)')
    .option('--port <n>', 'port to listen on (0 = any free port)', nonNegativeInt, 0)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--token <NIP=TOKEN>', 'register a KSeF token for a NIP (repeatable; NIP alone generates and prints one)', collect)
    .addOption(new Option('--mode <mode>', 'test accepts FA(2) and FA(3); prod refuses FA(2) and checks NIP checksums').choices(['test', 'prod']).default('test'))
    .addOption(new Option('--rate-limits <mode>', 'prod = published KSeF PRD limits; relaxed = 100x; off').choices(['prod', 'relaxed', 'off']).default('prod'))
    .option('--processing-delay <ms>', 'time invoices, batches and exports spend in status 100/150', nonNegativeInt, 0)
    .option('--access-token-ttl <ms>', 'access token lifetime (default 15 minutes)', nonNegativeInt)
    .option('--state-dir <dir>', 'keep state in this folder so a restart continues (default: memory only)')
    .option('--fault-5xx <fraction>', 'fraction of API requests answered with 500/502/503', fraction)
    .option('--fault-latency <ms>', 'milliseconds added to every API response', nonNegativeInt)
    .option('--fault-drop <fraction>', 'fraction of API requests whose connection is dropped', fraction)
    .option('--fault-firewall <fraction>', 'fraction of API requests answered with an HTML 403 firewall page', fraction)
    .option('--fault-slow-upo <ms>', 'extra time before UPOs become available', nonNegativeInt)
    .option('--fault-path <text>', 'limit faults to API paths containing this text (repeatable)', collect)
    .option('--allow-token-enrollment', 'let KSeF-token logins request and revoke KSeF certificates (KSeF itself refuses: 25001/25002)')
    .option('--incoming <NIP=COUNT>', 'generate COUNT purchase invoices for buyer NIP over the last 30 days (repeatable)', collect)
    .action(async (flags: SimFlags) => {
      const tokens = parseTokens(flags.token);
      const opts: SimulatorOptions = {
        port: flags.port,
        host: flags.host,
        mode: flags.mode,
        rateLimits: flags.rateLimits,
        processingDelayMs: flags.processingDelay,
        ...(flags.accessTokenTtl !== undefined ? { accessTokenTtlMs: flags.accessTokenTtl } : {}),
        ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
        ...(flags.allowTokenEnrollment ? { allowTokenCertificateEnrollment: true } : {}),
        tokens: tokens.filter((t) => t.token !== undefined) as { nip: string; token: string }[],
        faults: {
          ...(flags.fault5xx !== undefined ? { error5xxRate: flags.fault5xx } : {}),
          ...(flags.faultLatency !== undefined ? { latencyMs: flags.faultLatency } : {}),
          ...(flags.faultDrop !== undefined ? { dropRate: flags.faultDrop } : {}),
          ...(flags.faultFirewall !== undefined ? { firewallHtmlRate: flags.faultFirewall } : {}),
          ...(flags.faultSlowUpo !== undefined ? { upoDelayMs: flags.faultSlowUpo } : {}),
          ...(flags.faultPath ? { paths: flags.faultPath } : {}),
        },
      };
      const sim = await startSimulator(opts);
      const out = (line: string): void => void process.stdout.write(line + '\n');
      out(`KSeF simulator listening on ${sim.baseUrl} (mode ${flags.mode}, rate limits ${flags.rateLimits})`);
      for (const t of tokens) {
        if (t.token === undefined) out(`token for NIP ${t.nip}: ${sim.registerToken(t.nip)}`);
        else out(`token registered for NIP ${t.nip}`);
      }
      for (const spec of flags.incoming ?? []) {
        const [nip, count] = spec.split('=');
        if (!nip || !/^\d{10}$/.test(nip) || !Number.isInteger(Number(count)) || Number(count) < 1) throw new InvalidArgumentError(`--incoming ${spec}: expected NIP=COUNT`);
        out(`generated ${sim.generateIncoming({ buyerNip: nip, count: Number(count) }).length} purchase invoices for NIP ${nip}`);
      }
      out(`admin API: ${sim.baseUrl.replace(/\/v2$/, '')}/_sim/  (Ctrl+C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
      out('KSeF simulator stopped');
    });
}
