import type { KeyStore, StoredKeySet } from './types.js';

/**
 * Keeps key sets in memory for the life of the page or process. The default store.
 *
 * @example
 * const shared = memoryStore();
 * const a = createVerifier({ keys: jwks(url), issuer, audience: 'a', cache: shared });
 * const b = createVerifier({ keys: jwks(url), issuer, audience: 'b', cache: shared });
 */
export function memoryStore(): KeyStore {
  const entries = new Map<string, StoredKeySet>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    delete: (key) => void entries.delete(key),
  };
}
