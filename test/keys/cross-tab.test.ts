import { describe, expect, it } from 'vitest';
import { crossTab, mayUseWritten } from '../../src/keys/cross-tab.js';
import type { StoredKeySet } from '../../src/stores/types.js';

const policy = { cooldownMs: 30_000, maxAgeMs: 600_000, maxStaleMs: 86_400_000 };
const set = (fetchedAt: number, freshFor = 600_000): StoredKeySet => ({
  v: 1,
  keys: [],
  refused: {},
  fetchedAt,
  freshUntil: fetchedAt + freshFor,
});
const at = (now: number) => ({ clock: () => now, policy });

// The browser behaviour (locks, notices, 10 tabs) is tested in Chromium:
// test/e2e/cross-tab-browser.test.ts. Here: the rule, and that nothing starts without a shared store.
describe('mayUseWritten: may a set another tab stored spare this tab its fetch?', () => {
  it('for a cold or expired set: when the stored one is fresh', () => {
    expect(mayUseWritten(set(1000), undefined, false, at(2000))).toBe(true);
    expect(mayUseWritten(set(1000, 500), undefined, false, at(2000))).toBe(false);
  });

  it('for an unknown kid: only when another tab fetched after this one, within the cooldown', () => {
    const held = set(0);
    expect(mayUseWritten(set(100_000), held, true, at(110_000))).toBe(true);
    expect(mayUseWritten(set(100_000), held, true, at(130_000))).toBe(false); // cooldown over
    expect(mayUseWritten(held, held, true, at(10_000))).toBe(false); // its own set
  });
});

describe('crossTab', () => {
  it('does nothing for a store that is not shared by tabs', async () => {
    const tabs = crossTab(false, {
      sourceId: 'jwks:x',
      timeoutMs: 1000,
      ...at(0),
      read: () => Promise.reject(new Error('must not read')),
      held: () => undefined,
      adopt: () => {
        throw new Error('must not adopt');
      },
    });
    const turn = await tabs.turn(undefined, false);
    expect(turn.written).toBeUndefined();
    turn.release();
  });
});
