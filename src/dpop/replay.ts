/**
 * Remembers one-time identifiers (a DPoP proof's `jti`, a logout token's `jti`) for as long as
 * they could be replayed. `add` resolves false when `id` is already there. Several isolates or
 * servers share one only through a shared store: Redis `SET id 1 NX EX ttl` is exactly `add`.
 *
 * @example
 * // node-redis: atomic, expiring, shared by every instance of the API
 * const replay: ReplayStore = {
 *   add: async (id, ttlSeconds) =>
 *     (await redis.set(`dpop:${id}`, '1', { NX: true, EX: ttlSeconds })) === 'OK',
 * };
 */
export interface ReplayStore {
  add(id: string, ttlSeconds: number): Promise<boolean>;
}

/** Options of {@link memoryReplay}. */
export interface MemoryReplayOptions {
  /** Most identifiers held at once. @default 100000 */
  max?: number;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * The default {@link ReplayStore}: in this process's memory, bounded and expiring. When it is
 * full of identifiers that are all still live, `add` rejects rather than forget one (a
 * forgotten `jti` could be replayed), and the proof is refused: give a larger `max` or a shared
 * store to an API that sees more proofs than that within `maxAge`.
 *
 * @example
 * const dpopVerifier = createDpopVerifier({ verifier, replay: memoryReplay({ max: 10_000 }) });
 */
export function memoryReplay(options: MemoryReplayOptions = {}): ReplayStore {
  const { max = 100_000, clock = Date.now } = options;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('memoryReplay: "max" must be a positive integer');
  const expiries = new Map<string, number>();
  let sweptAt = -Infinity;
  // Entries are mostly in expiry order (one maxAge for all), so the oldest go from the front in
  // amortized O(1); a whole sweep, for entries given shorter lives, at most once a second.
  const sweep = (now: number): void => {
    for (const [id, expires] of expiries) {
      if (expires > now) break;
      expiries.delete(id);
    }
    if (expiries.size < max || now - sweptAt < 1000) return;
    sweptAt = now;
    for (const [id, expires] of expiries) if (expires <= now) expiries.delete(id);
  };
  return {
    add(id, ttlSeconds) {
      const now = clock();
      sweep(now);
      const known = expiries.get(id);
      if (known !== undefined && known > now) return Promise.resolve(false);
      if (known === undefined && expiries.size >= max)
        return Promise.reject(new Error(`memoryReplay is full (${max} live identifiers)`));
      expiries.delete(id);
      expiries.set(id, now + ttlSeconds * 1000);
      return Promise.resolve(true);
    },
  };
}
