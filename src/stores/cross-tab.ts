import type { KeyStore, StoredKeySet } from './types.js';

/**
 * @internal The member by which a store every tab of the origin shares (`localStorage`,
 * IndexedDB, the Cache API) offers cross-tab coordination. Symbol-keyed and absent from the
 * public `KeyStore` type: the protocol is tokenward's own, and an app on `memoryStore()`
 * ships none of it.
 */
export const CROSS_TAB: unique symbol = Symbol.for('tokenward.crossTab') as never;

/** @internal A store with cross-tab coordination. */
export interface SharedKeyStore extends KeyStore {
  readonly [CROSS_TAB]: typeof crossTab;
}

/** How the tabs of a browser share one source's fetches. */
export interface CrossTab {
  /**
   * The set in the latest notice another tab posted: raw and untrusted, for the key set to
   * validate and adopt (or not); the same object until a new notice arrives.
   */
  latest(): unknown;
  /** Settles when the next notice arrives (never, where no tabs share the store). */
  arrival(): Promise<void>;
  /** Before a cold or forced fetch: waits, at most the source's `timeout`, for its Web Lock. */
  turn(): Promise<TabTurn>;
}

/** One tab's turn to fetch. Exactly one of `fetched` and `release` must be called. */
export interface TabTurn {
  /** This tab holds the lock: another tab may have fetched while it waited (look first). */
  readonly locked: boolean;
  /** Another tab held the lock when this one asked: its notice may still be on the way. */
  readonly contended: boolean;
  /** Waits briefly for the next notice (it may reach this tab after the lock does). */
  notice(): Promise<void>;
  /** After a successful fetch: once `writing` settles, tell the other tabs, let the next in. */
  fetched(entry: StoredKeySet, writing: PromiseLike<unknown>): void;
  /** Lets the next tab in (after a failed fetch, or when another tab's set was used). */
  release(): void;
}

const NOOP = (): void => undefined;
const ALONE_TURN: TabTurn = {
  locked: false,
  contended: false,
  notice: async () => undefined,
  fetched: NOOP,
  release: NOOP,
};
/** Where no tabs share the store: this tab fetches alone, at once. */
export const ALONE: CrossTab = {
  latest: () => undefined,
  arrival: () => new Promise<void>(() => undefined),
  turn: async () => ALONE_TURN,
};

// The one message: the set a tab just fetched and stored. It carries the set rather than asking
// for a store read because Chromium's localStorage reaches other tabs asynchronously: a notice
// (or a lock handoff) may arrive before the stored value does.
const NOTICE = 'tokenward:keys-changed';

// How long a tab that waited for another tab's lock waits on for that tab's notice. The holder
// posts its notice before it releases the lock, but the two reach this tab by different routes,
// so the lock may come first; the notice follows within milliseconds.
const NOTICE_GRACE_MS = 100;

interface BrowserApis {
  locks?: Pick<LockManager, 'request' | 'query'>;
  channel?: BroadcastChannel;
}

/**
 * Coordinates a source's fetches between the tabs that share a store: a Web Lock per source
 * makes N tabs opening at once fetch once, and a BroadcastChannel notice hands the others the
 * refetched set. It hands back what it hears and never holds or writes the key cache's entry:
 * the key set validates and adopts. Each API is used where it exists; without both, each tab
 * works alone.
 */
export function crossTab(sourceId: string, timeoutMs: number): CrossTab {
  const { locks, channel } = browserApis(`tokenward:${sourceId}`);
  if (locks === undefined && channel === undefined) return ALONE;
  let latest: unknown;
  const waiting = new Set<() => void>();
  let arrive: () => void = NOOP;
  let arrived = new Promise<void>((resolve) => (arrive = resolve));
  if (channel !== undefined)
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown; entry?: unknown } | null;
      if (data?.type !== NOTICE) return;
      latest = data.entry;
      for (const wake of waiting) wake();
      arrive();
      arrived = new Promise<void>((resolve) => (arrive = resolve));
    };
  const lockName = `tokenward:${sourceId}`;
  const notice = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, NOTICE_GRACE_MS);
      waiting.add(wake);
    });
  return {
    latest: () => latest,
    arrival: () => arrived,
    async turn() {
      const contended = locks !== undefined && (await isHeld(locks, lockName));
      // No lock (no Web Locks, or waited `timeout` in vain): this tab fetches alone.
      const release = (locks && (await acquire(locks, lockName, timeoutMs))) ?? undefined;
      if (release === undefined) return ALONE_TURN;
      return {
        locked: true,
        contended: contended && channel !== undefined,
        notice,
        fetched: (entry, writing) =>
          void Promise.resolve(writing)
            .then(() => channel?.postMessage({ type: NOTICE, entry }))
            .finally(release),
        release,
      };
    },
  };
}

/** Whether another tab holds the lock now (then this tab will wait for its result). */
async function isHeld(locks: Pick<LockManager, 'query'>, name: string): Promise<boolean> {
  try {
    const { held = [] } = await locks.query();
    return held.some((lock) => lock.name === name);
  } catch {
    return false;
  }
}

/**
 * Waits for the lock, at most `timeoutMs` (an abortable request: a tab never waits on another
 * longer than the source's timeout; a tab closed mid-fetch loses its lock at once). Resolves
 * with the function that releases it, or undefined when the wait was given up.
 */
function acquire(
  locks: Pick<LockManager, 'request'>,
  name: string,
  timeoutMs: number,
): Promise<(() => void) | undefined> {
  return new Promise((resolve) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    locks
      .request(name, { signal: controller.signal }, () => {
        clearTimeout(timer);
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(() => {
        clearTimeout(timer);
        resolve(undefined);
      });
  });
}

/** Web Locks and BroadcastChannel, where this runtime has them (browsers and their workers). */
function browserApis(channelName: string): BrowserApis {
  const scope = globalThis as {
    navigator?: { locks?: LockManager };
    BroadcastChannel?: typeof BroadcastChannel;
    document?: unknown;
    WorkerGlobalScope?: unknown;
  };
  const apis: BrowserApis = {};
  // Only pages and their workers have tabs. Deno has localStorage, Web Locks and a
  // BroadcastChannel too, but a listening channel there keeps the process alive (no unref).
  if (scope.document === undefined && scope.WorkerGlobalScope === undefined) return apis;
  if (
    typeof scope.navigator?.locks?.request === 'function' &&
    typeof scope.navigator.locks.query === 'function'
  )
    apis.locks = scope.navigator.locks;
  if (typeof scope.BroadcastChannel === 'function') {
    apis.channel = new scope.BroadcastChannel(channelName);
    // Node and Deno have BroadcastChannel too: a listening channel must not keep them alive.
    (apis.channel as { unref?: () => void }).unref?.();
  }
  return apis;
}
