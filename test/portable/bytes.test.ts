import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, toBigInt, toBytes } from '../../src/portable/bytes.js';

describe('OS2IP and I2OSP (RFC 8017 §4)', () => {
  it('round-trips big-endian integers, leading zeros included', () => {
    expect(toBigInt(new Uint8Array())).toBe(0n);
    expect(toBigInt(Uint8Array.of(0, 1, 0))).toBe(256n);
    expect(toBytes(256n, 3)).toEqual(Uint8Array.of(0, 1, 0));
    const value = 2n ** 2047n + 12345n;
    expect(toBigInt(toBytes(value, 256)!)).toBe(value);
  });

  it('has no encoding for a value too large for the length ("integer too large")', () => {
    expect(toBytes(256n, 1)).toBeUndefined();
    expect(toBytes(255n, 1)).toEqual(Uint8Array.of(255));
    expect(toBytes(-1n, 4)).toBeUndefined();
  });
});

describe('equalBytes and concatBytes', () => {
  it('compares lengths and every byte', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(0, 2), Uint8Array.of(1, 2))).toBe(false);
    expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(), Uint8Array.of(2, 3))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });
});
