/** A public JSON Web Key as tokenward keeps it, once screened (RFC 7517 §4, RFC 7518 §6). */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP' | 'AKP';
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  /** An AKP (ML-DSA) public key, RFC 9964. */
  pub?: string;
  /** The issuer this key serves, as Microsoft Entra publishes it (may hold `{tenantid}`). */
  issuer?: string;
}
