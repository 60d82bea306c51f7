/**
 * Where a DPoP key pair lives between page loads. `add` stores the pair unless one is there
 * already and resolves with the pair that is stored then, so two tabs starting together end up
 * with one key. The private key is non-extractable: a store holds the CryptoKey object itself
 * (structured clone), never its bytes.
 */
export interface DpopKeyStore {
  /** The stored key pair, if any. */
  get(): Promise<CryptoKeyPair | undefined>;
  /** Stores `pair` unless one is there; resolves with the pair that is kept (the first wins). */
  add(pair: CryptoKeyPair): Promise<CryptoKeyPair>;
}

/**
 * Keeps the key pair in this page's memory only: a reload makes a new key (and the tokens bound
 * to the old one are useless). The fallback where IndexedDB is missing or refuses CryptoKeys.
 *
 * @example
 * const dpop = await createDpop({ store: memoryDpopStore() });
 */
export function memoryDpopStore(): DpopKeyStore {
  let kept: CryptoKeyPair | undefined;
  return {
    get: () => Promise.resolve(kept),
    add: (pair) => Promise.resolve((kept ??= pair)),
  };
}

/** No IndexedDB call waits longer than this (a blocked upgrade, a busy disk). */
const IDB_TIMEOUT_MS = 3000;
const OBJECT_STORE = 'keys';
const ENTRY = 'dpop';

/**
 * Keeps the key pair in IndexedDB, so it survives reloads and is shared by the origin's tabs.
 * Rejects where IndexedDB is missing or refuses to store a CryptoKey (Safari's private mode
 * has done both); `createDpop` then falls back to memory.
 *
 * Security: script running in the page (XSS) can use the key while it runs, but cannot read
 * it out: the private key is non-extractable.
 *
 * @example
 * const dpop = await createDpop({ store: indexedDbDpopStore('my-app-dpop') });
 */
export function indexedDbDpopStore(name = 'tokenward-dpop'): DpopKeyStore {
  const run = <T>(
    mode: IDBTransactionMode,
    step: (store: IDBObjectStore) => IDBRequest<T> | void,
    result: () => T,
  ): Promise<T> =>
    bounded(
      openDatabase(name).then(
        (db) =>
          new Promise<T>((resolve, reject) => {
            const transaction = db.transaction(OBJECT_STORE, mode);
            step(transaction.objectStore(OBJECT_STORE));
            transaction.oncomplete = () => {
              db.close();
              resolve(result());
            };
            transaction.onerror = transaction.onabort = () => {
              db.close();
              reject(transaction.error ?? new Error('IndexedDB transaction failed'));
            };
          }),
      ),
    );
  return {
    get() {
      let found: unknown;
      return run(
        'readonly',
        (store) => {
          const request = store.get(ENTRY);
          request.onsuccess = () => (found = request.result);
        },
        () => (isKeyPair(found) ? found : undefined),
      );
    },
    add(pair) {
      let stored: CryptoKeyPair = pair;
      // One readwrite transaction: tabs racing here are serialized, and the first pair wins.
      return run(
        'readwrite',
        (store) => {
          const request = store.get(ENTRY);
          request.onsuccess = () => {
            if (isKeyPair(request.result)) stored = request.result;
            else store.put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, ENTRY);
          };
        },
        () => stored,
      );
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (factory === undefined) return reject(new Error('IndexedDB is not available here'));
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(OBJECT_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

function bounded<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('IndexedDB did not answer in time')), IDB_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A stored entry is trusted only if it is a usable signing pair whose private half cannot leave. */
export function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false;
  const { privateKey, publicKey } = value as Partial<CryptoKeyPair>;
  return (
    typeof privateKey === 'object' &&
    privateKey !== null &&
    privateKey.type === 'private' &&
    privateKey.extractable === false &&
    privateKey.usages.includes('sign') &&
    typeof publicKey === 'object' &&
    publicKey !== null &&
    publicKey.type === 'public' &&
    publicKey.algorithm.name === privateKey.algorithm.name
  );
}
