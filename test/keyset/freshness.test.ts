import { describe, expect, it } from 'vitest';
import {
  freshnessSeconds,
  freshUntil,
  isFresh,
  isServableStale,
  mayRefetch,
  mayUseWritten,
} from '../../src/keyset/freshness.js';
import type { CachePolicy } from '../../src/keys/policy.js';
import type { StoredKeySet } from '../../src/stores/types.js';

const policy: CachePolicy = { cooldownMs: 30_000, maxAgeMs: 600_000, maxStaleMs: 86_400_000 };
const stored = (fetchedAt: number, freshFor = 600_000): StoredKeySet =>
  entry(fetchedAt, fetchedAt + freshFor);
const entry = (fetchedAt: number, until: number): StoredKeySet => ({
  v: 1,
  keys: [],
  refused: {},
  fetchedAt,
  freshUntil: until,
});

describe('freshnessSeconds (RFC 9111 §4.2.1)', () => {
  it.each([
    [null, null, undefined],
    ['public', null, undefined],
    ['max-age=300', null, 300],
    ['public, max-age=300, must-revalidate', null, 300],
    ['MAX-AGE = "120"', null, 120],
    ['max-age=300', '100', 200],
    ['max-age=300', '500', 0],
    ['max-age=300', 'soon', 300],
    ['no-cache', null, 0],
    ['max-age=300, no-store', null, 0],
    ['max-age=0', null, 0],
    // An invalid max-age means stale, not "use the default".
    ['max-age=-5', null, 0],
    ['max-age=abc', null, 0],
    ['max-age=', null, 0],
    ['max-age=1.5', null, 0],
    ['max-age=60, max-age=3600', null, 0],
  ])('Cache-Control %j, Age %j → %j', (cacheControl, age, expected) => {
    expect(freshnessSeconds(cacheControl, age)).toBe(expected);
  });
});

describe('freshness of a stored set: pure functions of the entry and the time', () => {
  it('is fresh until freshUntil, from max-age or the source maxAge', () => {
    expect(freshUntil(1000, 60, policy)).toBe(61_000);
    expect(freshUntil(1000, undefined, policy)).toBe(601_000);
    expect(isFresh(entry(0, 5000), 4999)).toBe(true);
    expect(isFresh(entry(0, 5000), 5000)).toBe(false);
    expect(isFresh(undefined, 0)).toBe(false);
  });

  it('may serve stale up to maxStale past freshness', () => {
    const set = entry(0, 5000);
    expect(isServableStale(set, 5000 + policy.maxStaleMs, policy)).toBe(true);
    expect(isServableStale(set, 5001 + policy.maxStaleMs, policy)).toBe(false);
  });

  it('allows one refetch per cooldown, counted from the last attempt or fetch', () => {
    const set = entry(10_000, 20_000);
    expect(mayRefetch(set, Number.NEGATIVE_INFINITY, 39_999, policy)).toBe(false);
    expect(mayRefetch(set, Number.NEGATIVE_INFINITY, 40_000, policy)).toBe(true);
    expect(mayRefetch(set, 35_000, 40_000, policy)).toBe(false);
    expect(mayRefetch(undefined, Number.NEGATIVE_INFINITY, 0, policy)).toBe(true);
  });
});

describe('mayUseWritten: may a set another tab stored spare this tab its fetch?', () => {
  it('for a cold or expired set: when the stored one is fresh', () => {
    expect(mayUseWritten(stored(1000), undefined, false, 2000, policy)).toBe(true);
    expect(mayUseWritten(stored(1000, 500), undefined, false, 2000, policy)).toBe(false);
  });

  it('for an unknown kid: only when another tab fetched after this one, within the cooldown', () => {
    const held = stored(0);
    expect(mayUseWritten(stored(100_000), held, true, 110_000, policy)).toBe(true);
    expect(mayUseWritten(stored(100_000), held, true, 130_000, policy)).toBe(false); // cooldown over
    expect(mayUseWritten(held, held, true, 10_000, policy)).toBe(false); // its own set
  });
});
