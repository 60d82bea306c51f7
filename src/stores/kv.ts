import { parseEntryText, retentionSeconds } from './entry-text.js';
import type { KeyStore, StoredKeySet } from './types.js';

/**
 * The three calls a {@link kvStore} needs. A Workers KV namespace has exactly this shape;
 * Redis and Deno KV have their own adapters (`redisStore`, `denoKvStore`), since their
 * expiry arguments and keys differ.
 */
export interface KvLike {
  /** The value stored under `key` (a string, or an already-parsed object), or null/undefined. */
  get(key: string): unknown;
  /** Stores `value` (JSON text) for `expirationTtl` seconds (never under 60). */
  put(key: string, value: string, options: { expirationTtl: number }): unknown;
  /** Removes the entry under `key` (optional: stores that expire entries need none). */
  delete?(key: string): unknown;
}

/**
 * Adapts a key-value store so Worker isolates and server instances share one fetched key
 * set. Values are JSON strings; `put` receives an `expirationTtl` in seconds that covers
 * freshness plus `maxStale`, and never under 60 (the Workers KV minimum). Pick it for
 * Cloudflare Workers on `*.workers.dev` or across data centers (Workers KV), and for
 * servers that share Redis or Deno KV; pick `cacheApiStore()` for one data center.
 *
 * Entries are validated on every read: a malformed, private, symmetric or weak entry is
 * ignored and refetched; a KV that throws or never answers is a miss (bounded by the
 * source's `timeout`).
 *
 * Security: anyone who can write to the namespace can plant keys, and no store can tell
 * such an entry from its own; keep the namespace private to the app.
 *
 * @example
 * // Cloudflare Worker, with a KV namespace bound as JWKS_KV
 * const cache = kvStore(env.JWKS_KV);
 * // Anything else: three small functions
 * const cache = kvStore({
 *   get: (k) => map.get(k),
 *   put: (k, v, { expirationTtl }) => void map.set(k, v),
 *   delete: (k) => map.delete(k),
 * });
 *
 * @param options.maxStale seconds an entry outlives its freshness. @default 86400
 */
export function kvStore(kv: KvLike, options: { maxStale?: number } = {}): KeyStore {
  if (typeof kv?.get !== 'function' || typeof kv.put !== 'function') {
    throw new TypeError('kvStore(kv) needs an object with get(key) and put(key, value)');
  }
  const maxStale = options.maxStale ?? 86400;
  return {
    async get(key) {
      const value = await kv.get(key);
      return typeof value === 'string' ? parseEntryText(value) : (value ?? undefined);
    },
    async set(key, value: StoredKeySet) {
      await kv.put(key, JSON.stringify(value), {
        expirationTtl: retentionSeconds(value, maxStale),
      });
    },
    async delete(key) {
      await kv.delete?.(key);
    },
  };
}
