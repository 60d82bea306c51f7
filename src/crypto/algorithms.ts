import type { PublicJwk } from '../lib/jwk.js';

/** What one JWS algorithm needs: the key type and curve, WebCrypto's parameters, and for
 * ECDSA and EdDSA the fixed signature length (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
export interface AlgorithmEntry {
  readonly kty: PublicJwk['kty'];
  readonly crv?: string;
  readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  /** WebCrypto's parameters to import a key for this algorithm (the hash is bound to RSA keys). */
  readonly importParams: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams;
  /** The hash of the signing input, as node:crypto and portable providers name it. */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined;
  /** r || s for ECDSA (RFC 7518 §3.4); RSA signatures are as long as the modulus. */
  readonly signatureBytes?: number;
}

type Hash = 'SHA-256' | 'SHA-384' | 'SHA-512';
const rsa = (name: string, hash: Hash, saltLength?: number): AlgorithmEntry => ({
  kty: 'RSA',
  params: saltLength === undefined ? { name } : { name, saltLength },
  importParams: { name, hash },
  hash,
});
const ec = (crv: string, hash: Hash, signatureBytes: number): AlgorithmEntry => ({
  kty: 'EC',
  crv,
  params: { name: 'ECDSA', hash },
  importParams: { name: 'ECDSA', namedCurve: crv },
  hash,
  signatureBytes,
});
const ed25519: AlgorithmEntry = {
  kty: 'OKP',
  crv: 'Ed25519',
  params: { name: 'Ed25519' },
  importParams: { name: 'Ed25519' },
  hash: undefined,
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
  RS256: rsa('RSASSA-PKCS1-v1_5', 'SHA-256'),
  RS384: rsa('RSASSA-PKCS1-v1_5', 'SHA-384'),
  RS512: rsa('RSASSA-PKCS1-v1_5', 'SHA-512'),
  PS256: rsa('RSA-PSS', 'SHA-256', 32),
  PS384: rsa('RSA-PSS', 'SHA-384', 48),
  PS512: rsa('RSA-PSS', 'SHA-512', 64),
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
