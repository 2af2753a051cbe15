/** The few node-forge functions src/config/read-pkcs12.ts uses (the package ships no types). */
declare module 'node-forge' {
  interface Asn1 {
    readonly __asn1: unique symbol;
  }
  interface Bag {
    cert?: unknown;
    key?: unknown;
    asn1?: Asn1;
  }
  interface Pkcs12 {
    getBags(filter: { bagType: string }): Record<string, Bag[] | undefined>;
  }
  const forge: {
    asn1: { fromDer(bytes: string, strict?: boolean): Asn1; toDer(a: Asn1): { getBytes(): string } };
    pkcs12: { pkcs12FromAsn1(a: Asn1, strict: boolean, password: string): Pkcs12 };
    pki: {
      oids: Record<string, string>;
      certificateToAsn1(cert: unknown): Asn1;
      privateKeyToAsn1(key: unknown): Asn1;
      wrapRsaPrivateKey(a: Asn1): Asn1;
    };
  };
  export default forge;
}
