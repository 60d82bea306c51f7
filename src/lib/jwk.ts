/** A public JSON Web Key as tokenward keeps it, once screened (RFC 7517 §4, RFC 7518 §6). */
export interface PublicJwk {
  /** Key type. */
  kty: 'RSA' | 'EC' | 'OKP';
  /** Key id, matched against a token's `kid`. */
  kid?: string;
  /** The one algorithm this key is for, when the key set says. */
  alg?: string;
  /** `sig` for signature keys (`enc` keys are ignored). */
  use?: string;
  /** Allowed operations (`verify`). */
  key_ops?: string[];
  /** Curve of an EC or OKP key (`P-256`, `Ed25519`, …). */
  crv?: string;
  /** RSA modulus, base64url. */
  n?: string;
  /** RSA public exponent, base64url. */
  e?: string;
  /** EC or OKP x coordinate (public key), base64url. */
  x?: string;
  /** EC y coordinate, base64url. */
  y?: string;
  /** The issuer this key serves, as Microsoft Entra publishes it (may hold `{tenantid}`). */
  issuer?: string;
}
