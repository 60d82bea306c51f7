import { withDeadline } from '../lib/deadline.js';
import { VerificationError } from '../lib/errors.js';
import type { EmitEvent } from '../lib/events.js';
import { fetchFailed } from '../lib/map-error.js';
import { screenKeySet } from '../keys/guard.js';
import type { Observation } from '../keys/policy.js';
import { LOADER, type KeySource, type RemoteKeys } from '../keys/source.js';
import { readStoredKeySet } from '../keys/stored-entry.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { ALONE, type CrossTab } from '../stores/cross-tab.js';
import type { KeyStore, StoredKeySet } from '../stores/types.js';
import { boundedStore, type BoundedStore } from './bounded-store.js';
import { singleFlight } from './flight.js';
import { isFresh, isServableStale, mayRefetch, mayUseWritten } from './freshness.js';
import { loadKeySet, type FetchReason } from './load.js';
import { carryKeys, EMPTY_STATE, stateHolder, type StateHolder } from './state.js';
import { takeTurn, tabsOf } from './tabs.js';
import { pastExpiry, readStoredSet, type TrustContext } from './trusted.js';

/** The key set one verifier holds for one source, with the rules for refreshing it. */
export interface KeyCache {
  /** The set, if it is in memory and fresh: lets the hot path skip a promise. */
  fresh(): StoredKeySet | undefined;
  /** A usable set: fresh, or stale within `maxStale` while the key server fails. */
  current(): Promise<StoredKeySet>;
  /** Refetches for an unknown `kid`, or returns undefined inside the cooldown. */
  refetchForUnknownKid(): Promise<StoredKeySet | undefined>;
  /** The set that may vouch for a token now (fresh, or stale during an outage), if any. */
  servable(): StoredKeySet | undefined;
  /** The server time the latest key answer carried, for clock-skew estimates. */
  observed(): Observation | undefined;
  clear(): Promise<void>;
}

export interface KeyCacheOptions {
  source: KeySource;
  store: KeyStore;
  clock: () => number;
  emit: EmitEvent;
  /** Hashes thumbprints for `pins` and verifies signed sets. */
  provider: SignatureProvider;
}

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
  const where = source.kind === 'pem' ? 'The PEM key' : 'The inline key set';
  let loaded: Promise<StoredKeySet> | undefined;
  let ready: StoredKeySet | undefined;
  const current = (): Promise<StoredKeySet> =>
    (loaded ??= load().then((entries) => {
      const { keys, refused } = screenKeySet(entries, where);
      return (ready = { v: 1, keys, refused, fetchedAt: 0, freshUntil: Number.POSITIVE_INFINITY });
    }));
  return {
    fresh: () => ready,
    current,
    refetchForUnknownKid: async () => undefined,
    servable: () => ready,
    observed: () => undefined,
    clear: async () => undefined,
  };
}

/** What the functions of one remote key cache share; its only mutable part is `state`. */
interface Remote {
  readonly remote: RemoteKeys;
  readonly id: string;
  readonly clock: () => number;
  readonly emit: EmitEvent;
  readonly store: BoundedStore;
  readonly tabs: CrossTab;
  readonly state: StateHolder;
  readonly flight: (run: () => Promise<StoredKeySet>, waitMs: number) => Promise<StoredKeySet>;
  /** What checking pins and signed sets needs: the verifier's provider, passed down. */
  readonly trust: TrustContext;
}

function remoteKeyCache(remote: RemoteKeys, options: KeyCacheOptions): KeyCache {
  const { timeoutMs } = remote.fetch;
  // Pins and signatures are checked asynchronously, which adopting another tab's notice (a
  // synchronous look) cannot wait for: a pinned or signed source reads the shared store only
  // through readStoredSet, and fetches on its own.
  const checked = remote.pins !== undefined || remote.signed !== undefined;
  const c: Remote = {
    remote,
    id: options.source.id,
    clock: options.clock,
    emit: options.emit,
    store: boundedStore(options.store, options.source.id, timeoutMs),
    tabs: checked ? ALONE : tabsOf(options.store, options.source.id, timeoutMs),
    state: stateHolder(),
    flight: singleFlight<StoredKeySet>(),
    trust: { provider: options.provider, emit: options.emit, sourceId: options.source.id },
  };
  follow(c);
  return {
    fresh() {
      const { entry } = look(c);
      if (!isFresh(entry, c.clock())) return undefined;
      c.emit({ type: 'keys:cache-hit', source: c.id });
      return entry;
    },
    current: () => current(c),
    async refetchForUnknownKid() {
      const { entry, lastAttempt } = await readStoreOnce(c);
      const may = mayRefetch(entry, lastAttempt, c.clock(), remote.cache);
      return may ? refresh(c, 'unknown-kid') : undefined;
    },
    servable: () => servableSet(c),
    observed: () => c.state.get().observed,
    async clear() {
      c.state.update({ ...EMPTY_STATE, storeRead: Promise.resolve(), notice: c.tabs.latest() });
      await c.store.delete();
    },
  };
}

