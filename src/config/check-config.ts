import { dirname, resolve, relative, isAbsolute } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { AgentError } from '../core/errors.ts';
import type { AgentConfig, CertificateSource, CompanyConfig, InboxConfig } from './agent-config.ts';
import type { Limits } from '../core/limits.ts';
import { configSchema } from './config-schema.ts';
import { isValidNip, nipProblem } from '../core/nip.ts';

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true });
    ajv.addFormat('nip', { type: 'string', validate: isValidNip });
    compiled = ajv.compile(configSchema);
  }
  return compiled;
}

/** `/companies/0/nip` → `$.companies[0].nip` */
export function jsonPath(pointer: string, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '$';
  for (const p of parts) out += /^[0-9]+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out;
}

const isSecretPath = (pointer: string): boolean => /(^|\/)token(\/|$)/i.test(pointer);

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/** The checksum wording the config has always used; the FA pattern rule (no leading 0, no "00") in nipProblem's words. */
const nipFault = (v: unknown): string => {
  const problem = typeof v === 'string' ? nipProblem(v) : undefined;
  return problem === undefined || problem.startsWith('NIP checksum') || problem.startsWith('no valid NIP') ? 'the checksum digit does not match' : problem;
};

function describeAjvError(e: ErrorObject): string {
  const secret = isSecretPath(e.instancePath);
  const got = secret ? '' : ` (got ${shown(e.data)})`;
  const desc = typeof e.parentSchema?.['description'] === 'string' ? ` — ${e.parentSchema['description']}` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${jsonPath(e.instancePath, String(p['missingProperty']))}: required property is missing`;
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {}).join(', ');
      return `${jsonPath(e.instancePath, String(p['additionalProperty']))}: unknown property (expected one of: ${allowed})`;
    }
    case 'enum':
      return `${jsonPath(e.instancePath)}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'type':
      return `${jsonPath(e.instancePath)}: must be ${String(p['type'])}${secret ? '' : ` (got ${Array.isArray(e.data) ? 'array' : e.data === null ? 'null' : typeof e.data})`}${desc}`;
    case 'format':
      if (p['format'] === 'nip') return `${jsonPath(e.instancePath)}: not a valid NIP: ${nipFault(e.data)}${got}`;
      return `${jsonPath(e.instancePath)}: must be a ${String(p['format'])}${got}`;
    case 'anyOf': {
      // only when the value fits none of the forms by type (pruneAnyOf keeps the fitting form's own errors otherwise)
      const forms = ((e.parentSchema?.['anyOf'] as { type?: string }[] | undefined) ?? []).map((f) => (f.type === 'array' ? 'a list' : `a ${f.type ?? 'value'}`));
      return `${jsonPath(e.instancePath)}: must be ${forms.join(' or ')}${got}${desc}`;
    }
    case 'pattern':
      return `${jsonPath(e.instancePath)}: does not match the expected form${got}${desc}`;
    case 'minItems':
      return `${jsonPath(e.instancePath)}: must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}${desc}`;
    case 'minProperties':
    case 'maxProperties':
      return `${jsonPath(e.instancePath)}: ${secret ? 'must name exactly one source: {"env": "VARIABLE"} or {"file": "path"} (the token itself is never written in the configuration)' : e.message ?? e.keyword}`;
    default:
      return `${jsonPath(e.instancePath)}: ${e.message ?? e.keyword}${got}${desc}`;
  }
}

/**
 * A value that may take several forms (anyOf, e.g. one mapping or a list): the problems of the form
 * its type fits, not "must be string" for a list; when it fits none by type, the anyOf error alone.
 */
function pruneAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors];
  for (const a of errors.filter((e) => e.keyword === 'anyOf')) {
    const inside = out.filter((e) => e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`) && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`)));
    const fitting = inside.filter((e) => e.keyword !== 'type');
    out = out.filter((e) => !inside.includes(e) || fitting.includes(e));
    if (fitting.length > 0) out = out.filter((e) => e !== a);
  }
  return out;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** true when `inner` is `outer` or inside it */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A KSeF API base as the client expects it: http(s), a host, the path ending in /v2 (e.g.
 * http://127.0.0.1:8080/v2, as the sim command prints it). Without /v2 every call would be a 404.
 */
function apiUrlProblem(v: unknown, path: string): string[] {
  if (typeof v !== 'string' || !/^https?:\/\//.test(v)) return [];
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return [`${path}: not a well-formed URL (got ${shown(v)})`];
  }
  if (!u.hostname) return [`${path}: the URL names no host (got ${shown(v)})`];
  if (u.search || u.hash) return [`${path}: the API base URL takes no query or fragment (got ${shown(v)})`];
  if (!/\/v2\/?$/.test(u.pathname)) return [`${path}: must be the API base ending in /v2, e.g. ${u.origin}/v2 (got ${shown(v)})`];
  return [];
}

const CERT_FILE_KEYS = ['certificateFile', 'privateKeyFile', 'pkcs12File', 'passphraseFile'] as const;

function resolveCertificate(c: Raw, base: string): CertificateSource {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'string') out[k] = (CERT_FILE_KEYS as readonly string[]).includes(k) ? resolve(base, v) : v;
  return out as unknown as CertificateSource;
}

