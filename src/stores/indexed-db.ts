import type { KeyStore, StoredKeySet } from './types.js';
import { CROSS_TAB, crossTab, type SharedKeyStore } from './cross-tab.js';
import { openDatabase } from '../lib/indexed-db.js';

const OBJECT_STORE = 'key-sets';

/**
 * Keeps key sets in IndexedDB (browsers, web and service workers): one fetch serves every
 * tab of the origin and survives reloads. Unlike `localStorage` it is also readable from
 * workers. Tabs coordinate their fetches through it (Web Locks, BroadcastChannel).
 *
 * Entries are validated on every read: a malformed, private, symmetric or weak entry is
 * ignored and refetched. A database that is blocked, full or gone is a miss.
 *
 * Security: script on the same origin can write a well-formed entry with its own keys, and
 * no store can tell it from one tokenward wrote. If an attacker may run script on your page,
 * prefer `memoryStore()`.
 *
 * @example
 * const verifier = createVerifier({ keys: jwks(url), issuer, audience, cache: indexedDbStore() });
 *
 * @param name the IndexedDB database (it holds one object store, `key-sets`). @default 'tokenward'
 */
export function indexedDbStore(name = 'tokenward'): KeyStore {
  if ((globalThis as { indexedDB?: IDBFactory }).indexedDB === undefined) {
    throw new TypeError('indexedDbStore() needs IndexedDB (browsers and their workers)');
  }
  let opened: Promise<IDBDatabase> | undefined;
  const forget = () => (opened = undefined);
  // A failed open is not remembered: the next call tries again.
  const database = (): Promise<IDBDatabase> =>
    (opened ??= openDatabase(name, OBJECT_STORE, forget).catch((error: unknown) => {
      forget();
      throw error;
    }));
  const run = async <T>(mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest<T>) => {
    const transaction = (await database()).transaction(OBJECT_STORE, mode);
    const request = act(transaction.objectStore(OBJECT_STORE));
    return new Promise<T>((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };
  const shared: SharedKeyStore = {
    [CROSS_TAB]: crossTab,
    get: (key) => run('readonly', (s) => s.get(key)),
    set: (key, value: StoredKeySet) => run('readwrite', (s) => s.put(value, key)),
    delete: (key) => run('readwrite', (s) => s.delete(key)),
  };
  return shared;
}
