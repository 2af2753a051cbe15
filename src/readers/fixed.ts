import type { Reader, OptionsOf } from './registry.ts';
export const fixedReader: Reader<OptionsOf<'fixed'>> = {
  read: () => { throw new Error('todo'); },
};