/** A company logs in with a token or a certificate, and a certificate's sources must fit together. */
function credentialProblems(c: Raw, at: string): string[] {
  const token = c['token'] !== undefined;
  const cert = obj(c['certificate']);
  if (token && cert) return [`${at}: give either token or certificate, not both (the company logs in with one credential)`];
  if (!token && !cert) return [`${at}.token: required property is missing: give token ({"env": "VARIABLE"} or {"file": "path"}) or certificate`];
  if (!cert) return [];
  const has = (k: string): boolean => typeof cert[k] === 'string';
  const count = (...ks: string[]): number => ks.filter(has).length;
  const p = `${at}.certificate`;
  const out: string[] = [];
  const pem = count('certificateFile', 'certificateEnv', 'privateKeyFile', 'privateKeyEnv') > 0;
  const p12 = count('pkcs12File', 'pkcs12Env') > 0;
  if (pem && p12) out.push(`${p}: give either a PEM certificate and key (certificateFile/certificateEnv with privateKeyFile/privateKeyEnv) or a PKCS#12 (pkcs12File/pkcs12Env), not both`);
  else if (p12) {
    if (count('pkcs12File', 'pkcs12Env') > 1) out.push(`${p}: give one of pkcs12File and pkcs12Env`);
    if (count('passphraseEnv', 'passphraseFile') === 0) out.push(`${p}.passphraseEnv: required with a PKCS#12: give passphraseEnv or passphraseFile`);
  } else {
    if (count('certificateFile', 'certificateEnv') !== 1) out.push(`${p}.certificateFile: give exactly one of certificateFile and certificateEnv (the PEM certificate)`);
    if (count('privateKeyFile', 'privateKeyEnv') !== 1) out.push(`${p}.privateKeyFile: give exactly one of privateKeyFile and privateKeyEnv (the PEM private key)`);
  }
  if (count('passphraseEnv', 'passphraseFile') > 1) out.push(`${p}: give one of passphraseEnv and passphraseFile`);
  return out;
}

/** Cross-field checks a JSON Schema cannot express; tolerant of data that failed the schema. */
function semanticProblems(raw: Raw, resolveFolders: (c: Raw) => { folders: Record<string, string>; inboxes: { id: string; folder: string; files?: string }[] }): string[] {
  const problems: string[] = [];
  const env = str(raw['environment']);
  problems.push(...apiUrlProblem(obj(raw['simulator'])?.['url'], '$.simulator.url'), ...apiUrlProblem(obj(raw['ksef'])?.['baseUrl'], '$.ksef.baseUrl'));
  const ids = new Map<string, number>();
  arr(raw['companies']).forEach((c0, i) => {
    const c = obj(c0);
    if (!c) return;
    const id = str(c['id']);
    if (id !== undefined) {
      if (ids.has(id)) problems.push(`$.companies[${i}].id: company id "${id}" is already used by $.companies[${ids.get(id)}]`);
      else ids.set(id, i);
    }
    if (c['schema'] === 'FA(2)' && env !== undefined && env !== 'test' && env !== 'sim') {
      problems.push(
        `$.companies[${i}].schema: FA(2) is refused on environment "${env}": KSeF accepts FA(2) only on TEST; DEMO and PROD accept FA(3) only (use "FA(3)", or environment "test" or "sim")`,
      );
    } else if (c['schema'] === 'FA(2)' && env === 'sim' && obj(raw['simulator'])?.['mode'] === 'prod') {
      problems.push(`$.companies[${i}].schema: FA(2) is refused with simulator.mode "prod": it behaves like KSeF PROD, which accepts FA(3) only (use "FA(3)" or simulator.mode "test")`);
    }
    problems.push(...credentialProblems(c, `$.companies[${i}]`));
    const inboxIds = new Map<string, number>();
    arr(c['inboxes']).forEach((b0, j) => {
      const iid = str(obj(b0)?.['id']);
      if (iid === undefined) return;
      if (inboxIds.has(iid)) problems.push(`$.companies[${i}].inboxes[${j}].id: inbox id "${iid}" is already used by $.companies[${i}].inboxes[${inboxIds.get(iid)}]`);
      else inboxIds.set(iid, j);
    });
    if (id === undefined || !Array.isArray(c['inboxes'])) return;
    const { folders, inboxes } = resolveFolders(c);
    const byFolder = new Map<string, number[]>();
    inboxes.forEach((b, j) => byFolder.set(b.folder, [...(byFolder.get(b.folder) ?? []), j]));
    for (const [, js] of byFolder) {
      if (js.length > 1) {
        for (const j of js) {
          if (!inboxes[j]!.files) problems.push(`$.companies[${i}].inboxes[${j}].files: required because ${js.length} inboxes share the folder; each must say which files it takes`);
        }
      }
    }
    for (const name of ['outbox', 'archive', 'work'] as const) {
      inboxes.forEach((b, j) => {
        const f = folders[name]!;
        if (within(f, b.folder)) problems.push(`$.companies[${i}].folders.${name}: must be outside the inbox folder of $.companies[${i}].inboxes[${j}] (${b.folder}), or the agent would watch its own files`);
        else if (within(b.folder, f)) problems.push(`$.companies[${i}].inboxes[${j}].folder: must not be inside the ${name} folder (${f})`);
      });
    }
  });
  return problems;
}

