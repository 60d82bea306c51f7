import type { PublicJwk } from '../jwk.js';

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

/** The asymmetric JWS algorithms tokenward verifies. A Map: `alg` comes from the token. */
export const ALGORITHMS: ReadonlyMap<string, AlgorithmEntry> = new Map([
  ['RS256', rsa('RSASSA-PKCS1-v1_5')],
  ['RS384', rsa('RSASSA-PKCS1-v1_5')],
  ['RS512', rsa('RSASSA-PKCS1-v1_5')],
  ['PS256', rsa('RSA-PSS', 32)],
  ['PS384', rsa('RSA-PSS', 48)],
  ['PS512', rsa('RSA-PSS', 64)],
  ['ES256', ec('P-256', 'SHA-256', 64)],
  ['ES384', ec('P-384', 'SHA-384', 96)],
  ['ES512', ec('P-521', 'SHA-512', 132)],
  ['EdDSA', ed25519],
  ['Ed25519', ed25519],
]);

/** The asymmetric JWS algorithms tokenward supports. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [...ALGORITHMS.keys()];
