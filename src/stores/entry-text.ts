import type { StoredKeySet } from './types.js';

// A key set over the transport's 512 KiB cap cannot have been written by tokenward; twice that
// leaves room for the JSON around it without parsing whatever a store holds.
const MAX_ENTRY_CHARS = 1024 * 1024;

/** A stored JSON text read back, or undefined when it is too long or does not parse. */
export function parseEntryText(text: string): unknown {
  if (text.length > MAX_ENTRY_CHARS) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * How long a store that expires entries should keep one, in whole seconds: its freshness
 * plus `maxStaleSeconds` (so a stale set can still serve during an outage), and at least
 * 60 s, which is the shortest `expirationTtl` Workers KV accepts.
 */
export function retentionSeconds(value: StoredKeySet, maxStaleSeconds: number): number {
  const fresh = Math.max(0, Math.ceil((value.freshUntil - value.fetchedAt) / 1000));
  return Math.max(60, fresh + maxStaleSeconds);
}
