import type { AgentError } from '../core/errors.ts';
import type { FixedOptions } from './options.ts';
export function checkFixedLayouts(_o: FixedOptions): AgentError[] { return []; }
