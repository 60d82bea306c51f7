import type { CachePolicy } from '../keys/policy.js';
import type { StoredKeySet } from '../stores/types.js';

/**
 * Seconds of freshness a key response grants (RFC 9111 §4.2.1, reduced to what key sets need):
 * `max-age` minus `Age`; 0 for `no-cache`, `no-store`, or a `max-age` that is not a
 * non-negative whole number (§4.2.1: an invalid value means stale); undefined when it says
 * nothing, so the source's `maxAge` applies.
 */
export function freshnessSeconds(
  cacheControl: string | null,
  age: string | null,
): number | undefined {
  const directives = (cacheControl ?? '').toLowerCase().split(',');
  let maxAge: number | undefined;
  for (const directive of directives) {
    const [name = '', value] = directive.split('=', 2).map((part) => part.trim());
    if (name === 'no-cache' || name === 'no-store') return 0;
    if (name !== 'max-age') continue;
    const digits = value?.replace(/^"(.*)"$/, '$1') ?? '';
    // Two max-age directives disagree: RFC 9111 §4.2.1 says treat the response as stale.
    if (!/^\d+$/.test(digits) || maxAge !== undefined) return 0;
    maxAge = Number(digits);
  }
  if (maxAge === undefined) return undefined;
  const ageSeconds = /^\d+$/.test(age?.trim() ?? '') ? Number(age) : 0;
  return Math.max(0, maxAge - ageSeconds);
}

/** When a set fetched at `now` stops being fresh. */
export function freshUntil(now: number, seconds: number | undefined, policy: CachePolicy): number {
  return now + (seconds === undefined ? policy.maxAgeMs : seconds * 1000);
}

export function isFresh(entry: StoredKeySet | undefined, now: number): entry is StoredKeySet {
  return entry !== undefined && now < entry.freshUntil;
}

/** A set past freshness may still serve, while the key server fails, up to `maxStale`. */
export function isServableStale(
  entry: StoredKeySet | undefined,
  now: number,
  policy: CachePolicy,
): entry is StoredKeySet {
  return entry !== undefined && now <= entry.freshUntil + policy.maxStaleMs;
}

/**
 * Whether an unknown `kid` may refetch now: at most once per cooldown since the last attempt
 * or the set's fetch, so a flood of made-up kids costs one request per cooldown.
 */
export function mayRefetch(
  entry: StoredKeySet | undefined,
  lastAttempt: number,
  now: number,
  policy: CachePolicy,
): boolean {
  const last = Math.max(lastAttempt, entry?.fetchedAt ?? Number.NEGATIVE_INFINITY);
  return now - last >= policy.cooldownMs;
}

/**
 * Whether a set another tab stored, found after waiting for the cross-tab lock, spares this tab
 * its fetch: for a cold or expired set, when it is fresh; for a refetch (unknown `kid`), when
 * another tab fetched it after this tab's set and within the cooldown, which the tabs thus share.
 */
export function mayUseWritten(
  stored: StoredKeySet,
  held: StoredKeySet | undefined,
  forced: boolean,
  now: number,
  policy: CachePolicy,
): boolean {
  if (!forced) return isFresh(stored, now);
  const newer = stored.fetchedAt > (held?.fetchedAt ?? Number.NEGATIVE_INFINITY);
  return (
    newer && isFresh(stored, now) && !mayRefetch(stored, Number.NEGATIVE_INFINITY, now, policy)
  );
}
