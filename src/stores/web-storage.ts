import type { KeyStore } from './types.js';
import { CROSS_TAB, crossTab } from './cross-tab.js';

/** The part of the Web Storage API a {@link webStorage} store uses. */
export type WebStorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Keeps key sets in `localStorage` or `sessionStorage`, so a reload does not refetch them.
 * Corrupt entries are ignored and refetched; a full storage quota is ignored.
 *
 * With `localStorage` the origin's tabs share one fetch (Web Locks, BroadcastChannel);
 * `sessionStorage` is per tab. Pick it for small key sets on the main thread; pick
 * `indexedDbStore()` to share with workers too.
 *
 * Security: script on the same origin can write a well-formed entry with its own keys, and
 * no store can tell it from one tokenward wrote. If an attacker can run script on your page,
 * prefer `memoryStore()`.
 *
 * @example
 * const verifier = createVerifier({ keys: jwks(url), issuer, audience, cache: webStorage(localStorage) });
 *
 * @param prefix prepended to every key. @default 'tokenward:'
 */
export function webStorage(storage: WebStorageLike, prefix = 'tokenward:'): KeyStore {
  if (storage === null || typeof storage?.getItem !== 'function') {
    throw new TypeError('webStorage(storage) needs a Storage object such as localStorage');
  }
  return {
    ...(isLocalStorage(storage) ? { [CROSS_TAB]: crossTab } : {}),
    get(key) {
      const text = storage.getItem(prefix + key);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      try {
        storage.setItem(prefix + key, JSON.stringify(value));
      } catch {
        // QuotaExceededError or storage disabled (Safari private mode): the memory copy still works.
      }
    },
    delete(key) {
      storage.removeItem(prefix + key);
    },
  };
}

/** Whether `storage` is this origin's `localStorage`, which every tab shares. */
function isLocalStorage(storage: WebStorageLike): boolean {
  try {
    return storage === (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return false; // reading localStorage throws where storage is blocked (sandboxed frames)
  }
}
