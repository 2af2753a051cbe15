import { configSchema } from './config-schema.ts';

/** The published form of the configuration schema (schema/config.schema.json), byte for byte. */
export function renderConfigSchema(): string {
  return JSON.stringify(configSchema, null, 2) + '\n';
}