/**
 * Checks a parsed configuration object (mutated: defaults are filled in) and returns the typed
 * configuration with every path absolute. All problems are reported at once in one AgentError
 * `CFG_INVALID` whose `details` has one line per problem, each starting with its JSON path.
 */
export function checkConfig(raw: unknown, configFile: string): AgentConfig {
  const file = resolve(configFile);
  const base = dirname(file);
  const validate = validator();
  const valid = validate(raw);
  const errors = valid ? [] : (validate.errors ?? []);
  // a value with the wrong form also fails its checksum: say the first thing only
  const patternAt = new Set(errors.filter((e) => e.keyword === 'pattern').map((e) => e.instancePath));
  const problems = pruneAnyOf(errors).filter((e) => !(e.keyword === 'format' && patternAt.has(e.instancePath))).map(describeAjvError);
  const data = obj(raw);
  if (!data) throw invalid(file, problems.length ? problems : ['$: must be an object']);
  const root = resolve(base, str(data['root']) ?? './data');
  const resolveCompany = (c: Raw) => {
    const id = str(c['id']) ?? 'company';
    const f = obj(c['folders']) ?? {};
    const folders: Record<string, string> = {};
    for (const name of ['inbox', 'outbox', 'archive', 'work']) {
      const given = str(f[name]);
      folders[name] = given !== undefined ? resolve(base, given) : resolve(root, id, name);
    }
    const inboxes = arr(c['inboxes']).map((b0) => {
      const b = obj(b0) ?? {};
      const given = str(b['folder']);
      const files = str(b['files']);
      return { id: str(b['id']) ?? '', folder: given !== undefined ? resolve(base, given) : folders['inbox']!, ...(files !== undefined ? { files } : {}) };
    });
    return { folders, inboxes };
  };
  problems.push(...semanticProblems(data, resolveCompany));
  // duplicates from several ajv paths (allErrors) say the same thing twice
  const unique = [...new Set(problems)];
  if (unique.length) throw invalid(file, unique);

  const d = data as unknown as Omit<AgentConfig, 'configFile' | 'root' | 'companies' | 'logging'> & { logging: Raw; companies: Raw[] };
  const companies: CompanyConfig[] = d.companies.map((c) => {
    const { folders, inboxes } = resolveCompany(c);
    const token = obj(c['token']);
    const cert = obj(c['certificate']);
    return {
      ...(c as unknown as CompanyConfig),
      ...(token ? { token: 'env' in token ? { env: String(token['env']) } : { file: resolve(base, String(token['file'])) } } : {}),
      ...(cert ? { certificate: resolveCertificate(cert, base) } : {}),
      folders: folders as unknown as CompanyConfig['folders'],
      inboxes: inboxes.map((b, j): InboxConfig => {
        const given = obj(arr(c['inboxes'])[j])!;
        const mappings = (Array.isArray(given['mapping']) ? given['mapping'] : [given['mapping']]).map((m) => resolve(base, String(m)));
        return { ...b, mapping: mappings[0]!, mappings, limits: { ...(d.limits as Limits), ...(obj(given['limits']) as Partial<Limits> | undefined) } };
      }),
    };
  });
  const logging = d.logging;
  return {
    ...d,
    configFile: file,
    root,
    companies,
    logging: { ...(logging as unknown as AgentConfig['logging']), dir: resolve(base, str(logging['dir']) ?? resolve(root, 'logs')) },
  } as AgentConfig;
}

/** One CFG_INVALID listing every problem, each starting with its JSON path (also used by the pre-start checks). */
export function configProblems(file: string, problems: readonly string[]): AgentError {
  return invalid(file, problems);
}

function invalid(file: string, problems: readonly string[]): AgentError {
  const n = problems.length;
  return new AgentError('CFG_INVALID', `configuration ${file} has ${n} problem${n === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, {
    kind: 'config',
    where: { file },
    details: problems,
  });
}
