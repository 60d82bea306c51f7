import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeStrict } from '../../src/lib/base64url.js';
import { encodeBase64url } from '../../src/lib/base64url.js';

describe('encodeBase64url', () => {
  it('writes what Buffer writes, and decodeStrict reads it back, at every length to 70', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = encodeBase64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(decodeStrict(text)).toEqual(bytes);
    }
    expect(encodeBase64url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });
});
