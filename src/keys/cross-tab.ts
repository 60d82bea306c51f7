import type { StoredKeySet } from '../stores/types.js';
import { isFresh, mayRefetch, type CachePolicy } from './freshness.js';
import { readStoredKeySet } from './stored-entry.js';

/**
 * One tab's turn to fetch a source's keys, granted by {@link CrossTab.turn}. Exactly one of
 * `fetched` and `release` must be called, whatever happens.
 */
export interface TabTurn {
  /** A set another tab wrote while this one waited, fresh enough to use: fetch nothing. */
  readonly written: StoredKeySet | undefined;
  /** After a successful fetch: once `writing` settles, tell the other tabs, let the next in. */
  fetched(writing: PromiseLike<unknown>): void;
  /** Lets the next tab in (after a failed fetch, or when `written` was used). */
  release(): void;
}

/** How the tabs of a browser share one source's fetches. */
export interface CrossTab {
  /**
   * Before a cold or forced fetch: waits, at most the source's `timeout`, for the source's
   * Web Lock, then re-reads the store in case another tab just fetched.
   */
  turn(held: StoredKeySet | undefined, forced: boolean): Promise<TabTurn>;
}

export interface CrossTabOptions {
  sourceId: string;
  timeoutMs: number;
  clock: () => number;
  policy: CachePolicy;
  /** Reads this source's entry from the shared store (bounded; a failure is undefined). */
  read(): Promise<unknown>;
  /** The set this tab holds now. */
  held(): StoredKeySet | undefined;
  /** Takes a newer, validated set that another tab fetched and announced. */
  adopt(entry: StoredKeySet): void;
}

const ALONE_TURN: TabTurn = {
  written: undefined,
  fetched: () => undefined,
  release: () => undefined,
};
const ALONE: CrossTab = { turn: async () => ALONE_TURN };

// The only message sent: a notice to re-read the store. It carries no keys, so a forged one
// costs a bounded store read, and what is read is validated like any stored entry.
const NOTICE = 'tokenward:keys-changed';

interface BrowserApis {
  locks?: Pick<LockManager, 'request'>;
  channel?: BroadcastChannel;
}

/**
 * Coordinates a source's fetches between the tabs that share `store` (`shared: 'browser'`):
 * a Web Lock per source makes N tabs opening at once fetch once, and a BroadcastChannel
 * notice makes the others adopt a refetched set without a request. Each API is used where
 * it exists; without both, each tab works alone.
 */
export function crossTab(shared: boolean, options: CrossTabOptions): CrossTab {
  if (!shared) return ALONE;
  const { locks, channel } = browserApis(`tokenward:${options.sourceId}`);
  if (locks === undefined && channel === undefined) return ALONE;
  if (channel !== undefined) channel.onmessage = listener(options);
  const lockName = `tokenward:${options.sourceId}`;
  return {
    async turn(held, forced) {
      const release = locks && (await acquire(locks, lockName, options.timeoutMs));
      if (release === undefined) return ALONE_TURN; // no lock, or waited long enough: alone
      const stored = readStoredKeySet(await options.read());
      const usable = stored !== undefined && mayUseWritten(stored, held, forced, options);
      return {
        written: usable ? stored : undefined,
        fetched: (writing) =>
          void Promise.resolve(writing)
            .then(() => channel?.postMessage({ type: NOTICE }))
            .finally(release),
        release,
      };
    },
  };
}

/**
 * Whether a set found in the store, after waiting for the lock, spares this tab its fetch:
 * for a cold or expired set, when it is fresh; for a refetch (unknown `kid`), when another
 * tab fetched it after this tab's set and within the cooldown, which the tabs thus share.
 */
export function mayUseWritten(
  stored: StoredKeySet,
  held: StoredKeySet | undefined,
  forced: boolean,
  { clock, policy }: Pick<CrossTabOptions, 'clock' | 'policy'>,
): boolean {
  const now = clock();
  if (!forced) return isFresh(stored, now);
  const newer = stored.fetchedAt > (held?.fetchedAt ?? Number.NEGATIVE_INFINITY);
  return (
    newer && isFresh(stored, now) && !mayRefetch(stored, Number.NEGATIVE_INFINITY, now, policy)
  );
}

/** Re-reads the store on each notice (one read at a time) and adopts a newer set. */
function listener(options: CrossTabOptions): (event: MessageEvent) => void {
  let reading = false;
  let again = false;
  const readAll = async () => {
    reading = true;
    try {
      do {
        again = false;
        const stored = readStoredKeySet(await options.read());
        const held = options.held();
        if (stored !== undefined && stored.fetchedAt > (held?.fetchedAt ?? -1))
          options.adopt(stored);
      } while (again);
    } finally {
      reading = false;
    }
  };
  return (event) => {
    if ((event.data as { type?: unknown } | null)?.type !== NOTICE) return;
    if (reading) again = true;
    else void readAll();
  };
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
  };
  const apis: BrowserApis = {};
  if (typeof scope.navigator?.locks?.request === 'function') apis.locks = scope.navigator.locks;
  if (typeof scope.BroadcastChannel === 'function') {
    apis.channel = new scope.BroadcastChannel(channelName);
    // Node and Deno have BroadcastChannel too: a listening channel must not keep them alive.
    (apis.channel as { unref?: () => void }).unref?.();
  }
  return apis;
}
