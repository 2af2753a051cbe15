/**
 * ajv errors → one AgentError each, with the mapping file, JSON pointer, position and what was
 * expected. Used for every mapping-like file (sales and purchase mappings), each with its schema.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { AgentError } from '../core/errors.ts';
import { configError } from './compile-ctx.ts';
import { MAPPING_SCHEMA } from './mapping-schema.ts';
import type { TextPosition as Position } from '../core/json-text.ts';

/** A JSON Schema and the codes its problems are reported with. */
export interface SchemaUse {
  readonly schema: object;
  /** code of each schema problem */
  readonly code: string;
  /** code of a JSON syntax error */
  readonly syntaxCode: string;
  /** the rule quoted in each problem */
  readonly rule: string;
}

export const MAPPING_SCHEMA_USE: SchemaUse = { schema: MAPPING_SCHEMA, code: 'MAP_SCHEMA', syntaxCode: 'MAP_JSON_SYNTAX', rule: 'mapping schema (schema/mapping.schema.json)' };

const validators = new WeakMap<object, ValidateFunction>();

function getValidator(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false }).compile(schema);
    validators.set(schema, v);
  }
  return v;
}

export function schemaErrors(value: unknown, file: string, positions: ReadonlyMap<string, Position>, use: SchemaUse = MAPPING_SCHEMA_USE): AgentError[] {
  const validate = getValidator(use.schema);
  if (validate(value)) return [];
  const ctx = { file, positions };
  const out: AgentError[] = [];
  const seen = new Set<string>();
  const errs = validate.errors ?? [];
  for (const e of errs) {
    if (e.keyword === 'if') continue;
    // a oneOf of "exactly one of these keys" says so itself; its branches' errors add nothing
    if (e.keyword === 'required' && errs.some((o) => o.keyword === 'oneOf' && o.instancePath === e.instancePath && exactlyOneOf(o))) continue;
    if (e.keyword === 'pattern' && e.propertyName !== undefined) continue; // reported by propertyNames
    const { pointer, message } = describe(e);
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const data = e.data;
    out.push(
      configError(ctx, use.code, pointer, message, {
        rule: use.rule,
        ...(typeof data === 'string' || typeof data === 'number' || typeof data === 'boolean' ? { value: String(data) } : {}),
      }),
    );
  }
  return out;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function describe(e: ErrorObject): { pointer: string; message: string } {
  const p = e.params as Record<string, unknown>;
  const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(p['additionalProperty']);
      const allowed = parent?.properties ? Object.keys(parent.properties) : [];
      return { pointer: `${e.instancePath}/${esc(prop)}`, message: `unknown property "${prop}"${allowed.length ? `; expected one of: ${allowed.join(', ')}` : ''}` };
    }
    case 'required':
      return { pointer: e.instancePath, message: `missing required property "${String(p['missingProperty'])}"` };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of: ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { pointer: e.instancePath, message: `must be ${String(p['type']).replace(',', ' or ')}` };
    case 'oneOf': {
      const keys = exactlyOneOf(e);
      if (!keys) return { pointer: e.instancePath, message: 'does not match exactly one allowed form' };
      const found = e.data && typeof e.data === 'object' ? keys.filter((k) => k in (e.data as object)) : [];
      return { pointer: e.instancePath, message: `give exactly one of ${keys.join(', ')} (found ${found.length ? found.join(', ') : 'none'})` };
    }
    case 'minProperties':
      return { pointer: e.instancePath, message: `needs at least ${String(p['limit'])} propert${p['limit'] === 1 ? 'y' : 'ies'}${describedAs(parent)}` };
    case 'propertyNames':
      return { pointer: `${e.instancePath}/${esc(String(p['propertyName']))}`, message: `"${String(p['propertyName'])}" is not an allowed name here${describedAs(e.schema as object)}` };
    case 'pattern':
      return { pointer: e.instancePath, message: `${JSON.stringify(e.data)} does not have the expected form${describedAs(parent)}` };
    case 'anyOf':
      return { pointer: e.instancePath, message: 'does not match any allowed form (see the messages above for each form)' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}

/** the keys of a oneOf whose every branch is `{ required: [key] }` */
function exactlyOneOf(e: ErrorObject): string[] | undefined {
  const branches = e.schema as unknown;
  if (!Array.isArray(branches)) return undefined;
  const keys = branches.map((b: { required?: unknown }) => (Array.isArray(b.required) && b.required.length === 1 ? String(b.required[0]) : undefined));
  return keys.every((k): k is string => k !== undefined) ? keys : undefined;
}

/** ": <description>" of the schema node, to say what was expected */
function describedAs(schema: object | undefined): string {
  const d = (schema as { description?: unknown } | undefined)?.description;
  return typeof d === 'string' ? `: ${d.replace(/\.$/, '')}` : '';
}
