/** What `suggest` found, for the summary on stderr (filled by each step as it goes). */
import type { SuggestFormat } from './detect-format.ts';

export interface SuggestFacts {
  readonly file: string;
  format?: SuggestFormat;
  encoding?: string;
  encodingHow?: string;
  delimiter?: string;
  headerRow?: number;
  sheet?: string;
  sheets?: string[];
  records?: string;
  grouping?: string;
  unpivot?: string;
  decimal: string[];
  dates: string[];
  guessed: string[];
  todos: string[];
  warnings: string[];
  /** true when the mapping uses issue 11 vocabulary that must be merged before it loads */
  needsNewVocabulary?: string;
}
