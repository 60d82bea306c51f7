import { VerificationError } from '../lib/errors.js';
import type { EmitEvent } from '../lib/events.js';
import { fetchFailed } from '../lib/map-error.js';
import type { CrossTab, KeyStore, StoredKeySet } from '../stores/types.js';
import { freshUntil, isFresh, isServableStale, mayRefetch, mayUseWritten } from './freshness.js';
import { screenKeySet } from '../keys/guard.js';
import { LOADER, type KeySource, type RemoteKeys } from '../keys/source.js';
import { readStoredKeySet } from '../keys/stored-entry.js';
import type { KeyResponse } from '../keys/policy.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { fetchDocument } from './transport.js';
import { capped, pastExpiry, readFetchedSet, readStoredSet, refuseExpired } from './trusted.js';

/** The key set one verifier holds for one source, with the rules for refreshing it. */
export interface KeyCache {
  /** The set, if it is in memory and fresh: lets the hot path skip a promise. */
  fresh(): StoredKeySet | undefined;
  /** A usable set: fresh, or stale within `maxStale` while the key server fails. */
  current(): Promise<StoredKeySet>;
  /** Refetches for an unknown `kid`, or returns undefined inside the cooldown. */
  refetchForUnknownKid(): Promise<StoredKeySet | undefined>;
  /** Whether the set in memory may vouch for a token now: fresh, or stale during an outage. */
  servable(): boolean;
  clear(): Promise<void>;
}

export interface KeyCacheOptions {
  source: KeySource;
  store: KeyStore;
  clock: () => number;
  emit: EmitEvent;
  /** Hashes thumbprints for `pins` and verifies signed sets. */
  provider: SignatureProvider;
  /** Called when the set's keys change, so remembered tokens are forgotten. */
  onChange: () => void;
  /** Told of every key-server answer with a `Date` header (clock-skew estimates). */
  onDate?: ((date: string, sentAt: number, receivedAt: number) => void) | undefined;
}

type FetchReason = 'cold' | 'expired' | 'unknown-kid';

// Where no tabs share the store (its `coordinate` is absent): this tab fetches alone, at once.
const ALONE: CrossTab = {
  turn: async () => ({ written: undefined, fetched: () => undefined, release: () => undefined }),
};

