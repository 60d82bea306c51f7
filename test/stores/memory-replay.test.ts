import { describe, expect, it } from 'vitest';
import { memoryReplayStore, type MemoryReplayStoreOptions } from '../../src/index.js';

describe('memoryReplayStore', () => {
  it('answers true for a new id, false while it is remembered, true again once its time is up', async () => {
    let now = 1_000_000;
    const store = memoryReplayStore({ clock: () => now });
    expect(await store.add('a', 10)).toBe(true);
    expect(await store.add('a', 10)).toBe(false);
    expect(await store.add('b', 10)).toBe(true);
    now += 9_999;
    expect(await store.add('a', 10)).toBe(false);
    now += 1;
    expect(await store.add('a', 10)).toBe(true);
    expect(await store.add('a', 10)).toBe(false);
  });

  it('remembers an id for at least a second', async () => {
    let now = 0;
    const store = memoryReplayStore({ clock: () => now });
    expect(await store.add('a', 0)).toBe(true);
    now += 999;
    expect(await store.add('a', 0)).toBe(false);
  });

  it('rejects rather than forget a live id when full, and makes room as ids expire', async () => {
    let now = 0;
    const store = memoryReplayStore({ max: 2, clock: () => now });
    expect(await store.add('a', 5)).toBe(true);
    expect(await store.add('b', 10)).toBe(true);
    await expect(store.add('c', 10)).rejects.toThrow(/full/);
    expect(await store.add('a', 5)).toBe(false); // still remembered
    now = 5_000;
    expect(await store.add('c', 10)).toBe(true);
    expect(await store.add('b', 10)).toBe(false);
  });

  it('drops ids given shorter lives even when they are not first in line', async () => {
    let now = 0;
    const store = memoryReplayStore({ max: 2, clock: () => now });
    await store.add('long', 100);
    await store.add('short', 1);
    now = 2_000;
    expect(await store.add('new', 100)).toBe(true);
  });

  it('refuses an id that is not a string and a ttl that is not a finite number', async () => {
    const store = memoryReplayStore();
    await expect(store.add(1 as unknown as string, 10)).rejects.toThrow(TypeError);
    await expect(store.add('a', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.add('a', '10' as unknown as number)).rejects.toThrow(TypeError);
  });

  it.each<MemoryReplayStoreOptions>([
    { max: 0 },
    { max: 1.5 },
    { clock: 5 as unknown as () => number },
  ])('throws a TypeError for %j', (options) => {
    expect(() => memoryReplayStore(options)).toThrow(TypeError);
  });
});
