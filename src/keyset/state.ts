import type { Observation } from '../keys/policy.js';
import type { StoredKeySet } from '../stores/types.js';

/** Everything one remote key cache knows, replaced whole on every change. */
export interface CacheState {
  /** The set held: fetched, read from the store, or adopted from another tab. */
  readonly entry: StoredKeySet | undefined;
  /** The store is read once, on first use (and not again after `clear`). */
  readonly storeRead: Promise<void> | undefined;
  /** When this cache last asked the key server (the cooldown counts from it). */
  readonly lastAttempt: number;
  /** Whether that ask failed: only then may a stale set serve. */
  readonly lastFailed: boolean;
  /** The server time the last answer carried. */
  readonly observed: Observation | undefined;
  /** The last notice from another tab looked at (raw), so each is looked at once. */
  readonly notice: unknown;
}

export const EMPTY_STATE: CacheState = {
  entry: undefined,
  storeRead: undefined,
  lastAttempt: Number.NEGATIVE_INFINITY,
  lastFailed: false,
  observed: undefined,
  notice: undefined,
};

/** The one place a key cache's state changes: the state is a value, replaced by `update`. */
export interface StateHolder {
  get(): CacheState;
  update(change: Partial<CacheState>): CacheState;
}

export function stateHolder(): StateHolder {
  let state = EMPTY_STATE;
  return {
    get: () => state,
    update: (change) => (state = { ...state, ...change }),
  };
}

/**
 * The set to hold in place of `held`: `next`, but with `held`'s key objects when the keys are
 * the same, so the set's identity (which remembered tokens and prepared keys hang on) survives
 * a revalidation that changed nothing.
 */
export function carryKeys(held: StoredKeySet | undefined, next: StoredKeySet): StoredKeySet {
  if (held === undefined || held.keys === next.keys) return next;
  return JSON.stringify(held.keys) === JSON.stringify(next.keys)
    ? { ...next, keys: held.keys }
    : next;
}
