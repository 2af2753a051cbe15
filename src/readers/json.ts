import type { Reader, OptionsOf } from './registry.ts';
export const jsonReader: Reader<OptionsOf<'json'>> = {
  read: () => { throw new Error('todo'); },
};
