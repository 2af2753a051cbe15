// Which of an inbox's mappings takes a file (pipeline/choose-mapping.ts): a table of cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledMapping } from '../../src/mapping/index.ts';
import { chooseMapping } from '../../src/pipeline/choose-mapping.ts';
import type { MappingCandidate } from '../../src/pipeline/choose-mapping.ts';

const m = (path: string, files: string[] | null): MappingCandidate => (files === null ? { path } : { path, compiled: { applies: { files } } as unknown as CompiledMapping });

const cases: [string, MappingCandidate[], string, string | RegExp][] = [
  ['one mapping naming no files takes every file (as before applies routed)', [m('a.json', [])], 'anything.bin', 'a.json'],
  ['one mapping: its pattern matches, letter case ignored', [m('a.json', ['FAKT*.TXT'])], 'fakt1121.txt', 'a.json'],
  ['one mapping whose pattern does not match: none', [m('a.json', ['*.csv'])], 'x.txt', /INBOX_NO_MAPPING.*"x\.txt": a\.json takes "\*\.csv"/],
  ['the first that matches wins', [m('a.json', ['*.csv']), m('b.json', ['f*.csv'])], 'f1.csv', 'a.json'],
  ['a later one when the first does not match', [m('a.json', ['*.csv']), m('b.json', ['*.json', '*.jsonl'])], 'o.jsonl', 'b.json'],
  ['? is one character', [m('a.json', ['x?.csv']), m('b.json', [])], 'x10.csv', 'b.json'],
  ['a catch-all after a specific one', [m('a.json', ['*.csv']), m('b.json', [])], 'x.xml', 'b.json'],
  ['a first mapping that does not load takes the file (it fails with its problems)', [m('a.json', null), m('b.json', [])], 'x.csv', 'a.json'],
  ['* matches a name holding a line break (legal on Unix; hostile-inputs drops one)', [m('a.json', ['*.csv'])], 'line\nbreak.csv', 'a.json'],
  ['regex characters in a pattern are literal', [m('a.json', ['a+b.(1).csv'])], 'aab.1.csv', /INBOX_NO_MAPPING/],
];
for (const [name, candidates, file, want] of cases) {
  test(`chooseMapping: ${name}`, () => {
    const c = chooseMapping('in', candidates, file);
    if (typeof want === 'string') assert.equal(c.chosen, want, c.chosen === undefined ? c.problem.message : c.why);
    else {
      assert.equal(c.chosen, undefined);
      assert.match(`${c.problem!.code} ${c.problem!.message}`, want);
    }
  });
}
