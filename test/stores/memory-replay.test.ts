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

  it('holds at most max ids: past it, the oldest is forgotten first', async () => {
    let now = 0;
    const store = memoryReplayStore({ max: 3, clock: () => now });
    for (const id of ['a', 'b', 'c', 'd']) expect(await store.add(id, 60)).toBe(true);
    expect(await store.add('b', 60)).toBe(false);
    expect(await store.add('a', 60)).toBe(true); // forgotten for d; now b goes for a
    expect(await store.add('c', 60)).toBe(false);
    expect(await store.add('b', 60)).toBe(true);
    // Expired ids make room before any live one is dropped.
    now += 61_000;
    const fresh = memoryReplayStore({ max: 2, clock: () => now });
    await fresh.add('y', 600);
    await fresh.add('x', 1);
    now += 2_000;
    await fresh.add('z', 600);
    expect(await fresh.add('y', 600)).toBe(false);
    expect(await fresh.add('z', 600)).toBe(false);
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
