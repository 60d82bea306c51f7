import { screenKeySet } from '../keys/guard.js';
import type { StoredKeySet } from './types.js';

/**
 * Reads back a stored entry only if it is exactly what tokenward writes: the right shape,
 * public keys only, no weak RSA key. Anything else is treated as absent and refetched.
 */
export function readStoredKeySet(value: unknown): StoredKeySet | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<StoredKeySet>;
  if (entry.v !== 1 || !isTime(entry.fetchedAt) || !isTime(entry.freshUntil)) return undefined;
  if (entry.etag !== undefined && typeof entry.etag !== 'string') return undefined;
  if (typeof entry.refused !== 'object' || entry.refused === null) return undefined;
  if (!Object.values(entry.refused).every((reason) => typeof reason === 'string')) return undefined;
  if (entry.meta !== undefined && (typeof entry.meta !== 'object' || entry.meta === null))
    return undefined;
  try {
    const screened = screenKeySet(entry.keys, 'The stored key set');
    if (screened.keys.length !== entry.keys?.length) return undefined;
  } catch {
    return undefined;
  }
  return entry as StoredKeySet;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
