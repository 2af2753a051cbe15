/** ajv errors → one AgentError each, with the mapping file, JSON pointer, position and what was expected. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { AgentError } from '../core/errors.ts';
import { configError } from './compile-ctx.ts';
import { MAPPING_SCHEMA } from './mapping-schema.ts';
import type { TextPosition as Position } from '../core/json-text.ts';

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false }).compile(MAPPING_SCHEMA);
  return validator;
}

export function schemaErrors(value: unknown, file: string, positions: ReadonlyMap<string, Position>): AgentError[] {
  const validate = getValidator();
  if (validate(value)) return [];
  const ctx = { file, positions };
  const out: AgentError[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue;
    const { pointer, message } = describe(e);
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const data = e.data;
    out.push(
      configError(ctx, 'MAP_SCHEMA', pointer, message, {
        rule: 'mapping schema (schema/mapping.schema.json)',
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
    case 'anyOf':
      return { pointer: e.instancePath, message: 'does not match any allowed form (see the messages above for each form)' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}
