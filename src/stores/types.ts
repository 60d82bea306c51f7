import type { PublicJwk } from '../lib/jwk.js';

/** What a key source learned besides keys (from an OpenID discovery document). */
export interface SourceMeta {
  /** For discovery: the issuer the document named. */
  issuer?: string;
  /** For discovery: the provider's `id_token_signing_alg_values_supported`. */
  idTokenSigningAlgs?: string[];
}

/**
 * One cached key set as a {@link KeyStore} holds it: public keys and freshness only.
 * Times are milliseconds since the epoch on the verifier's `clock`.
 */
export interface StoredKeySet {
  /** Format version of the entry. */
  v: 1;
  /** The public keys that passed the key guard. */
  keys: PublicJwk[];
  /** `kid`s of keys refused (weak RSA), with the reason. */
  refused: Record<string, string>;
  /** When the set was fetched (or revalidated), in milliseconds since the epoch. */
  fetchedAt: number;
  /** Until when the set is fresh, in milliseconds since the epoch. */
  freshUntil: number;
  /** The response's `ETag`, sent back as `If-None-Match`. */
  etag?: string;
  /** What a discovery document said besides `jwks_uri`. */
  meta?: SourceMeta;
  /** For `signedJwks`: the JWS the keys came in (verified again when read back) and its times. */
  signed?: SignedMeta;
}

/** A signed key set's JWS and its `iat` and `exp` (seconds since the epoch). */
export interface SignedMeta {
  /** The compact JWS of `typ` `jwk-set+jwt` the keys came in. */
  jws: string;
  /** When the set was signed, in seconds since the epoch. */
  iat: number;
  /** When the set expires, in seconds since the epoch, if it says. */
  exp?: number;
}

/**
 * Where fetched key sets are kept between verifies, page loads or Worker requests.
 * Methods may be sync or async. A store that throws or returns garbage is treated as empty:
 * every entry is validated before use.
 *
 * Security: a store cannot tell a well-formed entry written by an attacker who already
 * runs script on the page (or holds the KV namespace) from one tokenward wrote. Use
 * `memoryStore()` where that matters.
 */
export interface KeyStore {
  /** The entry stored under `key` (a value or a promise of one); anything unusable is a miss. */
  get(key: string): unknown;
  /** Stores an entry (a value or a promise; failures are ignored). */
  set(key: string, value: StoredKeySet): unknown;
  /** Forgets the entry under `key` (`verifier.clear()`). */
  delete(key: string): unknown;
}
