import { importJWK } from 'jose';
import type { PublicJwk } from '../lib/jwk.js';
import { keyImportFailed } from '../lib/map-error.js';
import { ALGORITHMS } from './algorithms.js';

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
  // The guard kept this key for "verify"; a key_ops that also lists "sign" would make jose ask
  // WebCrypto for a sign usage, which a public key cannot have (a raw SyntaxError).
  const { key_ops: _screened, ...material } = jwk;
  try {
    key = (await importJWK({ ...material, ext: false }, alg)) as CryptoKey;
  } catch (error) {
    throw keyImportFailed(error, alg);
  }
  const { params, signatureBytes } = ALGORITHMS.get(alg)!;
  const modulusBits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength ?? 0;
  return { jwk, alg, key, params, signatureLength: signatureBytes ?? Math.ceil(modulusBits / 8) };
}
