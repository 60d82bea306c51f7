/**
 * Remembers identifiers (a logout token's `jti`, a DPoP proof's `jti`) for as long as a token
 * carrying them could still be accepted, so the same token is accepted once.
 *
 * `add` resolves `true` when `id` was new (and is now recorded for `ttlSeconds`), `false` when
 * it was already there. It must be atomic: two concurrent `add`s of one id, one `true`.
 *
 * @example
 * // Redis (node-redis 4+): SET NX is atomic, EX lets Redis forget the id.
 * const replay: ReplayStore = {
 *   add: async (id, ttlSeconds) => (await redis.set(id, '1', { NX: true, EX: ttlSeconds })) === 'OK',
 * };
 */
export interface ReplayStore {
  /** Records `id` for `ttlSeconds`; resolves `false` when it was already there. Must be atomic. */
  add(id: string, ttlSeconds: number): Promise<boolean>;
}

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** How many live ids are kept at most. @default 100000 */
  max?: number;
  /** Milliseconds since the epoch. @default Date.now */
  clock?: () => number;
}

/**
 * The default {@link ReplayStore} (logout tokens, DPoP proofs): in this isolate's memory,
 * bounded, each id forgotten once its time is up. When it is full of ids that are all still
 * live, `add` rejects rather than forget one (a forgotten id could be replayed), and the token
 * or proof is refused: give a larger `max`, or a shared store. Several isolates or servers
 * (Workers, a cluster) each have their own: share a store (KV with a TTL, Redis `SET NX EX`) to
 * refuse a replay sent to another instance.
 *
 * @example
 * const logout = createLogoutTokenVerifier({ issuer, clientId, replay: memoryReplayStore({ max: 1000 }) });
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const max = options.max ?? 100_000;
  const clock = options.clock ?? Date.now;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('memoryReplayStore: max must be a positive whole number');
  if (typeof clock !== 'function')
    throw new TypeError('memoryReplayStore: clock must be a function');
  // Insertion order is roughly expiry order: expired ids are swept from the front as they go.
  const expiries = new Map<string, number>();
  const sweep = (now: number, all: boolean): void => {
    for (const [id, expiry] of expiries) {
      if (expiry <= now) expiries.delete(id);
      else if (!all) break;
    }
  };
  return {
    add(id, ttlSeconds) {
      if (typeof id !== 'string' || typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds))
        return Promise.reject(new TypeError('replay.add(id, ttlSeconds): a string and a number'));
      const now = clock();
      sweep(now, false);
      const known = expiries.get(id);
      if (known !== undefined && known > now) return Promise.resolve(false);
      // Lives differ, so expiry order can differ from insertion order: sweep all before refusing.
      if (known === undefined && expiries.size >= max) sweep(now, true);
      if (known === undefined && expiries.size >= max)
        return Promise.reject(new Error(`memoryReplayStore is full (${max} live ids)`));
      expiries.delete(id);
      expiries.set(id, now + Math.max(1, ttlSeconds) * 1000);
      return Promise.resolve(true);
    },
  };
}
