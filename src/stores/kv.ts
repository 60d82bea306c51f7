import type { KeyStore, StoredKeySet } from './types.js';

/** The three calls a {@link kvStore} needs; Workers KV, Deno KV and Redis clients fit with a line each. */
export interface KvLike {
  get(key: string): unknown;
  put(key: string, value: string, options: { expirationTtl: number }): unknown;
  delete?(key: string): unknown;
}

// Workers KV refuses an expirationTtl under 60 seconds.
const MIN_TTL_SECONDS = 60;

/**
 * Adapts a key-value store (Workers KV, Deno KV, Redis, …) so Worker isolates and server
 * instances share one fetched key set. Values are JSON strings; `put` receives an
 * `expirationTtl` in seconds that covers freshness plus `maxStale`.
 *
 * Security: anyone who can write to the namespace can plant keys; keep it private to the app.
 *
 * @example
 * // Cloudflare Worker
 * const cache = kvStore(env.JWKS_KV);
 * // Deno KV
 * const kv = await Deno.openKv();
 * const cache = kvStore({
 *   get: async (k) => (await kv.get(['tokenward', k])).value,
 *   put: (k, v) => kv.set(['tokenward', k], v),
 *   delete: (k) => kv.delete(['tokenward', k]),
 * });
 */
export function kvStore(kv: KvLike, options: { maxStale?: number } = {}): KeyStore {
  if (typeof kv?.get !== 'function' || typeof kv.put !== 'function') {
    throw new TypeError('kvStore(kv) needs an object with get(key) and put(key, value)');
  }
  const extraSeconds = options.maxStale ?? 86400;
  return {
    async get(key) {
      const value = await kv.get(key);
      if (typeof value !== 'string') return value ?? undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return undefined;
      }
    },
    async set(key, value: StoredKeySet) {
      const fresh = Math.max(0, Math.ceil((value.freshUntil - value.fetchedAt) / 1000));
      await kv.put(key, JSON.stringify(value), {
        expirationTtl: Math.max(MIN_TTL_SECONDS, fresh + extraSeconds),
      });
    },
    async delete(key) {
      await kv.delete?.(key);
    },
  };
}
