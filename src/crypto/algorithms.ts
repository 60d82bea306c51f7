import type { PublicJwk } from '../lib/jwk.js';

/** What one JWS algorithm needs: the key type and curve, WebCrypto's parameters, and for
 * ECDSA and EdDSA the fixed signature length (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
export interface AlgorithmEntry {
  readonly kty: PublicJwk['kty'];
  readonly crv?: string;
  readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  /** r || s for ECDSA (RFC 7518 §3.4); RSA signatures are as long as the modulus. */
  readonly signatureBytes?: number;
}

const rsa = (name: string, saltLength?: number): AlgorithmEntry => ({
  kty: 'RSA',
  params: saltLength === undefined ? { name } : { name, saltLength },
});
const ec = (crv: string, hash: string, signatureBytes: number): AlgorithmEntry => ({
  kty: 'EC',
  crv,
  params: { name: 'ECDSA', hash },
  signatureBytes,
});
const ed25519: AlgorithmEntry = {
  kty: 'OKP',
  crv: 'Ed25519',
  params: { name: 'Ed25519' },
  signatureBytes: 64,
};

/**
 * The JWS algorithms tokenward verifies (all asymmetric). `none` and `HS*` are not in this union,
 * so listing them is a type error as well as a TypeError at run time.
 */
export type Algorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

// A Record over the union: the compiler checks that the table and the type list the same names.
const TABLE: Record<Algorithm, AlgorithmEntry> = {
  RS256: rsa('RSASSA-PKCS1-v1_5'),
  RS384: rsa('RSASSA-PKCS1-v1_5'),
  RS512: rsa('RSASSA-PKCS1-v1_5'),
  PS256: rsa('RSA-PSS', 32),
  PS384: rsa('RSA-PSS', 48),
  PS512: rsa('RSA-PSS', 64),
  ES256: ec('P-256', 'SHA-256', 64),
  ES384: ec('P-384', 'SHA-384', 96),
  ES512: ec('P-521', 'SHA-512', 132),
  EdDSA: ed25519,
  Ed25519: ed25519,
};

/** The same table as a Map: `alg` comes from the token, never an object member lookup. */
export const ALGORITHMS: ReadonlyMap<string, AlgorithmEntry> = new Map(Object.entries(TABLE));

/** The asymmetric JWS algorithms tokenward supports. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [...ALGORITHMS.keys()];
