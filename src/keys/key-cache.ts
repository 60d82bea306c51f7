import { VerificationError } from '../errors.js';
import type { EmitEvent } from '../events.js';
import { fetchFailed } from '../http/fetch-keys.js';
import type { KeyStore, StoredKeySet } from '../stores/types.js';
import { readStoredKeySet } from '../stores/validate.js';
import { screenKeySet } from './guard.js';
import { LOADER, type KeySource, type LoadRequest, type LoadResult } from './source.js';

/** The key set one verifier holds for one source, with the rules for refreshing it. */
export interface KeyCache {
  /** A usable set: fresh, or stale within `maxStale` while the key server fails. */
  current(): Promise<StoredKeySet>;
  /** The set, if it is in memory and fresh: lets the hot path skip a promise. */
  fresh(): StoredKeySet | undefined;
  /** Refetches for an unknown `kid`, or returns undefined inside the cooldown. */
  refetchForUnknownKid(): Promise<StoredKeySet | undefined>;
  clear(): Promise<void>;
}

export interface KeyCacheOptions {
  source: KeySource;
  store: KeyStore;
  clock: () => number;
  emit: EmitEvent;
  /** Called when the set's keys change, so remembered tokens are forgotten. */
  onChange: () => void;
  onDate?: LoadRequest['onDate'];
}

// Extra wait on another request's fetch beyond its own deadline before fetching alone.
const SHARED_FETCH_GRACE_MS = 500;

export function createKeyCache(options: KeyCacheOptions): KeyCache {
  return options.source[LOADER].remote === undefined
    ? inlineKeyCache(options)
    : remoteKeyCache(options);
}

function toEntry(
  result: LoadResult & { notModified: false },
  where: string,
  now: number,
  freshMs: number,
): StoredKeySet {
  const { keys, refused } = screenKeySet(result.keys, where);
  const entry: StoredKeySet = { v: 1, keys, refused, fetchedAt: now, freshUntil: now + freshMs };
  if (result.etag !== undefined) entry.etag = result.etag;
  if (result.meta !== undefined) entry.meta = result.meta;
  return entry;
}

function inlineKeyCache({ source, clock, onDate }: KeyCacheOptions): KeyCache {
  let loaded: Promise<StoredKeySet> | undefined;
  let ready: StoredKeySet | undefined;
  const load = async (): Promise<StoredKeySet> => {
    const result = await source[LOADER].load({ bypassCache: false, now: clock, onDate });
    if (result.notModified) throw new Error('inline keys cannot be "not modified"');
    return (ready = toEntry(result, 'The inline key set', 0, Number.POSITIVE_INFINITY));
  };
  return {
    current: () => (loaded ??= load()),
    fresh: () => ready,
    refetchForUnknownKid: async () => undefined,
    clear: async () => undefined,
  };
}

