import { kvStore } from './kv.js';
import type { KeyStore } from './types.js';

/** The part of a `Deno.Kv` (from `Deno.openKv()`) a {@link denoKvStore} uses. */
export interface DenoKvLike {
  /** `Deno.Kv#get`: the entry under an array key. */
  get(key: readonly unknown[]): PromiseLike<{
    /** The stored value, or `null` when there is none. */
    value: unknown;
  }>;
  /** `Deno.Kv#set` with `expireIn` in milliseconds. */
  set(
    key: readonly unknown[],
    value: unknown,
    options?: { expireIn?: number },
  ): PromiseLike<unknown>;
  /** `Deno.Kv#delete`. */
  delete(key: readonly unknown[]): PromiseLike<unknown>;
}

/**
 * Shares key sets through Deno KV (a local file, or Deno Deploy's global KV). Deno KV differs
 * from Workers KV in three ways that are easy to get wrong by hand: keys are arrays, `get`
 * answers `{ value }`, and `expireIn` is in milliseconds. This adapter handles all three.
 * Deno KV values are limited to 64 KiB: a larger key set is simply not cached there.
 *
 * Security: anyone who can write to the database can plant keys; keep it private.
 *
 * @example
 * const kv = await Deno.openKv();
 * const verifier = createVerifier({ keys: jwks(url), issuer, audience, cache: denoKvStore(kv) });
 *
 * @param options.prefix the key parts before the source's id. @default ['tokenward']
 * @param options.maxStale seconds an entry outlives its freshness. @default 86400
 */
export function denoKvStore(
  kv: DenoKvLike,
  options: { prefix?: readonly string[]; maxStale?: number } = {},
): KeyStore {
  if (typeof kv?.get !== 'function' || typeof kv.set !== 'function') {
    throw new TypeError('denoKvStore(kv) needs a Deno.Kv, from await Deno.openKv()');
  }
  const prefix = options.prefix ?? ['tokenward'];
  return kvStore(
    {
      get: async (key) => (await kv.get([...prefix, key]))?.value,
      put: (key, value, { expirationTtl }) =>
        kv.set([...prefix, key], value, { expireIn: expirationTtl * 1000 }),
      delete: (key) => kv.delete([...prefix, key]),
    },
    options.maxStale === undefined ? {} : { maxStale: options.maxStale },
  );
}
