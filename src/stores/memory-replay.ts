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
  add(id: string, ttlSeconds: number): Promise<boolean>;
}

/** Options of {@link memoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** How many ids are kept at most; past it, the oldest is forgotten. @default 10000 */
  max?: number;
  /** Milliseconds since the epoch. @default Date.now */
  clock?: () => number;
}

/**
 * A {@link ReplayStore} in this isolate's memory: bounded, each id forgotten once its time is
 * up. Several isolates or servers (Workers, a cluster) each have their own: share a store
 * (KV with a TTL, Redis `SET NX EX`) to refuse a replay sent to another instance.
 *
 * @example
 * const logout = createLogoutTokenVerifier({ issuer, clientId, replay: memoryReplayStore({ max: 1000 }) });
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const max = options.max ?? 10_000;
  const clock = options.clock ?? Date.now;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('memoryReplayStore: max must be a positive whole number');
  if (typeof clock !== 'function')
    throw new TypeError('memoryReplayStore: clock must be a function');
  // Insertion order is roughly expiry order: expired ids are swept from the front as they go.
  const expiries = new Map<string, number>();
  return {
    add(id, ttlSeconds) {
      if (typeof id !== 'string' || typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds))
        return Promise.reject(new TypeError('replay.add(id, ttlSeconds): a string and a number'));
      const now = clock();
      for (const [oldest, expiry] of expiries) {
        if (expiry > now) break;
        expiries.delete(oldest);
      }
      const known = expiries.get(id);
      if (known !== undefined && known > now) return Promise.resolve(false);
      expiries.delete(id);
      if (expiries.size >= max) {
        // Expiry order can differ from insertion order (ttls differ): sweep all before dropping
        // a live id. Only tokens that passed every other check are recorded, so filling this
        // with live ids takes that many genuine tokens from the issuer.
        for (const [other, expiry] of expiries) if (expiry <= now) expiries.delete(other);
        if (expiries.size >= max) expiries.delete(expiries.keys().next().value!);
      }
      expiries.set(id, now + Math.max(1, ttlSeconds) * 1000);
      return Promise.resolve(true);
    },
  };
}
