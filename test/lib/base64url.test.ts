import { describe, expect, it } from 'vitest';
import * as portable from '../../src/lib/base64url.js';
import * as nodeTwin from '../../src/lib/base64url-node.js';
import { isVerificationError } from '../../src/index.js';

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

// The portable decoder and the Node build's twin (Buffer's codec) keep the same rules.
describe.each([
  ['portable', portable],
  ['Node twin', nodeTwin],
])(
  'strict base64url (%s)',
  (
    _,
    { decodeBase64url, decodeStrict, decodeInto, decodedLength, encodeBase64url, allocateBytes },
  ) => {
    it('decodes every length the same as Node does', () => {
      for (let length = 0; length < 70; length++) {
        const bytes = crypto.getRandomValues(new Uint8Array(length));
        expect(decodeStrict(encode(bytes))).toEqual(new Uint8Array(bytes));
      }
    });

    it.each([
      ['padding', 'YQ=='],
      ['"+" from base64', 'a+b/'],
      ['whitespace', 'YW Jj'],
      ['a non-ASCII character', 'YWJé'],
      ['an impossible length', 'YWJjZ'],
      ['non-zero unused bits (a second spelling of "a")', 'YR'],
      ['non-zero unused bits in a two-byte tail', 'YWJ'],
    ])('refuses %s', (_, text) => {
      expect(decodeStrict(text)).toBeUndefined();
      try {
        decodeBase64url(text, 'payload');
        expect.unreachable();
      } catch (error) {
        expect(isVerificationError(error) && error.code).toBe('ERR_TOKEN_MALFORMED');
        expect((error as Error).message).toMatch(/payload is not canonical base64url/);
      }
    });

    it('accepts exactly one spelling of each byte sequence', () => {
      // "a" is 0x61: YQ is canonical, YR..YT carry the same byte with stray low bits.
      expect(decodeStrict('YQ')).toEqual(new Uint8Array([0x61]));
      for (const spelling of ['YR', 'YS', 'YT']) expect(decodeStrict(spelling)).toBeUndefined();
    });

    it('encodes every length as Node does, and decodes its own output', () => {
      for (let length = 0; length < 70; length++) {
        const bytes = crypto.getRandomValues(new Uint8Array(length));
        const text = encodeBase64url(bytes);
        expect(text).toBe(encode(bytes));
        expect(decodeStrict(text)).toEqual(bytes);
      }
      // A view into a larger buffer encodes only its own bytes.
      const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
      expect(encodeBase64url(whole.subarray(2, 4))).toBe(encode(new Uint8Array([3, 4])));
    });

    it('decodes into a slice of a larger buffer, touching nothing around it', () => {
      const text = encode(new Uint8Array([0xfb, 0xff, 0x01, 0x02]));
      const whole = new Uint8Array(2 + decodedLength(text) + 2).fill(0xaa);
      expect(decodeInto(text, whole.subarray(2, 2 + decodedLength(text)))).toBe(true);
      expect([...whole]).toEqual([0xaa, 0xaa, 0xfb, 0xff, 0x01, 0x02, 0xaa, 0xaa]);
      // The same at an offset into a buffer of allocateBytes (a Buffer in the Node twin).
      const pooled = allocateBytes(whole.length).fill(0xaa);
      expect(decodeInto(text, pooled, 2)).toBe(true);
      expect([...pooled]).toEqual([...whole]);
      for (const bad of ['YQ==', 'a+b/', 'YR', 'YWJjZ', 'YWJé'])
        expect(decodeInto(bad, new Uint8Array(decodedLength(bad)))).toBe(false);
    });
  },
);
