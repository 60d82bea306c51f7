/**
 * A bounded least-recently-used map. Map keeps insertion order, so re-inserting on a hit
 * moves an entry to the young end and the oldest entry is the first key.
 */
export interface Memo<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export function createMemo<V>(max: number): Memo<V> {
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      // A new key (the usual case) needs no delete; a full memo drops its oldest entry.
      if (entries.has(key)) entries.delete(key);
      else if (entries.size >= max)
        for (const oldest of entries.keys()) {
          entries.delete(oldest);
          break;
        }
      entries.set(key, value);
    },
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
