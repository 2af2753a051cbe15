/**
 * The official auth XSDs a XAdES AuthTokenRequest must match (PROTOCOL §4.6; 21401 otherwise).
 * They are data of the Ministry that the project does not copy (DESIGN §3) and no npm package
 * ships, so they are found at run time: the simulator option, $KSEF_AUTH_XSD_DIR, or
 * `../shared/schemas/auth` beside the repository. Without them the caller's element checks stand
 * alone. The XSD has no place for ds:Signature: what is validated is the document as signed, i.e.
 * with the enveloped signature removed (the enveloped-signature transform).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLSerializer } from '@xmldom/xmldom';
import { compileXsd, type XmlSchemaValidator, type XsdProblem } from '../xsd/xsd-validator.ts';

const FILES: Readonly<Record<string, string>> = {
  'http://ksef.mf.gov.pl/auth/token/2.0': 'schemat_auth_v2-0.xsd',
  'http://ksef.mf.gov.pl/auth/token/2.1': 'schemat_auth_v2-1.xsd',
};

const cache = new Map<string, XmlSchemaValidator | null>();

/** The folder holding the auth XSDs, or undefined when none is found. */
export function authSchemaDir(configured?: string): string | undefined {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const has = (d: string): boolean => existsSync(join(d, FILES['http://ksef.mf.gov.pl/auth/token/2.1']!));
  // a folder someone named must hold them: silently validating nothing would claim a check never made
  for (const [d, what] of [[configured, 'the simulator option authSchemaDir'], [process.env['KSEF_AUTH_XSD_DIR'], '$KSEF_AUTH_XSD_DIR']] as const) {
    if (!d) continue;
    if (!has(d)) throw new Error(`${what} names ${d}, which does not hold ${FILES['http://ksef.mf.gov.pl/auth/token/2.1']}`);
    return d;
  }
  const beside = join(repo, '..', 'shared', 'schemas', 'auth');
  return has(beside) ? beside : undefined;
}

function validatorFor(namespace: string, dir: string): XmlSchemaValidator | null {
  const key = `${dir}|${namespace}`;
  if (!cache.has(key)) {
    const file = join(dir, FILES[namespace] ?? '');
    cache.set(key, FILES[namespace] && existsSync(file) ? compileXsd(readFileSync(file), 'file://' + file) : null);
  }
  return cache.get(key)!;
}

/**
 * XSD problems of the signed AuthTokenRequest with its enveloped signature taken out; undefined
 * when no schema is available for its namespace.
 */
export function authSchemaProblems(root: Element, signature: Element, configuredDir?: string): readonly XsdProblem[] | undefined {
  const dir = authSchemaDir(configuredDir);
  const validator = dir ? validatorFor(root.namespaceURI ?? '', dir) : null;
  if (!validator) return undefined;
  const copy = root.cloneNode(true) as Element;
  for (let n = copy.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === signature.localName && (n as Element).namespaceURI === signature.namespaceURI) {
      copy.removeChild(n);
      break;
    }
  }
  return validator.validate(new XMLSerializer().serializeToString(copy));
}