/** Looks at each notice as it arrives, so a rotation another tab saw is adopted at once. */
function follow(c: Remote): void {
  void c.tabs.arrival().then(() => {
    look(c);
    follow(c);
  });
}

/** The state, once any notice another tab posted since the last look has been considered. */
function look(c: Remote) {
  const state = c.state.get();
  const raw = c.tabs.latest();
  if (raw === state.notice) return state;
  c.state.update({ notice: raw });
  const entry = readStoredKeySet(raw);
  // A valid set newer than the one held, fetched by another tab: taken as if fetched here.
  return entry !== undefined && entry.fetchedAt > (state.entry?.fetchedAt ?? -1)
    ? adopt(c, entry)
    : c.state.get();
}

function adopt(c: Remote, entry: StoredKeySet) {
  c.emit({ type: 'keys:adopted', source: c.id });
  return c.state.update({ entry: carryKeys(c.state.get().entry, entry), lastFailed: false });
}

async function readStoreOnce(c: Remote) {
  const read = async () => {
    const stored = await readStoredSet(await c.store.get(), c.remote, {
      ...c.trust,
      now: c.clock(),
    });
    if (c.state.get().entry === undefined && stored !== undefined)
      c.state.update({ entry: stored });
  };
  await (c.state.get().storeRead ?? c.state.update({ storeRead: read() }).storeRead);
  return look(c);
}

async function current(c: Remote): Promise<StoredKeySet> {
  const { entry, lastFailed, lastAttempt } = await readStoreOnce(c);
  const now = c.clock();
  if (isFresh(entry, now)) {
    c.emit({ type: 'keys:cache-hit', source: c.id });
    return entry;
  }
  // While the key server keeps failing, ask it at most once per cooldown and serve stale.
  if (lastFailed && !mayRefetch(undefined, lastAttempt, now, c.remote.cache)) {
    const stale = staleIfError(c);
    if (stale !== undefined) return stale;
  }
  return refresh(c, entry === undefined ? 'cold' : 'expired');
}

const refresh = (c: Remote, reason: FetchReason): Promise<StoredKeySet> =>
  c.flight(() => fetchOnce(c, reason), c.remote.fetch.timeoutMs + SHARED_FETCH_GRACE_MS);

async function fetchOnce(c: Remote, reason: FetchReason): Promise<StoredKeySet> {
  const forced = reason === 'unknown-kid';
  const before = look(c).entry;
  const spares = (set: StoredKeySet) =>
    mayUseWritten(set, before, forced, c.clock(), c.remote.cache);
  const { turn, written } = await takeTurn(c.tabs, c.store.get, () => look(c).entry, spares);
  if (written !== undefined) {
    turn.release();
    return adopt(c, written).entry!;
  }
  c.state.update({ lastAttempt: c.clock() });
  c.emit({ type: 'keys:fetch', source: c.id, reason });
  try {
    const { entry, observed } = await loadKeySet(c.remote, look(c).entry, reason, c.clock, c.trust);
    c.state.update({ entry, observed, lastFailed: false });
    const writing = c.store.set(entry);
    turn.fetched(entry, writing);
    // Cloudflare Workers cancel I/O still pending when the response goes out (a Cache API or
    // KV put would never land), so there the answer waits for the write, briefly. Everywhere
    // else a slow store never delays the answer.
    if (CANCELS_PENDING_IO)
      await withDeadline(writing, Math.min(c.remote.fetch.timeoutMs, STORE_WRITE_GRACE_MS));
    return entry;
  } catch (error) {
    turn.release();
    c.state.update({ lastFailed: true });
    const failure =
      error instanceof VerificationError ? error : fetchFailed(c.id, String(error), error);
    c.emit({ type: 'keys:error', source: c.id, error: failure });
    const stale = staleIfError(c);
    if (stale !== undefined) return stale;
    throw failure;
  }
}

function staleIfError(c: Remote): StoredKeySet | undefined {
  const { entry } = c.state.get();
  const now = c.clock();
  if (!isServableStale(entry, now, c.remote.cache) || pastExpiry(entry, now)) return undefined;
  const staleSeconds = Math.max(0, Math.round((now - entry.freshUntil) / 1000));
  c.emit({ type: 'keys:stale', source: c.id, staleSeconds });
  return entry;
}

function servableSet(c: Remote): StoredKeySet | undefined {
  const { entry, lastFailed } = look(c);
  const now = c.clock();
  const servable =
    isFresh(entry, now) ||
    (lastFailed && isServableStale(entry, now, c.remote.cache) && !pastExpiry(entry, now));
  return servable ? entry : undefined;
}
