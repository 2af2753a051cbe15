/**
 * The configuration is declared once, in src/config/config-schema.ts: its file shape is generated
 * from it (config-file.generated.ts, npm run schema) and the checked AgentConfig must agree with
 * it, section by section: the same keys (but for what the loader derives) and values of the types
 * the schema allows. The type-level assertions fail `npm run typecheck` naming the disagreeing keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { AgentConfig, CertificateSource, CompanyConfig, InboxConfig } from '../../src/config/agent-config.ts';
import type { ConfigFile } from '../../src/config/config-file.generated.ts';

type Deep<T> = T extends readonly (infer E)[] ? Deep<E>[] : T extends object ? { -readonly [K in keyof T]: Deep<T[K]> } : T;
type Elem<T> = T extends readonly (infer E)[] ? E : never;
/** keys only one side has, but for those the loader adds (Derived) */
type KeyDiff<Checked, File, Derived extends PropertyKey = never> = Exclude<Exclude<keyof Checked, keyof File> | Exclude<keyof File, keyof Checked>, Derived>;
/** keys present on both sides whose checked value is not a value the schema allows */
type TypeDiff<Checked, File> = { [K in keyof Checked & keyof File]-?: Deep<NonNullable<Checked[K]>> extends Deep<NonNullable<File[K]>> ? never : K }[keyof Checked & keyof File];
type Agrees<X extends never> = X;

type F = Required<ConfigFile>;
type Sections = 'simulator' | 'ksef' | 'send' | 'purchases' | 'once' | 'watcher' | 'resultsCsv' | 'logging' | 'health' | 'limits';
type FileCompany = Elem<F['companies']>;
type FileInbox = Elem<NonNullable<FileCompany['inboxes']>>;

// configFile: where it was read from; root: made absolute (the file may leave it out)
type _Top = Agrees<KeyDiff<AgentConfig, F, 'configFile' | '$schema'>>; // $schema: for editors only
type _Sections = Agrees<{ [S in Sections]: KeyDiff<AgentConfig[S], NonNullable<F[S]>> }[Sections]>;
type _SectionTypes = Agrees<{ [S in Sections]: TypeDiff<AgentConfig[S], NonNullable<F[S]>> }[Sections]>;
type _Company = Agrees<KeyDiff<CompanyConfig, FileCompany>>;
type _CompanyTypes = Agrees<TypeDiff<Omit<CompanyConfig, 'inboxes' | 'certificate' | 'folders'>, FileCompany>>;
type _Certificate = Agrees<KeyDiff<CertificateSource, NonNullable<FileCompany['certificate']>>>;
type _Inbox = Agrees<KeyDiff<InboxConfig, FileInbox, 'mappings'>>; // mappings: the loader's list form of mapping
export type ConfigAgreement = [_Top, _Sections, _SectionTypes, _Company, _CompanyTypes, _Certificate, _Inbox];

test('src/config/config-file.generated.ts is what the configuration schema gives (run: npm run schema)', async () => {
  const { TYPE_FILES, renderTypes } = await import('../../scripts/write-schemas.ts');
  const t = TYPE_FILES.find((x) => x.path === 'src/config/config-file.generated.ts')!;
  assert.equal(await readFile(t.path, 'utf8'), await renderTypes(t.schema, t.name));
});
