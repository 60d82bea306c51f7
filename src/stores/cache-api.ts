import { parseEntryText, retentionSeconds } from './entry-text.js';
import type { Duration } from '../lib/duration.js';
import { readTable } from '../lib/options.js';
import { MAX_STALE } from './options.js';
import type { KeyStore, StoredKeySet } from './types.js';
import { CROSS_TAB, crossTab, type SharedKeyStore } from './cross-tab.js';

/** The part of the standard `CacheStorage` a {@link cacheApiStore} uses (`default`: Workers). */
interface CacheStorageLike {
  open(name: string): Promise<Cache>;
  readonly default?: Cache;
}

// Entries are keyed by URL; a reserved host (RFC 2606 §2) can never collide with a real page.
const KEY_BASE = 'https://tokenward.invalid/key-sets/';

/**
 * Keeps key sets in the standard Cache API: in browsers (shared by the origin's tabs, like
 * `indexedDbStore`), and in Cloudflare Workers, where `caches.default` is shared by the
 * isolates of one data center (only on a custom domain: on `*.workers.dev` and in previews
 * the Cache API stores nothing, so use `kvStore` there).
 *
 * Entries carry `Cache-Control: max-age` = freshness + `maxStale`, which Workers honours.
 * Every entry is validated on read: a malformed, private, symmetric or weak entry is ignored
 * and refetched; a cache that throws is a miss.
 *
 * Security: anything that can write to the cache (script on your origin, another Worker on
 * your zone) can plant a well-formed entry with its own keys; no store can tell.
 *
 * @example
 * // Cloudflare Worker: caches.default
 * const verifier = createVerifier({ keys: jwks(url), issuer, audience, cache: cacheApiStore() });
 * // Browser (or a named cache in a Worker)
 * const cache = cacheApiStore('my-app-keys');
 *
 * @param cacheName a named cache. @default `caches.default` in Workers, else `'tokenward'`
 * @param options.maxStale how long an entry outlives its freshness (seconds, or '1d'). @default 86400
 */
export function cacheApiStore(cacheName?: string, options: { maxStale?: Duration } = {}): KeyStore {
  const storage = (globalThis as { caches?: CacheStorageLike }).caches;
  if (storage === undefined || typeof storage.open !== 'function') {
    throw new TypeError('cacheApiStore() needs the Cache API (browsers, Cloudflare Workers)');
  }
  const { maxStale } = readTable(options, { maxStale: MAX_STALE }, 'cacheApiStore');
  let cache: Promise<Cache> | undefined;
  const open = (): Promise<Cache> =>
    (cache ??=
      cacheName === undefined && storage.default !== undefined
        ? Promise.resolve(storage.default)
        : storage.open(cacheName ?? 'tokenward').catch((error: unknown) => {
            cache = undefined; // try again next time
            throw error;
          }));
  const url = (key: string) => KEY_BASE + encodeURIComponent(key);
  const shared: SharedKeyStore = {
    [CROSS_TAB]: crossTab,
    async get(key) {
      const response = await (await open()).match(url(key));
      return response === undefined ? undefined : parseEntryText(await response.text());
    },
    async set(key, value: StoredKeySet) {
      const headers = {
        'content-type': 'application/json',
        'cache-control': `max-age=${retentionSeconds(value, maxStale!)}`,
      };
      await (await open()).put(url(key), new Response(JSON.stringify(value), { headers }));
    },
    async delete(key) {
      await (await open()).delete(url(key));
    },
  };
  return shared;
}
