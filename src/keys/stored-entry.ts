import type { StoredKeySet } from '../stores/types.js';
import { screenKeySet } from './guard.js';

/**
 * Reads back a stored entry only if it is exactly what tokenward writes: the right shape,
 * public keys only, no weak or unsafe key, well-formed metadata. Anything else is treated as
 * absent and refetched: a store is never trusted blindly, and never a crash.
 */
export function readStoredKeySet(value: unknown): StoredKeySet | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<StoredKeySet>;
  if (entry.v !== 1 || !isTime(entry.fetchedAt) || !isTime(entry.freshUntil)) return undefined;
  if (entry.etag !== undefined && typeof entry.etag !== 'string') return undefined;
  if (!isReasons(entry.refused) || !isMeta(entry.meta) || !isSigned(entry.signed)) return undefined;
  try {
    // Every key kept as it is: tokenward writes only screened keys, base64url members already.
    const { keys } = screenKeySet(entry.keys, 'The stored key set');
    if (keys.length !== entry.keys?.length || keys.some((key, i) => key !== entry.keys![i]))
      return undefined;
  } catch {
    return undefined;
  }
  return entry as StoredKeySet;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isReasons(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((reason) => typeof reason === 'string')
  );
}

/** The signed set's JWS and times, if any; re-verified by the key cache before use. */
function isSigned(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { jws, iat, exp } = value as Record<string, unknown>;
  return typeof jws === 'string' && isTime(iat) && (exp === undefined || isTime(exp));
}

/** Every member tokenward writes into `meta` (discovery), each of its type; nothing else. */
function isMeta(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { issuer, idTokenSigningAlgs, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    (issuer === undefined || typeof issuer === 'string') &&
    (idTokenSigningAlgs === undefined ||
      (Array.isArray(idTokenSigningAlgs) &&
        idTokenSigningAlgs.every((alg) => typeof alg === 'string')))
  );
}
