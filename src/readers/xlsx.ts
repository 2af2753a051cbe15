import type { Reader, OptionsOf } from './registry.ts';
export const xlsxReader: Reader<OptionsOf<'xlsx'>> = {
  read: () => { throw new Error('todo'); },
};
