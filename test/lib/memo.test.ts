import { describe, expect, it } from 'vitest';
import { createMemo } from '../../src/lib/memo.js';

describe('createMemo: a bounded least-recently-used map', () => {
  it('drops the least recently used entry once full, a hit counting as a use', () => {
    const memo = createMemo<number>(3);
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      memo.set(key, value);
    expect(memo.get('a')).toBe(1); // a is now the youngest; b the oldest
    memo.set('d', 4);
    expect(memo.get('b')).toBeUndefined();
    expect([memo.get('a'), memo.get('c'), memo.get('d')]).toEqual([1, 3, 4]);
    expect(memo.size).toBe(3);
  });

  it('replaces a key in place without dropping another entry', () => {
    const memo = createMemo<number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('a', 10); // a known key: nothing is dropped, and a becomes the youngest
    expect([memo.get('b'), memo.get('a'), memo.size]).toEqual([2, 10, 2]);
    memo.set('c', 3); // the oldest is b again (a was read after it)
    expect([memo.get('b'), memo.get('a'), memo.get('c')]).toEqual([undefined, 10, 3]);
  });

  it('forgets on delete and clear', () => {
    const memo = createMemo<number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.delete('a');
    expect([memo.get('a'), memo.size]).toEqual([undefined, 1]);
    memo.clear();
    expect(memo.size).toBe(0);
  });
});
