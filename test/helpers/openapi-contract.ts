/**
 * Checks HTTP responses against the official KSeF OpenAPI document (../shared/ksef/openapi.json):
 * the operation is found by method and path, the status must be documented, and a JSON body must
 * validate against the schema for its content type (OpenAPI 3.0 `nullable` honoured, $refs
 * resolved). Usable by any test that talks to the simulator or a KSeF-like server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const OPENAPI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'ksef', 'openapi.json');

type Json = Record<string, unknown>;

export interface ContractResponse {
  readonly method: string;
  /** Full URL or path; a `/v2` prefix is stripped. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly headers: Record<string, string | undefined>;
  /** Body text (JSON or XML). */
  readonly body: string;
}

/** OpenAPI 3.0 `nullable: true` → JSON Schema `anyOf [null, …]` (works with allOf/$ref siblings too). */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    out[k] = convert(v);
  }
  if ((out as { $ref?: unknown }).$ref && typeof out['$ref'] === 'string') {
    out['$ref'] = (out['$ref'] as string).replace('#/components/schemas/', 'openapi#/components/schemas/');
  }
  if (out['nullable'] === true) {
    delete out['nullable'];
    return { anyOf: [{ type: 'null' }, out] };
  }
  delete out['nullable'];
  return out;
}

export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly ops: { method: string; template: string; re: RegExp; op: Json }[] = [];

  constructor(doc: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'double', 'float']) this.ajv.addFormat(f, { type: 'number', validate: () => true });
    this.ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
    const components = convert((doc['components'] as Json)) as Json;
    this.ajv.addSchema({ $id: 'openapi', components }, 'openapi');
    const paths = doc['paths'] as Record<string, Record<string, Json>>;
    // Literal segments beat parameters: sort so that more literal templates are tried first.
    const params = (t: string): number => t.match(/\{/g)?.length ?? 0;
    const entries = Object.entries(paths).sort(([a], [b]) => params(a) - params(b));
    for (const [template, item] of entries) {
      const re = new RegExp('^' + template.replace(/\{\w+\}/g, '[^/]+') + '$');
      for (const [method, op] of Object.entries(item)) this.ops.push({ method: method.toUpperCase(), template, re, op });
    }
  }

  /** The contract, or undefined when the OpenAPI file is absent (tests then skip with a message). */
  static load(path: string = OPENAPI_PATH): OpenApiContract | undefined {
    if (!existsSync(path)) return undefined;
    return new OpenApiContract(JSON.parse(readFileSync(path, 'utf8')) as Json);
  }

  operation(method: string, url: string): { template: string; op: Json } | undefined {
    const path = new URL(url, 'http://x').pathname.replace(/^\/v2(?=\/)/, '');
    return this.ops.find((o) => o.method === method.toUpperCase() && o.re.test(path));
  }

  /** Problems with this response; empty when it matches the contract. */
  check(r: ContractResponse): string[] {
    const where = `${r.method} ${r.url} → ${r.status}`;
    const found = this.operation(r.method, r.url);
    if (!found) return [`${where}: no such operation in openapi.json`];
    const responses = found.op['responses'] as Record<string, Json>;
    const resp = responses[String(r.status)];
    if (!resp) return [`${where}: status ${r.status} is not documented for ${r.method} ${found.template}`];
    const problems: string[] = [];
    const headers = (resp['headers'] ?? {}) as Record<string, unknown>;
    for (const name of Object.keys(headers)) {
      if (/^(retry-after|x-ms-meta-hash)$/i.test(name) && r.headers[name.toLowerCase()] === undefined) problems.push(`${where}: missing header ${name}`);
    }
    const content = resp['content'] as Record<string, { schema?: Json }> | undefined;
    if (!content) {
      if (r.body.length > 0) problems.push(`${where}: body present but none documented`);
      return problems;
    }
    const type = r.contentType.split(';')[0]!.trim().toLowerCase();
    const media = content[type];
    if (!media) return [...problems, `${where}: content type ${type} not documented (expected ${Object.keys(content).join(', ')})`];
    if (!type.includes('json')) return problems;
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      return [...problems, `${where}: body is not JSON`];
    }
    const key = `${r.method} ${found.template} ${r.status} ${type}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(convert(media.schema ?? {}) as Json);
      this.cache.set(key, validate);
    }
    if (!validate(body)) {
      for (const e of validate.errors ?? []) problems.push(`${where}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
    return problems;
  }
}
