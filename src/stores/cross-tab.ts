import type { CrossTab, CrossTabOptions, StoredKeySet, TabTurn } from './types.js';

const NOOP = (): void => undefined;
const ALONE_TURN: TabTurn = { written: undefined, fetched: NOOP, release: NOOP };
const ALONE: CrossTab = { turn: async () => ALONE_TURN };

// The one message: the set a tab just fetched and stored. It is untrusted input, validated
// like a stored entry. It carries the set rather than asking for a store read because
// Chromium's localStorage reaches other tabs asynchronously: a notice (or a lock handoff)
// may arrive before the stored value does.
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
 * Coordinates a source's fetches between the tabs that share a store (the `coordinate` of
 * `webStorage(localStorage)`, `indexedDbStore()` and `cacheApiStore()`, so an app on
 * `memoryStore()` carries none of this):
 * a Web Lock per source makes N tabs opening at once fetch once, and a BroadcastChannel
 * notice makes the others adopt a refetched set without a request. Each API is used where
 * it exists; without both, each tab works alone.
 */
export function crossTab(options: CrossTabOptions): CrossTab {
  const { locks, channel } = browserApis(`tokenward:${options.sourceId}`);
  if (locks === undefined && channel === undefined) return ALONE;
  let noticed: (() => void) | undefined;
  if (channel !== undefined)
    channel.onmessage = (event) => {
      onNotice(event.data, options);
      noticed?.();
    };
  const lockName = `tokenward:${options.sourceId}`;
  const usableNow = async (held: StoredKeySet | undefined, forced: boolean) =>
    [options.validate(await options.read()), options.held()].find(
      (set) => set !== undefined && options.usable(set, held, forced),
    );
  return {
    async turn(held, forced) {
      const contended = locks !== undefined && (await isHeld(locks, lockName));
      // No lock (no Web Locks, or waited `timeout` in vain): this tab fetches alone.
      const release = (locks && (await acquire(locks, lockName, options.timeoutMs))) ?? NOOP;
      // Another tab may have fetched while this one waited: its set is in the store, or
      // already adopted from its notice, or its notice is still on the way.
      let written = release === NOOP ? undefined : await usableNow(held, forced);
      if (written === undefined && contended && release !== NOOP && channel !== undefined) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, NOTICE_GRACE_MS);
          noticed = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        noticed = undefined;
        written = await usableNow(held, forced);
      }
      return {
        written,
        fetched: (entry, writing) =>
          void Promise.resolve(writing)
            .then(() => channel?.postMessage({ type: NOTICE, entry }))
            .finally(release),
        release,
      };
    },
  };
}

/** Adopts the set in a notice when it is valid and newer than the one held. */
function onNotice(data: unknown, options: CrossTabOptions): void {
  if ((data as { type?: unknown } | null)?.type !== NOTICE) return;
  const entry = options.validate((data as { entry?: unknown }).entry);
  if (entry !== undefined && entry.fetchedAt > (options.held()?.fetchedAt ?? -1)) {
    options.adopt(entry);
  }
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
