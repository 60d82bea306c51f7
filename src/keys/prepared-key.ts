import { importJWK } from 'jose';
import type { PublicJwk } from '../jwk.js';
import { keyImportFailed } from '../map-error.js';

/**
 * A key ready for the signature check: the CryptoKey jose imported for one algorithm, with
 * the WebCrypto parameters and the exact signature length worked out once, at import, so no
 * token pays for them.
 */
export interface PreparedKey {
  readonly jwk: PublicJwk;
  readonly alg: string;
  readonly key: CryptoKey;
  readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  /** A signature of any other length is refused without asking WebCrypto. */
  readonly signatureLength: number;
}

// RFC 7518 §3.3-3.5 and RFC 8037 §3.1: the WebCrypto parameters each JWS algorithm verifies with.
const PARAMS: Record<string, AlgorithmIdentifier | RsaPssParams | EcdsaParams> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  RS384: { name: 'RSASSA-PKCS1-v1_5' },
  RS512: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  PS384: { name: 'RSA-PSS', saltLength: 48 },
  PS512: { name: 'RSA-PSS', saltLength: 64 },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  ES512: { name: 'ECDSA', hash: 'SHA-512' },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

// RFC 7518 §3.4: ECDSA signatures are r || s, each the size of the curve's order.
const FIXED_SIGNATURE_BYTES: Record<string, number> = {
  ES256: 64,
  ES384: 96,
  ES512: 132,
  EdDSA: 64,
  Ed25519: 64,
};

const prepared = new WeakMap<PublicJwk, Map<string, PreparedKey | Promise<PreparedKey>>>();

/**
 * Prepares a screened JWK for one algorithm, once: the result lives as long as the JWK object
 * (a fetched set's keys). Once ready the key itself is returned, not a promise, sparing the hot
 * path a microtask. Import failures are ERR_KEY_INVALID (or ERR_ALG_NOT_ALLOWED where the
 * runtime lacks the algorithm).
 */
export function prepareKey(jwk: PublicJwk, alg: string): PreparedKey | Promise<PreparedKey> {
  let byAlg = prepared.get(jwk);
  if (byAlg === undefined) prepared.set(jwk, (byAlg = new Map()));
  const known = byAlg.get(alg);
  if (known !== undefined) return known;
  const pending = importFor(jwk, alg);
  byAlg.set(alg, pending);
  pending.then(
    (key) => byAlg.set(alg, key),
    () => byAlg.delete(alg),
  );
  return pending;
}

async function importFor(jwk: PublicJwk, alg: string): Promise<PreparedKey> {
  let key: CryptoKey;
  try {
    key = (await importJWK({ ...jwk, ext: false }, alg)) as CryptoKey;
  } catch (error) {
    throw keyImportFailed(error, alg);
  }
  const modulusBits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength;
  return {
    jwk,
    alg,
    key,
    params: PARAMS[alg]!,
    signatureLength: FIXED_SIGNATURE_BYTES[alg] ?? Math.ceil((modulusBits ?? 0) / 8),
  };
}
