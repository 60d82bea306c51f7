import type { PublicJwk } from '../lib/jwk.js';

/** What a key source learned besides keys (from an OpenID discovery document). */
export interface SourceMeta {
  issuer?: string;
  idTokenSigningAlgs?: string[];
}

/**
 * One cached key set as a {@link KeyStore} holds it: public keys and freshness only.
 * Times are milliseconds since the epoch on the verifier's `clock`.
 */
export interface StoredKeySet {
  v: 1;
  keys: PublicJwk[];
  /** `kid`s of keys refused (weak RSA), with the reason. */
  refused: Record<string, string>;
  fetchedAt: number;
  freshUntil: number;
  etag?: string;
  meta?: SourceMeta;
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
  get(key: string): unknown;
  set(key: string, value: StoredKeySet): unknown;
  delete(key: string): unknown;
}