// Extra wait on another request's fetch beyond its own deadline before fetching alone.
const SHARED_FETCH_GRACE_MS = 500;
// How long an answer waits for the store to take a freshly fetched set, where it must wait.
const STORE_WRITE_GRACE_MS = 500;
// workerd's navigator.userAgent (compatibility flag global_navigator, on by default since
// 2022-03-21): the one runtime that ends a request's I/O when its response is sent.
const CANCELS_PENDING_IO =
  (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent ===
  'Cloudflare-Workers';

export function createKeyCache(options: KeyCacheOptions): KeyCache {
  const loader = options.source[LOADER];
  return loader.remote === undefined
    ? inlineKeyCache(loader.inline, options)
    : remoteKeyCache(loader.remote, options);
}

function inlineKeyCache(load: () => Promise<unknown>, { source }: KeyCacheOptions): KeyCache {
  let loaded: Promise<StoredKeySet> | undefined;
  let ready: StoredKeySet | undefined;
  const where = source.kind === 'pem' ? 'The PEM key' : 'The inline key set';
  const current = (): Promise<StoredKeySet> =>
    (loaded ??= load().then((entries) => {
      const { keys, refused } = screenKeySet(entries, where);
      return (ready = { v: 1, keys, refused, fetchedAt: 0, freshUntil: Number.POSITIVE_INFINITY });
    }));
  return {
    fresh: () => ready,
    current,
    refetchForUnknownKid: async () => undefined,
    servable: () => true,
    clear: async () => undefined,
  };
}

function remoteKeyCache(remote: RemoteKeys, options: KeyCacheOptions): KeyCache {
  const { source, clock, emit, onChange } = options;
  const { cache: policy, fetch: fetchPolicy } = remote;
  const store = boundedStore(options.store, source.id, fetchPolicy.timeoutMs);
  let entry: StoredKeySet | undefined;
  let storeRead: Promise<void> | undefined;
  let inflight: Promise<StoredKeySet> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastFailed = false;

  // A set another tab fetched: taken as if this tab had fetched it.
  const adopt = (next: StoredKeySet): StoredKeySet => {
    if (entry !== undefined && JSON.stringify(entry.keys) !== JSON.stringify(next.keys)) onChange();
    lastFailed = false;
    emit({ type: 'keys:adopted', source: source.id });
    return (entry = next);
  };
  const trust = { provider: options.provider, emit, sourceId: source.id };
  // Pins and signatures are checked asynchronously, which the cross-tab hand-over cannot wait
  // for: a pinned or signed source reads the shared store only through readStoredSet.
  const checked = remote.pins !== undefined || remote.signed !== undefined;
  const tabs =
    (checked ? undefined : options.store.coordinate)?.({
      sourceId: source.id,
      timeoutMs: fetchPolicy.timeoutMs,
      read: () => store.get(),
      held: () => entry,
      adopt,
      validate: readStoredKeySet,
      usable: (stored, held, forced) => mayUseWritten(stored, held, forced, clock(), policy),
    }) ?? ALONE;

  const readStore = async (): Promise<void> => {
    const stored = await readStoredSet(await store.get(), remote, { ...trust, now: clock() });
    entry ??= stored;
  };

  const read = async (
    url: string,
    accept: string,
    etag: string | undefined,
    bypassCache: boolean,
  ): Promise<KeyResponse> => {
    const response = await fetchDocument({ url, accept, etag, bypassCache }, fetchPolicy, clock);
    if (response.date !== undefined)
      options.onDate?.(response.date, response.sentAt, response.receivedAt);
    return response;
  };

  const load = async (held: StoredKeySet | undefined, reason: FetchReason) => {
    const bypassCache = reason === 'unknown-kid';
    const { url, meta } = await remote.locate((at, accept) =>
      read(at, accept, undefined, bypassCache),
    );
    const response = await read(url, remote.accept, held?.etag, bypassCache);
    const now = clock();
    const until = freshUntil(now, response.maxAge, policy);
    if (response.notModified) {
      refuseExpired(held!.signed, now, `The key set from ${url}`);
      return { ...held!, fetchedAt: now, freshUntil: capped(until, held!.signed) };
    }
    const { keys, refused, signed } = await readFetchedSet(remote, response, url, held, {
      ...trust,
      now,
    });
    const next: StoredKeySet = {
      v: 1,
      keys,
      refused,
      fetchedAt: now,
      freshUntil: capped(until, signed),
    };
    if (signed !== undefined) next.signed = signed;
    if (response.etag !== undefined) next.etag = response.etag;
    if (meta !== undefined) next.meta = meta;
    if (held !== undefined && JSON.stringify(held.keys) !== JSON.stringify(keys)) onChange();
    return next;
  };

  const fetchOnce = async (reason: FetchReason): Promise<StoredKeySet> => {
    const turn = await tabs.turn(entry, reason === 'unknown-kid');
    if (turn.written !== undefined) {
      turn.release();
      return adopt(turn.written);
    }
    lastAttempt = clock();
    emit({ type: 'keys:fetch', source: source.id, reason });
    try {
      entry = await load(entry, reason);
      lastFailed = false;
      const writing = store.set(entry);
      turn.fetched(entry, writing);
      // Cloudflare Workers cancel I/O still pending when the response goes out (a Cache API or
      // KV put would never land), so there the answer waits for the write, briefly. Everywhere
      // else a slow store never delays the answer.
      if (CANCELS_PENDING_IO)
        await withDeadline(writing, Math.min(fetchPolicy.timeoutMs, STORE_WRITE_GRACE_MS));
      return entry;
    } catch (error) {
      turn.release();
      lastFailed = true;
      const failure =
        error instanceof VerificationError ? error : fetchFailed(source.id, String(error), error);
      emit({ type: 'keys:error', source: source.id, error: failure });
      const stale = staleIfError();
      if (stale !== undefined) return stale;
      throw failure;
    }
  };

  const staleIfError = (): StoredKeySet | undefined => {
    const now = clock();
    if (!isServableStale(entry, now, policy) || pastExpiry(entry, now)) return undefined;
    emit({
      type: 'keys:stale',
      source: source.id,
      staleSeconds: Math.max(0, Math.round((now - entry.freshUntil) / 1000)),
    });
    return entry;
  };

  // Single flight: concurrent callers share one fetch. In Cloudflare Workers a request may not
  // await I/O begun by another request, so the wait is bounded and then the caller fetches alone.
  const refresh = (reason: FetchReason): Promise<StoredKeySet> => {
    if (inflight !== undefined) return waitOn(inflight, reason);
    const attempt = fetchOnce(reason);
    inflight = attempt;
    const done = () => {
      if (inflight === attempt) inflight = undefined;
    };
    attempt.then(done, done);
    return attempt;
  };

  const waitOn = (shared: Promise<StoredKeySet>, reason: FetchReason): Promise<StoredKeySet> =>
    withDeadline(shared, fetchPolicy.timeoutMs + SHARED_FETCH_GRACE_MS).then((won) =>
      won === TIMED_OUT ? fetchOnce(reason) : won,
    );

  return {
    fresh() {
      if (!isFresh(entry, clock())) return undefined;
      emit({ type: 'keys:cache-hit', source: source.id });
      return entry;
    },
    async current() {
      await (storeRead ??= readStore());
      const now = clock();
      if (isFresh(entry, now)) {
        emit({ type: 'keys:cache-hit', source: source.id });
        return entry;
      }
      // While the key server keeps failing, ask it at most once per cooldown and serve stale.
      if (lastFailed && !mayRefetch(undefined, lastAttempt, now, policy)) {
        const stale = staleIfError();
        if (stale !== undefined) return stale;
      }
      return refresh(entry === undefined ? 'cold' : 'expired');
    },
    async refetchForUnknownKid() {
      await (storeRead ??= readStore());
      return mayRefetch(entry, lastAttempt, clock(), policy) ? refresh('unknown-kid') : undefined;
    },
    servable() {
      const now = clock();
      return (
        isFresh(entry, now) ||
        (lastFailed && isServableStale(entry, now, policy) && !pastExpiry(entry, now))
      );
    },
    async clear() {
      entry = undefined;
      storeRead = Promise.resolve();
      lastAttempt = Number.NEGATIVE_INFINITY;
      lastFailed = false;
      await store.delete();
    },
  };
}

const TIMED_OUT = Symbol('timed out');

/** Settles with `promise`, or with TIMED_OUT after `ms`; the timer never outlives the race. */
function withDeadline<T>(promise: PromiseLike<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The store, for one source, with every call bounded by the source's timeout: a store that
 * throws, or never answers, is a miss, so it can slow a verify by at most `timeout` and never
 * hang it. Writes are fire-and-forget for the same reason.
 */
function boundedStore(store: KeyStore, id: string, timeoutMs: number) {
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
    set: (value: StoredKeySet) => call(() => store.set(id, value)),
    delete: () => call(() => store.delete(id)).then(() => undefined),
  };
}
