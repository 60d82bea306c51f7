import { describe, expect, it } from 'vitest';
import { memoryReplay } from '../../src/index.js';

describe('memoryReplay', () => {
  it('says false for an identifier it holds, and forgets it once its time is up', async () => {
    let now = 0;
    const replay = memoryReplay({ clock: () => now });
    expect(await replay.add('a', 10)).toBe(true);
    expect(await replay.add('a', 10)).toBe(false);
    now = 9_999;
    expect(await replay.add('a', 10)).toBe(false);
    now = 10_000;
    expect(await replay.add('a', 10)).toBe(true);
  });

  it('rejects rather than forget a live identifier when full, and makes room as they expire', async () => {
    let now = 0;
    const replay = memoryReplay({ max: 2, clock: () => now });
    expect(await replay.add('a', 5)).toBe(true);
    expect(await replay.add('b', 10)).toBe(true);
    await expect(replay.add('c', 10)).rejects.toThrow(/full/);
    expect(await replay.add('a', 5)).toBe(false); // still remembered
    now = 5_000;
    expect(await replay.add('c', 10)).toBe(true);
    expect(await replay.add('b', 10)).toBe(false);
  });

  it('drops entries given shorter lives even when they are not first in line', async () => {
    let now = 0;
    const replay = memoryReplay({ max: 2, clock: () => now });
    await replay.add('long', 100);
    await replay.add('short', 1);
    now = 2_000;
    expect(await replay.add('new', 100)).toBe(true);
  });

  it('refuses a bad max', () => {
    expect(() => memoryReplay({ max: 0 })).toThrow(TypeError);
  });
});
