import { TIMED_OUT, withDeadline } from '../lib/deadline.js';
import type { KeyStore, StoredKeySet } from '../stores/types.js';

/** One source's entry in a store, every call bounded. */
export interface BoundedStore {
  get(): Promise<unknown>;
  set(value: StoredKeySet): Promise<unknown>;
  delete(): Promise<void>;
}

/**
 * The store, for one source, with every call bounded by the source's timeout: a store that
 * throws, or never answers, is a miss, so it can slow a verify by at most `timeout` and never
 * hang it. Writes are fire-and-forget for the same reason.
 */
export function boundedStore(store: KeyStore, id: string, timeoutMs: number): BoundedStore {
  const call = async (run: () => unknown): Promise<unknown> => {
    try {
      const result = await withDeadline(Promise.resolve().then(run), timeoutMs);
      return result === TIMED_OUT ? undefined : result;
    } catch {
      return undefined; // an unreadable store is an empty store
    }
  };
  return {
    get: () => call(() => store.get(id)),
    set: (value) => call(() => store.set(id, value)),
    delete: () => call(() => store.delete(id)).then(() => undefined),
  };
}