function remoteKeyCache({
  source,
  store,
  clock,
  emit,
  onChange,
  onDate,
}: KeyCacheOptions): KeyCache {
  const loader = source[LOADER];
  const { fetch: fetchPolicy, cache: policy } = loader.remote!;
  let entry: StoredKeySet | undefined;
  let storeRead: Promise<void> | undefined;
  let inflight: Promise<StoredKeySet> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastFailed = false;

  const readStore = async (): Promise<void> => {
    try {
      entry ??= readStoredKeySet(await store.get(source.id));
    } catch {
      // An unreadable store is an empty store.
    }
  };

  const save = async (value: StoredKeySet): Promise<void> => {
    try {
      await store.set(source.id, value);
    } catch {
      // The in-memory copy still serves; a store is an optimisation.
    }
  };

  const fetchOnce = async (reason: 'cold' | 'expired' | 'unknown-kid'): Promise<StoredKeySet> => {
    lastAttempt = clock();
    emit({ type: 'keys:fetch', source: source.id, reason });
    const held = entry;
    try {
      const result = await loader.load({
        etag: held?.etag,
        bypassCache: reason === 'unknown-kid',
        now: clock,
        onDate,
      });
      const now = clock();
      const freshMs =
        result.maxAgeSeconds === undefined ? policy.maxAgeMs : result.maxAgeSeconds * 1000;
      let next: StoredKeySet;
      if (result.notModified) {
        if (held === undefined)
          throw fetchFailed(source.id, 'the key server answered 304 to an unconditional request');
        next = { ...held, fetchedAt: now, freshUntil: now + freshMs };
      } else {
        next = toEntry(result, `The key set from ${source.id}`, now, freshMs);
        if (held !== undefined && JSON.stringify(held.keys) !== JSON.stringify(next.keys))
          onChange();
      }
      entry = next;
      lastFailed = false;
      await save(next);
      return next;
    } catch (error) {
      lastFailed = true;
      const failure =
        error instanceof VerificationError ? error : fetchFailed(source.id, String(error), error);
      emit({ type: 'keys:error', source: source.id, error: failure });
      const stale = usableStale();
      if (stale !== undefined) return stale;
      throw failure;
    }
  };

  const usableStale = (): StoredKeySet | undefined => {
    const now = clock();
    if (entry === undefined || now > entry.freshUntil + policy.maxStaleMs) return undefined;
    emit({
      type: 'keys:stale',
      source: source.id,
      staleSeconds: Math.max(0, Math.round((now - entry.freshUntil) / 1000)),
    });
    return entry;
  };

  // Single flight: concurrent callers share one fetch. In Cloudflare Workers a request may not
  // await I/O begun by another request, so the wait is bounded and then the caller fetches alone.
  const refresh = (reason: 'cold' | 'expired' | 'unknown-kid'): Promise<StoredKeySet> => {
    if (inflight !== undefined) return waitOn(inflight, reason);
    const attempt = fetchOnce(reason);
    inflight = attempt;
    const done = () => {
      if (inflight === attempt) inflight = undefined;
    };
    attempt.then(done, done);
    return attempt;
  };

  const waitOn = (
    shared: Promise<StoredKeySet>,
    reason: 'cold' | 'expired' | 'unknown-kid',
  ): Promise<StoredKeySet> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), fetchPolicy.timeoutMs + SHARED_FETCH_GRACE_MS);
    });
    return Promise.race([shared, timedOut])
      .then(
        (won) => (won === 'timeout' ? fetchOnce(reason) : won),
        (error: unknown) => Promise.reject(error),
      )
      .finally(() => clearTimeout(timer));
  };

  return {
    fresh() {
      if (entry === undefined || clock() >= entry.freshUntil) return undefined;
      emit({ type: 'keys:cache-hit', source: source.id });
      return entry;
    },
    async current() {
      await (storeRead ??= readStore());
      const now = clock();
      if (entry !== undefined && now < entry.freshUntil) {
        emit({ type: 'keys:cache-hit', source: source.id });
        return entry;
      }
      // While the key server keeps failing, ask it at most once per cooldown and serve stale.
      if (entry !== undefined && lastFailed && now - lastAttempt < policy.cooldownMs) {
        const stale = usableStale();
        if (stale !== undefined) return stale;
      }
      return refresh(entry === undefined ? 'cold' : 'expired');
    },
    async refetchForUnknownKid() {
      await (storeRead ??= readStore());
      const last = Math.max(lastAttempt, entry?.fetchedAt ?? Number.NEGATIVE_INFINITY);
      if (clock() - last < policy.cooldownMs) return undefined;
      return refresh('unknown-kid');
    },
    async clear() {
      entry = undefined;
      storeRead = Promise.resolve();
      lastAttempt = Number.NEGATIVE_INFINITY;
      lastFailed = false;
      try {
        await store.delete(source.id);
      } catch {
        // Nothing to forget in an unreadable store.
      }
    },
  };
}
