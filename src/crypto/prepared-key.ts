import type { PublicJwk } from '../lib/jwk.js';
import { keyImportFailed } from '../lib/map-error.js';
import type { SignatureProvider } from './provider.js';

/** A screened key imported by one provider for one algorithm, ready for the signature check. */
export interface PreparedKey {
  readonly jwk: PublicJwk;
  readonly alg: string;
  readonly provider: SignatureProvider;
  /** The provider's own key. */
  readonly key: unknown;
}

type ByAlg = Map<string, PreparedKey | Promise<PreparedKey>>;
const prepared = new WeakMap<SignatureProvider, WeakMap<PublicJwk, ByAlg>>();

/**
 * Prepares a screened JWK for one algorithm with one provider, once: the result lives as long as
 * the JWK object (a fetched set's keys). Once ready the key itself is returned, not a promise,
 * sparing the hot path a microtask. Import failures are ERR_KEY_INVALID (or ERR_ALG_NOT_ALLOWED
 * where the provider lacks the algorithm).
 */
export function prepareKey(
  provider: SignatureProvider,
  jwk: PublicJwk,
  alg: string,
): PreparedKey | Promise<PreparedKey> {
  let byJwk = prepared.get(provider);
  if (byJwk === undefined) prepared.set(provider, (byJwk = new WeakMap()));
  let byAlg = byJwk.get(jwk);
  if (byAlg === undefined) byJwk.set(jwk, (byAlg = new Map()));
  const known = byAlg.get(alg);
  if (known !== undefined) return known;
  const pending = importFor(provider, jwk, alg);
  byAlg.set(alg, pending);
  pending.then(
    (key) => byAlg.set(alg, key),
    () => byAlg.delete(alg),
  );
  return pending;
}

async function importFor(
  provider: SignatureProvider,
  jwk: PublicJwk,
  alg: string,
): Promise<PreparedKey> {
  try {
    return { jwk, alg, provider, key: await provider.importKey(jwk, alg) };
  } catch (error) {
    throw keyImportFailed(error, alg);
  }
}

/**
 * The signature check of a prepared key: true or false (a wrong length is false); rejects only
 * where the provider could not check at all (mapped by the caller, lib/map-error.ts).
 */
export function verifyPrepared(
  prepared: PreparedKey,
  signingInput: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): boolean | Promise<boolean> {
  return prepared.provider.verify(prepared.alg, prepared.key, signingInput, signature);
}
