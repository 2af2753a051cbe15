import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface Pkcs12Contents {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
}

/**
 * Opens a PKCS#12 (.p12/.pfx) file with node-forge, which does the PKCS#12 decryption (PBES2/AES
 * as OpenSSL 3 writes it, and the legacy RC2/3DES forms). ksef-client-ts's Pkcs12Loader is built
 * on the same library but cannot hand out EC keys or certificates (forge only models RSA ones), so
 * the bags are taken here as raw DER and given to node:crypto, which reads RSA and EC alike.
 * Throws Error('wrong passphrase') when the MAC or the key does not open with the passphrase.
 */
export function readPkcs12(bytes: Buffer, passphrase: string): Pkcs12Contents {
  const { asn1, pkcs12, pki } = forge;
  let p12;
  try {
    p12 = pkcs12.pkcs12FromAsn1(asn1.fromDer(bytes.toString('binary'), false), false, passphrase);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (/mac could not be verified|invalid password|wrong password|decrypt/i.test(m)) throw new Error('wrong passphrase');
    throw new Error(`not a readable PKCS#12 file (${m})`);
  }
  const der = (a: ReturnType<typeof asn1.fromDer>): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
  const certBag = p12.getBags({ bagType: pki.oids['certBag']! })[pki.oids['certBag']!]?.[0];
  const keyBag = p12.getBags({ bagType: pki.oids['pkcs8ShroudedKeyBag']! })[pki.oids['pkcs8ShroudedKeyBag']!]?.[0]
    ?? p12.getBags({ bagType: pki.oids['keyBag']! })[pki.oids['keyBag']!]?.[0];
  if (!certBag) throw new Error('the PKCS#12 file holds no certificate');
  if (!keyBag) throw new Error('the PKCS#12 file holds no private key');
  const certificate = new X509Certificate(certBag.cert ? der(pki.certificateToAsn1(certBag.cert)) : der(certBag.asn1!));
  const privateKey = keyBag.key
    ? createPrivateKey({ key: der(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(keyBag.key))), format: 'der', type: 'pkcs8' })
    : createPrivateKey({ key: der(keyBag.asn1!), format: 'der', type: 'pkcs8' });
  return { certificate, privateKey };
}
