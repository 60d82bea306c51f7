import type { ReplayStore } from './memory-replay.js';
import { REPLAY_STORE_TIMEOUT_MS, replayArguments, withinDeadline } from './replay-deadline.js';

/** The part of a `Deno.Kv` a {@link denoKvReplayStore} uses: one atomic check-and-set. */
export interface DenoKvAtomicLike {
  /** Starts one atomic operation (Deno KV's `kv.atomic()`). */
  atomic(): {
    /** Commits only if each key still has this versionstamp (`null`: absent). */
    check(...checks: { key: readonly unknown[]; versionstamp: string | null }[]): unknown;
    /** Sets the key when the operation commits. */
    set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): unknown;
    /** Runs the operation; `ok` is false when a check failed. */
    commit(): PromiseLike<{
      /** Whether every check held and the writes happened. */
      ok: boolean;
    }>;
  };
}

/**
 * Shares seen ids through Deno KV (a file several processes open, or Deno Deploy's KV): each
 * `add` is one atomic operation that checks the id is absent (`versionstamp: null`) and sets it
 * with `expireIn`, so of two instances racing the same id exactly one commits.
 *
 * Fail closed: a KV that errs or does not answer within 2 s rejects, and the caller refuses.
 *
 * @example
 * const kv = await Deno.openKv();
 * const dpop = createDpopVerifier({ verifier, replay: denoKvReplayStore(kv) });
 *
 * @param options.prefix the key parts before the id. @default ['tokenward', 'replay']
 */
export function denoKvReplayStore(
  kv: DenoKvAtomicLike,
  options: { prefix?: readonly string[] } = {},
): ReplayStore {
  if (typeof kv?.atomic !== 'function')
    throw new TypeError('denoKvReplayStore(kv) needs a Deno.Kv, from await Deno.openKv()');
  const prefix = options.prefix ?? ['tokenward', 'replay'];
  return {
    async add(id, ttlSeconds) {
      const ttl = replayArguments(id, ttlSeconds);
      const key = [...prefix, id];
      const commit = () => {
        const operation = kv.atomic();
        operation.check({ key, versionstamp: null });
        operation.set(key, 1, { expireIn: ttl * 1000 });
        return operation.commit();
      };
      return (await committed(commit)).ok === true;
    },
  };
}

/**
 * One commit within the 2 s deadline. A local KV file that several processes write answers
 * "database is locked" (SQLite) under contention: the commit is tried again, which is safe
 * since the check makes it all or nothing.
 */
async function committed(commit: () => PromiseLike<{ ok: boolean }>): Promise<{ ok: boolean }> {
  const deadline = Date.now() + REPLAY_STORE_TIMEOUT_MS;
  for (;;) {
    try {
      return await withinDeadline(commit(), 'Deno KV atomic commit', deadline - Date.now());
    } catch (error) {
      const busy = error instanceof Error && /locked|busy/i.test(error.message);
      if (!busy || Date.now() > deadline - 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}
