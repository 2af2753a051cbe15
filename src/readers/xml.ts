import type { Reader, OptionsOf } from './registry.ts';
export const xmlReader: Reader<OptionsOf<'xml'>> = {
  read: () => { throw new Error('todo'); },
};
