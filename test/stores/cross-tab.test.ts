import { describe, expect, it } from 'vitest';
import { crossTab } from '../../src/stores/cross-tab.js';

// The browser behaviour (locks, notices, 10 tabs) is tested in Chromium:
// test/e2e/cross-tab-browser.test.ts. Here: without Web Locks (Node, happy-dom) a tab never waits.
// The rule for using another tab's set is mayUseWritten, in test/keyset/freshness.test.ts.
describe('crossTab', () => {
  it('fetches alone, at once, where there are no tabs or no Web Locks', async () => {
    const tabs = crossTab('jwks:x', 1000);
    const turn = await tabs.turn();
    expect([turn.locked, turn.contended]).toEqual([false, false]);
    expect(tabs.latest()).toBeUndefined();
    turn.release();
  });
});
