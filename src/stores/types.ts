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
  /**
   * Present on stores every tab of the origin shares (`localStorage`, IndexedDB, the Cache API):
   * fetches are then coordinated across tabs (Web Locks, BroadcastChannel) where the browser has
   * those APIs. The store carries it, so an app on `memoryStore()` ships none of it.
   */
  readonly coordinate?: (options: CrossTabOptions) => CrossTab;
  /** The entry stored under `key` (a value or a promise of one); anything unusable is a miss. */
  get(key: string): unknown;
  /** Stores an entry (a value or a promise; failures are ignored). */
  set(key: string, value: StoredKeySet): unknown;
  /** Forgets the entry under `key` (`verifier.clear()`). */
  delete(key: string): unknown;
}

/**
 * One tab's turn to fetch a source's keys, granted by {@link CrossTab.turn}. Exactly one of
 * `fetched` and `release` must be called, whatever happens.
 */
export interface TabTurn {
  /** A set another tab wrote while this one waited, fresh enough to use: fetch nothing. */
  readonly written: StoredKeySet | undefined;
  /** After a successful fetch: once `writing` settles, tell the other tabs, let the next in. */
  fetched(entry: StoredKeySet, writing: PromiseLike<unknown>): void;
  /** Lets the next tab in (after a failed fetch, or when `written` was used). */
  release(): void;
}

/** How the tabs of a browser share one source's fetches. */
export interface CrossTab {
  /**
   * Before a cold or forced fetch: waits, at most the source's `timeout`, for the source's
   * Web Lock, then re-reads the store in case another tab just fetched.
   */
  turn(held: StoredKeySet | undefined, forced: boolean): Promise<TabTurn>;
}

export interface CrossTabOptions {
  sourceId: string;
  timeoutMs: number;
  /** Reads this source's entry from the shared store (bounded; a failure is undefined). */
  read(): Promise<unknown>;
  /** The set this tab holds now (perhaps adopted while waiting for the lock). */
  held(): StoredKeySet | undefined;
  /** Takes a newer, validated set that another tab fetched and announced. */
  adopt(entry: StoredKeySet): void;
  /** Validates what the store or a notice holds (untrusted input), as a stored entry. */
  validate(value: unknown): StoredKeySet | undefined;
  /** Whether a set another tab stored spares this tab its fetch (the key cache's rule). */
  usable(stored: StoredKeySet, held: StoredKeySet | undefined, forced: boolean): boolean;
}
