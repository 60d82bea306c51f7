import { describe, expect, it } from 'vitest';
import { freshnessSeconds, mayUseWritten } from '../../src/keyset/freshness.js';

// freshnessSeconds (src/keyset/freshness.ts) reads whole values only: a max-age or Age with
// anything but digits around it is invalid (RFC 9111 §1.2.2: delta-seconds = 1*DIGIT). Each
// case kills an anchor of a /^\d+$/ dropped, or a trim removed.
describe('delta-seconds are whole values', () => {
  it.each([
    ['max-age=a5', null, 0],
    ['max-age=5a', null, 0],
    ['max-age="5', null, 0],
    ['max-age="a"', null, 0],
    ['max-age=300', 'a5', 300],
    ['max-age=300', '5a', 300],
    ['max-age=300', ' 100 ', 200],
    ['max-age = 300 , public', null, 300],
    ['public ,no-cache', null, 0],
    ['public,no-store ', null, 0],
    // Kills the optional chaining of the value dropped (a bare max-age would throw) and either
    // anchor of the quoted-string rule dropped.
    ['max-age', null, 0],
    ['max-age=1"2"', null, 0],
    ['max-age="1"2', null, 0],
  ])('Cache-Control %j, Age %j → %j', (cacheControl, age, expected) => {
    expect(freshnessSeconds(cacheControl, age)).toBe(expected);
  });
});

// Kills mayUseWritten's `if (!forced)` branch removed: for a cold or expired set, a fresh set
// another tab stored is used however long ago it was fetched (the cooldown is for refetches).
it('uses a fresh stored set for a cold start even past the cooldown', () => {
  const policy = { cooldownMs: 30_000, maxAgeMs: 600_000, maxStaleMs: 86_400_000 };
  const stored = { v: 1 as const, keys: [], refused: {}, fetchedAt: 0, freshUntil: 600_000 };
  expect(mayUseWritten(stored, undefined, false, 100_000, policy)).toBe(true);
});
