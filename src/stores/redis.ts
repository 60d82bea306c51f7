import { kvStore } from './kv.js';
import type { KeyStore } from './types.js';

/**
 * The Redis calls a {@link redisStore} makes, as node-redis (4+) names them; ioredis names
 * the same command `setex`. Both take (key, seconds, value).
 */
export interface RedisLike {
  /** The value under `key` (node-redis and ioredis `get`). */
  get(key: string): PromiseLike<unknown>;
  /** node-redis 4+: stores `value` for `seconds`. */
  setEx?(key: string, seconds: number, value: string): PromiseLike<unknown>;
  /** ioredis: stores `value` for `seconds`. */
  setex?(key: string, seconds: number, value: string): PromiseLike<unknown>;
  /** Removes `key`. */
  del(key: string): PromiseLike<unknown>;
}

/**
 * Shares key sets between server instances through Redis. Each entry is written with
 * `SETEX` (expiry in seconds: freshness plus `maxStale`) under `prefix` + the source's id.
 * Redis' own `SET` takes its expiry as an option whose spelling differs between clients,
 * and a forgotten one keeps entries forever: this adapter spells it for you.
 *
 * Entries are validated on every read; a Redis that is down or slow is a miss, bounded by
 * the source's `timeout` (node-redis queues commands while it reconnects).
 *
 * Security: anyone who can write to the Redis database can plant keys; keep it private.
 *
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const verifier = createVerifier({ keys: jwks(url), issuer, audience, cache: redisStore(redis) });
 *
 * @param options.prefix prepended to every key. @default 'tokenward:'
 * @param options.maxStale seconds an entry outlives its freshness. @default 86400
 */
export function redisStore(
  client: RedisLike,
  options: { prefix?: string; maxStale?: number } = {},
): KeyStore {
  const setex = client?.setEx ?? client?.setex;
  if (typeof client?.get !== 'function' || typeof setex !== 'function') {
    throw new TypeError('redisStore(client) needs a Redis client with get, setEx/setex and del');
  }
  const prefix = options.prefix ?? 'tokenward:';
  return kvStore(
    {
      get: (key) => client.get(prefix + key),
      put: (key, value, { expirationTtl }) =>
        setex.call(client, prefix + key, expirationTtl, value),
      delete: (key) => client.del(prefix + key),
    },
    options.maxStale === undefined ? {} : { maxStale: options.maxStale },
  );
}
