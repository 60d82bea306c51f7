import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToBigInt, decodeBase64urlStrict } from '../../src/keys/strict-base64url.js';

describe('decodeBase64urlStrict()', () => {
  it('decodes what Node encodes, for every length from 0 to 70 bytes', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = randomBytes(length);
      expect(decodeBase64urlStrict(bytes.toString('base64url'))).toEqual(new Uint8Array(bytes));
    }
  });

  it.each([
    ['padding', 'AQAB=='],
    ['a "+" from the standard alphabet', 'a+b_'],
    ['a "/" from the standard alphabet', 'a/b_'],
    ['whitespace', 'AQ AB'],
    ['a lone trailing character', 'AQABA'],
    ['non-zero spare bits after 1 byte', 'AR'],
    ['non-zero spare bits after 2 bytes', 'AQB'],
    ['a non-ASCII letter', 'AQAé'],
    ['a dot', 'AQ.B'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64urlStrict(text)).toBeUndefined();
  });

  it('never throws, whatever the input', () => {
    for (const value of [undefined, null, 42, {}, [], '\u0000', '\uD800', '😀😀😀😀'])
      expect(() => decodeBase64urlStrict(value as string)).not.toThrow();
  });
});

describe('bytesToBigInt()', () => {
  it('reads big-endian octets', () => {
    expect(bytesToBigInt(new Uint8Array([1, 0, 1]))).toBe(65537n);
    expect(bytesToBigInt(new Uint8Array([0, 0, 255]))).toBe(255n);
    expect(bytesToBigInt(new Uint8Array([]))).toBe(0n);
  });
});
