import { describe, expect, it } from 'vitest';
import { crossTab } from '../../src/stores/cross-tab.js';

// The browser behaviour (locks, notices, 10 tabs) is tested in Chromium:
// test/e2e/cross-tab-browser.test.ts. Here: without Web Locks (Node, happy-dom) a tab never waits.
// The rule for using another tab's set is mayUseWritten, in test/keys/freshness.test.ts.
describe('crossTab', () => {
  it('fetches alone, at once, where there are no tabs or no Web Locks', async () => {
    const tabs = crossTab({
      sourceId: 'jwks:x',
      timeoutMs: 1000,
      validate: () => undefined,
      usable: () => true,
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
